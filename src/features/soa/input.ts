import { z } from 'zod';
import { annexControl, SOA_STATES } from './domain.ts';

/** One control's entry, from the edit form (Slack modal, Teams dialog) or anything else that edits it. */
export const soaEntryInputSchema = z
  .object({
    controlId: z
      .string({ error: 'Give the Annex A control, e.g. A.6.2.6.' })
      .trim()
      .min(1, 'Give the Annex A control, e.g. A.6.2.6.')
      .refine((id) => annexControl(id) !== undefined, { message: 'Not an Annex A control: use an id such as A.6.2.6.' })
      .transform((id) => annexControl(id)?.id ?? id),
    applicable: z.enum(['yes', 'no'], { error: 'Say whether the control applies.' }).transform((value) => value === 'yes'),
    justification: z
      .string()
      .trim()
      .max(2000, 'The justification can be at most 2000 characters.')
      .optional()
      .transform((value) => (value ? value : null)),
    state: z.enum(SOA_STATES, { error: 'Choose the implementation state.' }),
    ownerPersonId: z.number().int().positive().nullable().optional(),
  })
  .superRefine((input, ctx) => {
    if (!input.applicable && !input.justification)
      ctx.addIssue({
        code: 'custom',
        path: ['justification'],
        message: 'An excluded control needs a justification: say why it does not apply.',
      });
  });

export type SoaEntryInput = z.output<typeof soaEntryInputSchema>;
