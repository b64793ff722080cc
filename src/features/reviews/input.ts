import { z } from 'zod';
import { calendarDate } from '../../core/input/calendar-date.ts';
import { REVIEW_KINDS, REVIEW_OUTCOMES } from './domain.ts';

const isoDate = (label: string) => calendarDate(`Give the ${label}.`, `Give the ${label} as YYYY-MM-DD.`);

export const reviewScheduleInputSchema = z.object({
  kind: z.enum(REVIEW_KINDS, { error: 'Choose the kind of review.' }),
  aiSystemId: z.number().int().positive().nullable().optional(),
  ownerPersonId: z.number({ error: 'Choose the owner.' }).int().positive(),
  cadenceDays: z
    .number({ error: 'The cadence must be a number of days.' })
    .int('The cadence must be whole days.')
    .min(1, 'The cadence must be at least 1 day.')
    .max(1830, 'The cadence can be at most 1830 days.'),
  nextDue: isoDate('next due date'),
});

export const reviewDoneInputSchema = z.object({
  date: isoDate('date it was done'),
  outcome: z.enum(REVIEW_OUTCOMES, { error: 'Choose the outcome.' }),
  findings: z
    .string()
    .trim()
    .max(3000, 'Findings can be at most 3000 characters.')
    .optional()
    .transform((value) => (value ? value : null)),
  evidence: z
    .string()
    .trim()
    .max(1000)
    .optional()
    .transform((value) => (value ? value : null)),
  actions: z
    .array(
      z.object({
        title: z.string().trim().min(1, 'Action is required.').max(300),
        ownerPersonId: z.number({ error: 'Choose who owns the action.' }).int().positive(),
        dueDate: isoDate('due date'),
      }),
    )
    .max(5)
    .default([]),
});
