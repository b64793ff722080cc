import { z } from 'zod';
import annexA from '../../core/iso42001/annex-a.json' with { type: 'json' };
import { calendarDate } from '../../core/input/calendar-date.ts';
import { cleaned } from '../../core/input/clean-text.ts';
import { AUDIT_AREAS, FINDING_KINDS } from './domain.ts';

/** The clauses and Annex A controls of annex-a.json: what an audit's scope and a finding may name. */
export const CLAUSE_IDS: readonly string[] = annexA.clauses.map((clause) => clause.id);
export const CONTROL_IDS: readonly string[] = annexA.controls.map((control) => control.id);

/** "9.2, a.6.2.6; A.10.3" -> ["9.2", "A.6.2.6", "A.10.3"]. */
export function requirementIdsOf(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\s,;]+/)
    .map((id) => id.trim())
    .filter(Boolean)
    .map((id) => id.replace(/^a\./, 'A.'));
}

const text = (label: string, max: number) =>
  cleaned(
    z
      .string({ error: `${label} is required.` })
      .trim()
      .min(1, `${label} is required.`)
      .max(max, `${label} can be at most ${max} characters.`),
  );

const person = (missing: string) => z.number({ error: missing }).int().positive();

const idsOf = (known: readonly string[], what: string, example: string) =>
  z
    .array(z.string().trim())
    .max(60)
    .default([])
    .superRefine((ids, ctx) => {
      const unknown = ids.filter((id) => !known.includes(id));
      if (unknown.length > 0)
        ctx.addIssue({
          code: 'custom',
          message: `${unknown.join(', ')} ${unknown.length === 1 ? 'is not a' : 'are not'} ${what} of annex-a.json (e.g. ${example}).`,
        });
    });

/** A clause ("9.2") or an Annex A control ("A.6.2.6") of annex-a.json. */
export const requirementId = z
  .string({ error: 'Give the clause or Annex A control (e.g. 9.2 or A.6.2.6).' })
  .trim()
  .transform((id) => id.replace(/^a\./, 'A.'))
  .superRefine((id, ctx) => {
    if (id === '') ctx.addIssue({ code: 'custom', message: 'Give the clause or Annex A control (e.g. 9.2 or A.6.2.6).' });
    else if (!CLAUSE_IDS.includes(id) && !CONTROL_IDS.includes(id))
      ctx.addIssue({ code: 'custom', message: `“${id}” is not a clause or an Annex A control of annex-a.json (e.g. 9.2 or A.6.2.6).` });
  });

/** An entry of the audit programme, from the plan form on both platforms. */
export const auditPlanInputSchema = z
  .object({
    title: text('Title', 150),
    clauses: idsOf(CLAUSE_IDS, 'clause', '9.2, 10.2'),
    controls: idsOf(CONTROL_IDS, 'control', 'A.6.2.6'),
    systemIds: z.array(z.number().int().positive()).max(100).default([]),
    areas: z.array(z.enum(AUDIT_AREAS, { error: 'Choose areas from the list.' })).default([]),
    plannedStart: calendarDate('Give the planned start date.', 'Give the planned start date.'),
    plannedEnd: calendarDate('Give the planned end date.', 'Give the planned end date.'),
    leadAuditorPersonId: person('Choose the lead auditor.'),
    auditorPersonIds: z.array(z.number().int().positive()).max(20).default([]),
  })
  .superRefine((plan, ctx) => {
    if (plan.clauses.length + plan.controls.length + plan.systemIds.length + plan.areas.length === 0)
      ctx.addIssue({ code: 'custom', path: ['clauses'], message: 'Give the scope: clauses, controls, AI systems or areas.' });
    if (plan.plannedEnd < plan.plannedStart)
      ctx.addIssue({ code: 'custom', path: ['plannedEnd'], message: 'The end date cannot be before the start date.' });
  });
export type AuditPlanInput = z.output<typeof auditPlanInputSchema>;

/** A finding logged during an audit. */
export const findingInputSchema = z.object({
  kind: z.enum(FINDING_KINDS, { error: 'Choose what kind of finding it is.' }),
  clause: requirementId,
  description: text('Description', 3000),
  recordRef: z
    .string()
    .trim()
    .max(40, 'The record is named in at most 40 characters (e.g. R-3, INC-4).')
    .optional()
    .transform((value) => (value ? value : null)),
});
export type FindingInput = z.output<typeof findingInputSchema>;

/** A nonconformity, from the `nonconformity.log` form (opened from a finding or an objective's reading). */
export const nonconformityInputSchema = z
  .object({
    source: z.enum(['audit', 'objective'], { error: 'A nonconformity comes from an audit or an objective.' }),
    ref: z.string().trim(),
    clause: requirementId,
    grade: z.enum(['major', 'minor'], { error: 'Choose major or minor.' }),
    description: text('Description', 3000),
    ownerPersonId: person('Choose who owns the nonconformity.'),
  })
  .superRefine((nc, ctx) => {
    const pattern = nc.source === 'audit' ? /^AUD-\d+$/ : /^OBJ-\d+$/;
    if (!pattern.test(nc.ref))
      ctx.addIssue({
        code: 'custom',
        path: ['ref'],
        message: `A nonconformity from ${nc.source === 'audit' ? 'an audit names it (AUD-2)' : 'an objective names it (OBJ-2)'}.`,
      });
  });
export type NonconformityInput = z.output<typeof nonconformityInputSchema>;

/** The corrective action of a nonconformity: root cause, what, who, by when, and who checks it worked. */
export const correctionInputSchema = z
  .object({
    rootCause: text('Root cause', 2000),
    title: text('Corrective action', 300),
    ownerPersonId: person('Choose who owns the action.'),
    dueDate: calendarDate('Give a due date.', 'Give a due date.'),
    checkerPersonId: person('Choose who checks its effectiveness.'),
  })
  .superRefine((action, ctx) => {
    if (action.checkerPersonId === action.ownerPersonId)
      ctx.addIssue({
        code: 'custom',
        path: ['checkerPersonId'],
        message: 'The effectiveness is checked by someone other than the action’s owner.',
      });
  });
export type CorrectionInput = z.output<typeof correctionInputSchema>;

/** An effectiveness check: passed closes the nonconformity, failed opens its action again (say why). */
export const checkInputSchema = z
  .object({
    result: z.enum(['passed', 'failed'], { error: 'Choose whether the action was effective.' }),
    note: z
      .string()
      .trim()
      .max(2000, 'The note can be at most 2000 characters.')
      .optional()
      .transform((value) => (value ? value : null)),
  })
  .superRefine((check, ctx) => {
    if (check.result === 'failed' && !check.note)
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'Say what is still wrong: the action is opened again with it.' });
  });
export type CheckInput = z.output<typeof checkInputSchema>;
