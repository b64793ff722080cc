import { z } from 'zod';
import { calendarDate } from '../../core/input/calendar-date.ts';
import { cleaned } from '../../core/input/clean-text.ts';
import { INCIDENT_TYPES, SEVERITIES } from './domain.ts';

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .min(1, `${label} is required.`)
    .max(max, `${label} can be at most ${max} characters.`);

/** The incident form, on both platforms. The system is either from the inventory or named freely. */
export const incidentInputSchema = z
  .object({
    aiSystemId: z.number().int().positive().nullable().optional(),
    systemName: cleaned(
      z
        .string()
        .trim()
        .max(80, 'System name can be at most 80 characters.')
        .optional()
        .transform((value) => (value ? value : null)),
    ),
    title: text('Title', 150),
    description: text('What happened', 3000),
    severity: z.enum(SEVERITIES, { error: 'Choose a severity.' }),
    type: z.enum(INCIDENT_TYPES, { error: 'Choose a type.' }),
    detectedAt: z.iso.datetime({ offset: true, error: 'Give the date and time it was detected.' }),
    affected: text('Who or what was affected', 1000),
  })
  .superRefine((input, ctx) => {
    if (!input.aiSystemId && !input.systemName) {
      ctx.addIssue({
        code: 'custom',
        path: ['aiSystemId'],
        message: 'Choose the AI system, or name it below if it is not in the inventory yet.',
      });
    }
  });

export type IncidentInput = z.output<typeof incidentInputSchema>;

const isoDate = calendarDate('Give a due date.', 'Give a due date.');

/** One corrective action of the resolve form. */
export const correctiveActionInputSchema = z.object({
  title: text('Action', 300),
  ownerPersonId: z.number({ error: 'Choose who owns the action.' }).int().positive(),
  dueDate: isoDate,
});

export const resolveInputSchema = z.object({
  rootCause: text('Root cause', 2000),
  actions: z.array(correctiveActionInputSchema).min(1, 'Add at least one corrective action.').max(5),
});

export type ResolveInput = z.output<typeof resolveInputSchema>;
