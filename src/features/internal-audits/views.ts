import { personLabel, type Person } from '../../core/identity.ts';
import type { ButtonView } from '../../chat/views/form.ts';
import { formatInstant } from '../../chat/views/format-time.ts';
import type { Block, MessageView, RichText, Tone } from '../../chat/views/view.ts';
import type { CorrectiveAction } from '../incidents/domain.ts';
import {
  AUDIT_AREA_LABELS,
  auditKey,
  FINDING_KINDS,
  FINDING_LABELS,
  findingKey,
  NC_GRADE_OF,
  ncKey,
  STAGE_LABELS,
  stageOf,
  type InternalAudit,
  type Nonconformity,
  type NonconformityStage,
} from './domain.ts';
import { AUDIT_ACTIONS, AUDIT_FORMS, formButton, logFindingButton } from './forms.ts';
import type { AuditDetails, NonconformityDetails } from './service.ts';

const who = (people: Map<number, Person>, id: number | null) => {
  if (id === null) return 'nobody';
  const person = people.get(id);
  return person ? personLabel(person) : `person #${id}`;
};

const STAGE_TONE: Record<NonconformityStage, Tone> = {
  'needs-action': 'attention',
  'action-open': 'warning',
  'check-due': 'accent',
  closed: 'good',
};

const AUDIT_STATUS: Record<InternalAudit['status'], string> = { planned: 'Planned', 'in-progress': 'In progress', completed: 'Completed' };

const scopeOf = (audit: InternalAudit, systems: string[]): string =>
  [
    audit.clauses.length > 0 ? `clauses ${audit.clauses.join(', ')}` : '',
    audit.controls.length > 0 ? `controls ${audit.controls.join(', ')}` : '',
    systems.length > 0 ? `AI systems ${systems.join(', ')}` : '',
    audit.areas.length > 0 ? `areas ${audit.areas.map((a) => AUDIT_AREA_LABELS[a]).join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ')
    .slice(0, 1900);

/** How many findings of each kind: "1 minor nonconformity, 2 observations". */
export function findingCounts(kinds: readonly string[]): string {
  const parts = FINDING_KINDS.map((kind) => [kind, kinds.filter((k) => k === kind).length] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${FINDING_LABELS[kind].toLowerCase()}${n === 1 ? '' : 's'}`);
  return parts.length > 0 ? parts.join(', ') : 'no findings yet';
}

/** The audit's report as a card: scope, dates, auditors, findings and the nonconformities raised from them. */
export function auditCardView(details: AuditDetails, timeZone: string, note?: string): MessageView {
  const { audit, findings, nonconformities, actions, people, systems } = details;
  const key = auditKey(audit);
  const ncOf = new Map(nonconformities.filter((nc) => nc.findingId !== null).map((nc) => [nc.findingId as number, nc]));
  const blocks: Block[] = [];
  if (note) blocks.push({ type: 'text', text: note });
  blocks.push(
    { type: 'header', text: `${key} · ${audit.title}`.slice(0, 150) },
    {
      type: 'fields',
      fields: [
        { label: 'Status', value: AUDIT_STATUS[audit.status] },
        { label: 'Planned', value: `${audit.plannedStart} to ${audit.plannedEnd}` },
        { label: 'Lead auditor', value: who(people, audit.leadAuditorPersonId) },
        {
          label: 'Auditors',
          value: audit.auditorPersonIds.length > 0 ? audit.auditorPersonIds.map((id) => who(people, id)).join(', ') : 'none',
        },
        {
          label: 'Scope',
          value:
            scopeOf(
              audit,
              systems.map((s) => s.name),
            ) || 'none',
        },
        { label: 'Findings', value: findingCounts(findings.map((f) => f.kind)) },
      ],
    },
  );
  if (findings.length > 0)
    blocks.push({
      type: 'list',
      items: findings.map((f): RichText => {
        const nc = ncOf.get(f.id);
        const action = nc?.correctiveActionId ? actions.get(nc.correctiveActionId) : undefined;
        return [
          { text: `${findingKey(f)} `, style: 'bold' },
          { text: `${FINDING_LABELS[f.kind]} · ${f.clause} · ${f.description.slice(0, 300)}${f.recordRef ? ` · ${f.recordRef}` : ''}` },
          ...(nc
            ? [{ text: ` · ${ncKey(nc)} ${STAGE_LABELS[stageOf(nc, action)].toLowerCase()}`, tone: STAGE_TONE[stageOf(nc, action)] }]
            : []),
        ];
      }),
      open: findings.map((f) => {
        const nc = ncOf.get(f.id);
        if (nc) return { label: `Open ${ncKey(nc)}`, action: AUDIT_ACTIONS.showNc, args: { nc: String(nc.number) } };
        return NC_GRADE_OF[f.kind] && audit.status !== 'completed' ? logFindingButton(audit, f) : undefined;
      }),
    });
  const open = nonconformities.filter((nc) => nc.status !== 'closed').length;
  blocks.push({
    type: 'context',
    text: `${nonconformities.length} nonconformit${nonconformities.length === 1 ? 'y' : 'ies'} (${open} open) · updated ${formatInstant(audit.updatedAt, timeZone)}${audit.completedAt ? ` · completed ${formatInstant(audit.completedAt, timeZone)}` : ''}`,
  });
  const buttons: ButtonView[] = [];
  if (audit.status !== 'completed') {
    buttons.push(formButton('Log a finding', AUDIT_FORMS.finding, { audit: String(audit.number) }, 'primary'));
    const args = { audit: String(audit.number) };
    buttons.push({
      label: 'Complete audit',
      action: AUDIT_ACTIONS.complete,
      args,
      confirm: {
        title: `Complete ${key}?`,
        text: 'Completing makes the report final: no more findings can be logged. Its nonconformities go on being followed.',
        confirm: 'Complete',
        deny: 'Not yet',
        back: { action: AUDIT_ACTIONS.show, args },
      },
    });
  }
  if (buttons.length > 0) blocks.push({ type: 'actions', buttons });
  return { summary: `${key} ${audit.title}: ${findingCounts(findings.map((f) => f.kind))}`, blocks, visibility: 'public' };
}

const actionLine = (action: CorrectiveAction, people: Map<number, Person>) =>
  `#${action.id} ${action.title} · ${who(people, action.ownerPersonId)} · due ${action.dueDate} · ${action.status}`;

/** A nonconformity's card: where it came from, its corrective action and its effectiveness check, with the next step's button. */
export function nonconformityCardView(details: NonconformityDetails, timeZone: string, note?: string): MessageView {
  const { nc, action, people, finding } = details;
  const stage = stageOf(nc, action);
  const key = ncKey(nc);
  const blocks: Block[] = [];
  if (note) blocks.push({ type: 'text', text: note });
  blocks.push(
    { type: 'header', text: `${key} · ${nc.grade === 'major' ? 'Major' : 'Minor'} nonconformity · ${nc.clause}` },
    {
      type: 'fields',
      fields: [
        { label: 'Status', value: [{ text: STAGE_LABELS[stage], tone: STAGE_TONE[stage] }] },
        {
          label: 'Source',
          value: `${nc.source === 'audit' ? 'Audit' : 'Objective'} ${nc.sourceRef}${finding ? ` ${findingKey(finding)}` : ''}`,
        },
        { label: 'Owner', value: who(people, nc.ownerPersonId) },
        { label: 'Corrective action', value: action ? actionLine(action, people) : 'none yet' },
        ...(action?.rootCause ? [{ label: 'Root cause', value: action.rootCause.slice(0, 1900) }] : []),
        ...(nc.checkerPersonId !== null ? [{ label: 'Effectiveness checked by', value: who(people, nc.checkerPersonId) }] : []),
        ...(action?.checkResult
          ? [
              {
                label: 'Last check',
                value: `${action.checkResult} by ${who(people, action.checkedByPersonId)}${action.checkedAt ? ` on ${formatInstant(action.checkedAt, timeZone)}` : ''}${action.checkNote ? `: ${action.checkNote.slice(0, 1000)}` : ''}`,
              },
            ]
          : []),
      ],
    },
    { type: 'text', text: [{ text: 'Description: ', style: 'bold' }, { text: nc.description }] },
    {
      type: 'context',
      text: `Logged ${formatInstant(nc.createdAt, timeZone)}${nc.closedAt ? ` · closed ${formatInstant(nc.closedAt, timeZone)}` : ''}`,
    },
  );
  const args = { nc: String(nc.number) };
  const buttons: ButtonView[] = [];
  if (stage === 'needs-action') buttons.push(formButton('Raise corrective action', AUDIT_FORMS.action, args, 'primary'));
  if (stage === 'action-open') buttons.push({ label: 'Action done', action: AUDIT_ACTIONS.actionDone, args, style: 'primary' });
  if (stage === 'check-due') buttons.push(formButton('Check effectiveness', AUDIT_FORMS.check, args, 'primary'));
  if (buttons.length > 0) blocks.push({ type: 'actions', buttons });
  return { summary: `${key} ${STAGE_LABELS[stage]}: ${nc.description.slice(0, 100)}`, blocks, visibility: 'public' };
}

/** `audit list`: the programme, newest first, with each audit's findings and open nonconformities. */
export function auditListView(
  audits: InternalAudit[],
  findingKinds: Map<number, string[]>,
  nonconformities: Nonconformity[],
  prefix: string,
): MessageView {
  if (audits.length === 0)
    return {
      summary: 'No audits planned.',
      blocks: [{ type: 'text', text: `No audits planned. Plan one with ${prefix}audit plan.` }],
      visibility: 'private',
    };
  const shown = audits.slice(0, 40);
  return {
    summary: `Audit programme: ${audits.length} audit(s)`,
    blocks: [
      { type: 'header', text: `Audit programme · ${audits.length} audit(s)` },
      {
        type: 'list',
        items: shown.map((a): RichText => {
          const open = nonconformities.filter((nc) => nc.auditId === a.id && nc.status !== 'closed').length;
          return [
            { text: `${auditKey(a)} `, style: 'bold' },
            {
              text: `${a.title.slice(0, 150)} · ${AUDIT_STATUS[a.status]} · ${a.plannedStart} to ${a.plannedEnd} · ${findingCounts(findingKinds.get(a.id) ?? [])} · ${open} open NC`,
            },
          ];
        }),
        more: audits.length - shown.length,
        open: shown.map((a) => ({ label: `Open ${auditKey(a)}`, action: AUDIT_ACTIONS.show, args: { audit: String(a.number) } })),
      },
      { type: 'context', text: `${prefix}audit AUD-n for a report · ${prefix}audit nc for the nonconformities` },
    ],
    visibility: 'private',
  };
}

/** `audit nc`: the nonconformity register, newest first. */
export function nonconformityListView(items: Nonconformity[], actions: Map<number, CorrectiveAction>): MessageView {
  if (items.length === 0)
    return { summary: 'No nonconformities.', blocks: [{ type: 'text', text: 'No nonconformities.' }], visibility: 'private' };
  const shown = items.slice(0, 40);
  const stage = (nc: Nonconformity) => stageOf(nc, nc.correctiveActionId ? actions.get(nc.correctiveActionId) : undefined);
  return {
    summary: `Nonconformities: ${items.length}`,
    blocks: [
      { type: 'header', text: `Nonconformities · ${items.filter((nc) => nc.status !== 'closed').length} open of ${items.length}` },
      {
        type: 'list',
        items: shown.map((nc): RichText => [
          { text: `${ncKey(nc)} `, style: 'bold' },
          { text: `${nc.grade} · ${nc.clause} · ${nc.sourceRef} · ${nc.description.slice(0, 200)} · ` },
          { text: STAGE_LABELS[stage(nc)], tone: STAGE_TONE[stage(nc)] },
        ]),
        more: items.length - shown.length,
        open: shown.map((nc) => ({ label: `Open ${ncKey(nc)}`, action: AUDIT_ACTIONS.showNc, args: { nc: String(nc.number) } })),
      },
    ],
    visibility: 'private',
  };
}
