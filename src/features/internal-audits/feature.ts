import type { ChatServices } from '../../chat/chat-services.ts';
import type { ActionSpec, Feature, FormSpec, OutboxSubjectSpec } from '../../chat/feature.ts';
import { personalView } from '../../chat/outbox-personal-copy.ts';
import { addDays } from '../../core/calendar-days.ts';
import { inPeriod } from '../../core/iso42001/evidence-coverage.ts';
import type { ReviewInputItem, ReviewInputPeriod } from '../../core/management-review/review-inputs.ts';
import type { Repositories } from '../../core/ports.ts';
import type { AreaServiceDeps } from '../area.ts';
import { auditAction, auditCommand, openers, submitAuditForm } from './commands.ts';
import {
  auditKey,
  FINDING_LABELS,
  findingKey,
  NC_GRADE_OF,
  ncKey,
  NONCONFORMITY_NOTICES,
  STAGE_LABELS,
  stageOf,
  type Nonconformity,
} from './domain.ts';
import { internalAuditExport } from './export.ts';
import { AUDIT_ACTIONS, AUDIT_FORMS, auditFieldOf, type AuditActionId, type AuditFormId } from './forms.ts';
import { actionsOf, InternalAuditService } from './service.ts';
import { findingCounts } from './views.ts';
import { auditCardView, nonconformityCardView } from './views.ts';

const forms: Array<FormSpec<AuditFormId>> = [
  {
    id: AUDIT_FORMS.plan,
    open: async ({ services, actor }) => await openers.plan(services, actor.workspaceId),
    submit: submitAuditForm,
    fieldOf: auditFieldOf,
  },
  {
    id: AUDIT_FORMS.finding,
    open: async ({ services, actor }, context) => await openers.finding(services, actor.workspaceId, Number(context.audit)),
    submit: submitAuditForm,
    fieldOf: auditFieldOf,
  },
  {
    id: AUDIT_FORMS.nonconformity,
    open: async ({ services, actor }, context) => await openers.nonconformity(services, actor.workspaceId, context),
    submit: submitAuditForm,
    fieldOf: auditFieldOf,
  },
  {
    id: AUDIT_FORMS.action,
    open: async ({ services, actor }, context) => await openers.action(services, actor.workspaceId, Number(context.nc)),
    submit: submitAuditForm,
    fieldOf: auditFieldOf,
  },
  {
    id: AUDIT_FORMS.check,
    open: async ({ services, actor }, context) => await openers.check(services, actor.workspaceId, Number(context.nc)),
    submit: submitAuditForm,
    fieldOf: auditFieldOf,
  },
];

const actions: Array<ActionSpec<AuditActionId>> = Object.values(AUDIT_ACTIONS).map((id) => ({
  id,
  handle: async (ctx, args) => await auditAction(ctx, id, args),
}));

/** What the outbox sends about an audit: the auditors' copy of its card. */
const auditOutbox: OutboxSubjectSpec = {
  type: 'internal-audit',
  label: async (repos, workspaceId, id) => `AUD-${(await repos.internalAudits.findById(workspaceId, id))?.number ?? '?'}`,
  async card(services, workspaceId, id) {
    const details = await services.audits.detailsById(workspaceId, id);
    return details ? auditCardView(details, await services.settings.timeZoneOf(workspaceId)) : undefined;
  },
  async notice(services, workspaceId, id, notice) {
    if (notice !== 'internal-audit.assigned') return undefined;
    const details = await services.audits.detailsById(workspaceId, id);
    if (!details) return undefined;
    const card = auditCardView(details, await services.settings.timeZoneOf(workspaceId));
    const live = details.audit.status !== 'completed';
    return personalView(card, `You are an auditor of ${auditKey(details.audit)}. Log findings here as you go.`, live);
  },
};

/** What the outbox sends about a nonconformity: its card to its owner, the action's owner and the checker. */
const nonconformityOutbox: OutboxSubjectSpec = {
  type: 'nonconformity',
  label: async (repos, workspaceId, id) => `NC-${(await repos.nonconformities.findById(workspaceId, id))?.number ?? '?'}`,
  async card(services, workspaceId, id) {
    const details = await services.audits.ncDetailsById(workspaceId, id);
    return details ? nonconformityCardView(details, await services.settings.timeZoneOf(workspaceId)) : undefined;
  },
  async notice(services, workspaceId, id, notice) {
    const details = await services.audits.ncDetailsById(workspaceId, id);
    if (!details) return undefined;
    const card = nonconformityCardView(details, await services.settings.timeZoneOf(workspaceId));
    const key = ncKey(details.nc);
    const stage = stageOf(details.nc, details.action);
    if (notice === NONCONFORMITY_NOTICES.owner)
      return personalView(card, `You own ${key}: raise its corrective action with the root cause.`, stage === 'needs-action');
    if (notice === NONCONFORMITY_NOTICES.actionAssigned)
      return personalView(
        card,
        details.action?.checkResult === 'failed'
          ? `The effectiveness check of ${key} failed: its corrective action is yours again.`
          : `The corrective action of ${key} is yours.`,
        stage === 'action-open',
      );
    if (notice === NONCONFORMITY_NOTICES.checkDue)
      return personalView(card, `The corrective action of ${key} is done: please check its effectiveness.`, stage === 'check-due');
    return undefined;
  },
};

const within = (at: string | null, period: ReviewInputPeriod) =>
  at !== null && (period.since === undefined || at >= period.since) && at < period.until;

async function reviewItems(repos: Repositories, workspaceId: number, period: ReviewInputPeriod): Promise<ReviewInputItem[]> {
  const audits = await repos.internalAudits.all(workspaceId);
  const findings = await repos.internalAudits.findings(workspaceId);
  const ncs = (await repos.nonconformities.all(workspaceId)).sort((a, b) => a.number - b.number);
  const actions = await actionsOf(repos, workspaceId, ncs);
  const items: ReviewInputItem[] = [];
  for (const audit of [...audits].sort((a, b) => a.number - b.number)) {
    const mine = findings.filter((f) => f.auditId === audit.id);
    const active = within(audit.createdAt, period) || within(audit.updatedAt, period) || mine.some((f) => within(f.createdAt, period));
    if (!active && audit.status === 'completed') continue;
    items.push({
      section: 'audit-results',
      ref: auditKey(audit),
      text: `${auditKey(audit)} ${audit.title} (${audit.status}${audit.completedAt ? ` ${audit.completedAt.slice(0, 10)}` : ''}): ${findingCounts(mine.map((f) => f.kind))}`,
    });
    for (const f of mine.filter((f) => f.kind === 'ofi' && within(f.createdAt, period)))
      items.push({
        section: 'improvement',
        ref: auditKey(audit),
        text: `${auditKey(audit)} ${findingKey(f)} (${f.clause}): ${f.description.slice(0, 300)}`,
      });
  }
  for (const nc of ncs) {
    if (nc.status === 'closed' && !within(nc.closedAt, period) && !within(nc.createdAt, period)) continue;
    const action = nc.correctiveActionId ? actions.get(nc.correctiveActionId) : undefined;
    const correction = action
      ? `corrective action #${action.id} ${action.status}${action.checkResult ? `, effectiveness check ${action.checkResult}` : ''}`
      : 'no corrective action yet';
    items.push({
      section: 'nonconformities',
      ref: ncKey(nc),
      text: `${ncKey(nc)} (${nc.grade}, ${nc.clause}, from ${nc.sourceRef}): ${nc.description.slice(0, 200)} · ${correction} · ${STAGE_LABELS[stageOf(nc, action)].toLowerCase()}${nc.closedAt ? ` ${nc.closedAt.slice(0, 10)}` : ''}`,
    });
  }
  return items;
}

/** Nonconformity findings not logged as nonconformities yet. */
async function findingsAwaiting(repos: Repositories, workspaceId: number, ncs: readonly Nonconformity[]) {
  const logged = new Set(ncs.map((nc) => nc.findingId));
  return (await repos.internalAudits.findings(workspaceId)).filter((f) => NC_GRADE_OF[f.kind] && !logged.has(f.id));
}

/** The internal audit programme, findings and nonconformities followed to an effective correction (9.2, 10.2). */
export const internalAuditsFeature: Feature = {
  name: 'internal-audits',
  outbox: [auditOutbox, nonconformityOutbox],
  export: internalAuditExport,
  commands: [
    {
      word: 'audit',
      usage: 'audit plan | audit list | audit AUD-2 [finding|complete] | audit nc | audit NC-3',
      group: 'review',
      button: { label: 'Plan an audit', form: AUDIT_FORMS.plan },
      summary: 'The internal audit programme: plan audits, log findings, follow nonconformities to an effective correction.',
      handle: auditCommand,
    },
  ],
  forms,
  actions,
  status: {
    section: async (repos, workspaceId) => {
      const audits = await repos.internalAudits.all(workspaceId);
      const ncs = await repos.nonconformities.all(workspaceId);
      const actions = await actionsOf(repos, workspaceId, ncs);
      const stages = ncs.map((nc) => stageOf(nc, nc.correctiveActionId ? actions.get(nc.correctiveActionId) : undefined));
      const count = (status: string) => audits.filter((a) => a.status === status).length;
      const awaiting = (await findingsAwaiting(repos, workspaceId, ncs)).length;
      return {
        title: 'Internal audits',
        fields: [
          {
            label: 'Programme',
            value: `${count('planned')} planned, ${count('in-progress')} in progress, ${count('completed')} completed`,
          },
          {
            label: 'Nonconformities',
            value: `${stages.filter((s) => s !== 'closed').length} open (${stages.filter((s) => s === 'needs-action').length} awaiting action, ${stages.filter((s) => s === 'action-open').length} in correction, ${stages.filter((s) => s === 'check-due').length} checks due), ${stages.filter((s) => s === 'closed').length} closed`,
          },
          { label: 'Findings awaiting a nonconformity', value: String(awaiting) },
        ],
      };
    },
  },
  digest: {
    fields: async (repos, workspaceId) => {
      const ncs = await repos.nonconformities.all(workspaceId);
      const actions = await actionsOf(repos, workspaceId, ncs);
      const due = ncs.filter(
        (nc) => stageOf(nc, nc.correctiveActionId ? actions.get(nc.correctiveActionId) : undefined) === 'check-due',
      ).length;
      return [
        { label: 'Nonconformities', value: `${ncs.filter((nc) => nc.status !== 'closed').length} open, ${due} effectiveness checks due` },
      ];
    },
    concerns: async (repos, workspaceId) => {
      const major = (await repos.nonconformities.all(workspaceId)).filter((nc) => nc.grade === 'major' && nc.status !== 'closed');
      return major.length > 0 ? [`${major.length} major nonconformit${major.length === 1 ? 'y' : 'ies'} open`] : [];
    },
  },
  nudges: {
    prefix: 'audit',
    items: async (repos, workspaceId, { horizon, daysOverdue }) => {
      const ncs = await repos.nonconformities.all(workspaceId);
      const actions = await actionsOf(repos, workspaceId, ncs);
      const audits = new Map((await repos.internalAudits.all(workspaceId)).map((a) => [a.id, a]));
      const items = [];
      // A nonconformity finding is logged as one by its lead auditor.
      for (const f of await findingsAwaiting(repos, workspaceId, ncs)) {
        const audit = audits.get(f.auditId);
        const due = f.createdAt.slice(0, 10);
        if (!audit || due > horizon) continue;
        items.push({
          personId: audit.leadAuditorPersonId,
          item: {
            key: `audit:finding:${f.id}`,
            text: `${auditKey(audit)} ${findingKey(f)} (${FINDING_LABELS[f.kind].toLowerCase()}) is not logged as a nonconformity yet`,
            due,
            daysOverdue: daysOverdue(due),
          },
        });
      }
      for (const nc of ncs) {
        const action = nc.correctiveActionId ? actions.get(nc.correctiveActionId) : undefined;
        const stage = stageOf(nc, action);
        if (stage === 'needs-action') {
          // A week to find the root cause and raise the action.
          const due = addDays(nc.createdAt.slice(0, 10), 7);
          if (due <= horizon)
            items.push({
              personId: nc.ownerPersonId,
              item: { key: `audit:nc:${nc.id}`, text: `${ncKey(nc)} needs its corrective action`, due, daysOverdue: daysOverdue(due) },
            });
        }
        if (stage === 'check-due' && nc.checkerPersonId !== null && action?.doneAt) {
          const due = action.doneAt.slice(0, 10);
          if (due <= horizon)
            items.push({
              personId: nc.checkerPersonId,
              item: {
                key: `audit:check:${nc.id}`,
                text: `Effectiveness check of ${ncKey(nc)}: #${action.id} ${action.title}`,
                due,
                daysOverdue: daysOverdue(due),
              },
            });
        }
      }
      return items;
    },
  },
  evidence: {
    kinds: ['internal-audit', 'nonconformity'],
    present: async (repos, workspaceId) => [
      ...((await repos.internalAudits.all(workspaceId)).length > 0 ? ['internal-audit'] : []),
      ...((await repos.nonconformities.all(workspaceId)).length > 0 ? ['nonconformity'] : []),
    ],
    count: async (repos, workspaceId, period) => ({
      'internal-audit': (await repos.internalAudits.all(workspaceId)).filter((a) => inPeriod(a.createdAt, period)).length,
      nonconformity: (await repos.nonconformities.all(workspaceId)).filter((nc) => inPeriod(nc.createdAt, period)).length,
    }),
  },
  reviewInputs: { items: reviewItems },
};

/** The area's service (registered in src/features/index.ts). */
export const internalAuditServices = ({ store, clock }: AreaServiceDeps): Pick<ChatServices, 'audits'> => ({
  audits: new InternalAuditService(store, clock),
});

declare module '../../chat/chat-services.ts' {
  interface ChatServices {
    audits: InternalAuditService;
  }
}
