import { z } from 'zod';
import { calendarDate } from '../../core/input/calendar-date.ts';
import { cleaned } from '../../core/input/clean-text.ts';
import { GRANTABLE_ROLES } from '../../core/roles.ts';

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .min(1, `${label} is required.`)
    .max(max, `${label} can be at most ${max} characters.`);

const isoDate = calendarDate('Give the date.', 'Give the date as YYYY-MM-DD.');

export const courseInputSchema = z.object({
  name: cleaned(text('Name', 80)),
  description: text('Description', 1000),
  requiredRoles: z.array(z.enum(GRANTABLE_ROLES, { error: 'Roles are admin, approver, leadership or trainer.' })).default([]),
  renewalMonths: z
    .number({ error: 'Renewal must be a number of months.' })
    .int('Renewal must be whole months.')
    .min(1, 'Renewal must be at least 1 month.')
    .max(120, 'Renewal can be at most 120 months.')
    .nullable(),
});

export const sessionInputSchema = z.object({
  courseId: z.number({ error: 'Choose the course.' }).int().positive(),
  date: isoDate,
  trainer: text('Trainer', 120),
  attendeePersonIds: z.array(z.number().int().positive()).min(1, 'Add at least one attendee.').max(500),
  evidence: z
    .string()
    .trim()
    .max(1000, 'Evidence can be at most 1000 characters.')
    .optional()
    .transform((value) => (value ? value : null)),
});

export const selfAttestationSchema = z.object({
  courseId: z.number().int().positive(),
  date: isoDate,
  evidence: z
    .string()
    .trim()
    .max(1000)
    .optional()
    .transform((value) => (value ? value : null)),
});
