import { z } from 'zod';

const text = (max: number, what: string) =>
  z
    .string({ error: `Describe ${what}.` })
    .trim()
    .min(1, `Describe ${what}.`)
    .max(max, `At most ${max} characters.`);
const level = (what: string) =>
  z
    .number({ error: `Give the ${what} as a number from 1 to 5.` })
    .int(`The ${what} is a whole number from 1 to 5.`)
    .min(1, `The ${what} is from 1 to 5.`)
    .max(5, `The ${what} is from 1 to 5.`);

/** "R-3", "r 12", "R12" -> "R-3"; the risks area checks them against its register when it exists. */
export const RISK_REF = /^R-?\s?(\d+)$/i;

export const impactInputSchema = z.object({
  aiSystemId: z.number().int().positive(),
  intendedUse: text(3000, 'the intended use'),
  foreseeableMisuse: text(3000, 'the foreseeable misuse'),
  affected: text(3000, 'who is affected and how'),
  societalImpact: text(3000, 'the societal impact'),
  harms: z
    .array(z.object({ description: text(500, 'the harm'), severity: level('severity'), likelihood: level('likelihood') }))
    .min(1, 'Describe at least one harm.')
    .max(5),
  mitigations: z
    .array(
      z.object({
        text: text(1000, 'the mitigation'),
        riskRefs: z.array(z.string().trim().regex(RISK_REF, 'Name risks as R-3, R-5.')).max(20),
      }),
    )
    .max(5),
  humanOversight: text(3000, 'the human oversight in place'),
});
export type ImpactInput = z.infer<typeof impactInputSchema>;
