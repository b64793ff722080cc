import { z } from 'zod';
import { cleaned } from '../../core/input/clean-text.ts';
import { EU_RISK_LEVELS, INTERNAL_TIERS, PROVIDERS, STAGES } from './domain.ts';

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .min(1, `${label} is required.`)
    .max(max, `${label} can be at most ${max} characters.`);

const optionalUrl = (label: string) =>
  z
    .string()
    .trim()
    .max(500, `${label} can be at most 500 characters.`)
    .optional()
    .transform((value) => (value === undefined || value === '' ? null : value))
    .refine((value) => value === null || /^https?:\/\/\S+$/i.test(value), `${label} must be a link starting with https://`);

/** One schema for the AI system form, on Slack, on Teams and from the CLI. */
export const aiSystemInputSchema = z
  .object({
    name: cleaned(text('Name', 80)),
    description: text('Description', 2000),
    purpose: text('Intended purpose', 1000),
    ownerPersonId: z.number({ error: 'Choose an owner.' }).int().positive(),
    euRiskLevel: z.enum(EU_RISK_LEVELS, { error: 'Choose the EU AI Act risk level.' }),
    internalTier: z.enum(INTERNAL_TIERS, { error: 'Choose an internal tier.' }),
    stage: z.enum(STAGES, { error: 'Choose a lifecycle stage.' }),
    provider: z.enum(PROVIDERS, { error: 'Choose who provides it.' }),
    vendorName: z
      .string()
      .trim()
      .max(120, 'Vendor can be at most 120 characters.')
      .optional()
      .transform((value) => (value === undefined || value === '' ? null : value)),
    modelCardUrl: optionalUrl('Model card link'),
    repositoryUrl: optionalUrl('Repository link'),
  })
  .superRefine((input, ctx) => {
    if (input.provider === 'third-party' && !input.vendorName) {
      ctx.addIssue({ code: 'custom', path: ['vendorName'], message: 'Name the vendor of a third-party system.' });
    }
  })
  .transform((input) => ({ ...input, vendorName: input.provider === 'in-house' ? null : input.vendorName }));

export type AiSystemInput = z.output<typeof aiSystemInputSchema>;
