import { z } from 'zod';
import annexA from '../../core/iso42001/annex-a.json' with { type: 'json' };
import { calendarDate } from '../../core/input/calendar-date.ts';
import { cleaned } from '../../core/input/clean-text.ts';
import { CATEGORIES, PHASES, REVIEW_CADENCES, TREATMENTS } from './domain.ts';

/** The Annex A control ids a risk may name as treating it. */
export const ANNEX_A_CONTROL_IDS: readonly string[] = annexA.controls.map((control) => control.id);

const text = (label: string, max: number) =>
  cleaned(
    z
      .string({ error: `${label} is required.` })
      .trim()
      .min(1, `${label} is required.`)
      .max(max, `${label} can be at most ${max} characters.`),
  );

/** 1 to 5: the form offers the five levels, and anything else (a forged value, an API typo) is refused at the field. */
const scale = (label: string) =>
  z
    .number({ error: `Choose the ${label} (1 to 5).` })
    .int(`The ${label} is a whole number from 1 to 5.`)
    .min(1, `The ${label} must be from 1 to 5.`)
    .max(5, `The ${label} must be from 1 to 5.`);

/** One treatment action: what, who, by when. */
export const riskActionInputSchema = z.object({
  title: text('Action', 300),
  ownerPersonId: z.number({ error: 'Choose who owns the action.' }).int().positive(),
  dueDate: calendarDate('Give a due date.', 'Give a due date.'),
});

/** A risk of the register, from the form on both platforms (and the service's callers). */
export const riskInputSchema = z.object({
  title: text('Title', 150),
  description: text('Description', 3000),
  systemIds: z.array(z.number().int().positive()).max(50).default([]),
  category: z.enum(CATEGORIES, { error: 'Choose a source or category.' }),
  phase: z.enum(PHASES, { error: 'Choose the lifecycle phase.' }),
  ownerPersonId: z.number({ error: 'Choose the risk owner.' }).int().positive(),
  inherentLikelihood: scale('inherent likelihood'),
  inherentImpact: scale('inherent impact'),
  treatment: z.enum(TREATMENTS, { error: 'Choose a treatment.' }),
  plan: text('Treatment plan', 3000),
  controls: z
    .array(z.string().trim())
    .max(38)
    .default([])
    .superRefine((ids, ctx) => {
      const unknown = ids.filter((id) => !ANNEX_A_CONTROL_IDS.includes(id));
      if (unknown.length > 0)
        ctx.addIssue({
          code: 'custom',
          message: `${unknown.join(', ')} ${unknown.length === 1 ? 'is not a control' : 'are not controls'} of Annex A (e.g. A.6.2.6).`,
        });
    }),
  residualLikelihood: scale('residual likelihood'),
  residualImpact: scale('residual impact'),
  acceptanceRationale: z
    .string()
    .trim()
    .max(2000, 'The rationale can be at most 2000 characters.')
    .optional()
    .transform((value) => (value ? value : null)),
  reviewEveryDays: z
    .number({ error: 'Choose how often it is reviewed.' })
    .refine((days) => (REVIEW_CADENCES as readonly number[]).includes(days), 'Choose how often it is reviewed.'),
  actions: z.array(riskActionInputSchema).max(5).default([]),
});

export type RiskInput = z.output<typeof riskInputSchema>;

/** Thresholds of the 5x5 matrix: each level starts above the one before, within 2..25. */
export const thresholdsInputSchema = z
  .object({
    mediumFrom: z.number().int().min(2).max(25),
    highFrom: z.number().int().min(2).max(25),
    criticalFrom: z.number().int().min(2).max(25),
  })
  .refine(
    (t) => t.mediumFrom < t.highFrom && t.highFrom < t.criticalFrom,
    'Each level must start above the one before (medium < high < critical).',
  );
