import { z } from 'zod';
import { CHANGE_TYPES } from './release.ts';

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .min(1, `${label} is required.`)
    .max(max, `${label} can be at most ${max} characters.`);

export const criterionInputSchema = z.object({
  metric: text('Metric', 60),
  comparison: z.enum(['>=', '<='], { error: 'Use >= or <=.' }),
  threshold: z.number({ error: 'The threshold must be a number.' }).finite(),
  dataset: text('Dataset or slice', 80),
});

/** A release request: the same fields from the form, the pipeline API and the CLI. */
export const releaseInputSchema = z.object({
  aiSystemId: z.number({ error: 'Choose the AI system.' }).int().positive(),
  version: text('Version', 60),
  changeType: z.enum(CHANGE_TYPES, { error: 'Choose the kind of change.' }),
  whatChanged: text('What changed', 3000),
  measurements: z
    .array(
      z.object({
        metric: text('Metric', 60),
        dataset: z.string().trim().max(80).optional(),
        value: z.number({ error: 'Enter the measured value as a number.' }).finite('Enter the measured value as a number.'),
      }),
    )
    .max(30),
  evaluationLink: z
    .string()
    .trim()
    .max(500)
    .optional()
    .transform((value) => (value ? value : null))
    .refine((value) => value === null || /^https?:\/\/\S+$/i.test(value), 'The evaluation link must start with https://'),
  risks: text('Known risks and limitations', 2000),
  justification: z
    .string()
    .trim()
    .max(2000, 'The justification can be at most 2000 characters.')
    .optional()
    .transform((value) => (value ? value : null)),
  approvalsNeeded: z.number().int().min(1, 'At least 1 approval.').max(10, 'At most 10 approvals.').optional(),
});

export type ReleaseInput = z.output<typeof releaseInputSchema>;
