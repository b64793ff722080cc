import { z } from 'zod';
import { cleaned } from '../../core/input/clean-text.ts';
import { CHANGE_TYPES, domainOf, inDomain } from './domain.ts';

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .min(1, `${label} is required.`)
    .max(max, `${label} can be at most ${max} characters.`);

const bound = z.number({ error: 'A bound must be a number.' }).finite('A bound must be a number.').nullable().default(null);

/** A criterion and its value domain: declared bounds (either may be open), or the default of its metric's name. */
export const criterionInputSchema = z
  .object({
    metric: cleaned(text('Metric', 60)),
    comparison: z.enum(['>=', '<='], { error: 'Use >= or <=.' }),
    threshold: z.number({ error: 'The threshold must be a number.' }).finite(),
    dataset: cleaned(text('Dataset or slice', 80)),
    minValue: bound,
    maxValue: bound,
  })
  .superRefine((input, ctx) => {
    if (input.minValue !== null && input.maxValue !== null && input.minValue >= input.maxValue) {
      ctx.addIssue({
        code: 'custom',
        path: ['minValue'],
        message: `The range ${input.minValue}..${input.maxValue} is empty: the lower bound must be below the upper one.`,
      });
      return;
    }
    const domain = domainOf(input);
    if (!inDomain(input.threshold, domain)) {
      ctx.addIssue({
        code: 'custom',
        path: ['threshold'],
        message: `The threshold ${input.threshold} is outside the values ${input.metric} can take (${domain?.label ?? ''}). Give the range with the criterion, e.g. “range 0..100”.`,
      });
    }
  });

/** A release request: the same fields from the form, the pipeline API and the CLI. */
export const releaseInputSchema = z.object({
  aiSystemId: z.number({ error: 'Choose the AI system.' }).int().positive(),
  version: cleaned(text('Version', 60)),
  changeType: z.enum(CHANGE_TYPES, { error: 'Choose the kind of change.' }),
  whatChanged: text('What changed', 3000),
  measurements: z
    .array(
      z.object({
        metric: cleaned(text('Metric', 60)),
        dataset: cleaned(z.string().trim().max(80).optional()),
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
