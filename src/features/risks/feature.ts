import type { ChatServices } from '../../chat/chat-services.ts';
import type { ActionSpec, Feature, FormSpec, OutboxSubjectSpec } from '../../chat/feature.ts';
import { personalView } from '../../chat/outbox-personal-copy.ts';
import { mapInTurn } from '../../core/in-turn.ts';
import { inPeriod } from '../../core/iso42001/evidence-coverage.ts';
import type { AreaServiceDeps } from '../area.ts';
import { openRiskForm, riskAction, submitRisk } from './commands.ts';
import { riskCommand } from './commands.ts';
import { LEVELS, LEVEL_LABELS, needsAcceptance, RISK_NOTICES, riskKey, type Risk } from './domain.ts';
import { RISK_ACTIONS, RISK_FORMS, riskFieldOf, type RiskActionId, type RiskFormId } from './forms.ts';
import { riskExport } from './export.ts';
import { RiskService } from './service.ts';
import { riskCardView } from './views.ts';
import { riskReviewInputs } from './review-inputs.ts';

const forms: Array<FormSpec<RiskFormId>> = [
  {
    id: RISK_FORMS.add,
    open: async ({ services, actor }) => (await openRiskForm(services, actor)).form,
    submit: submitRisk,
    fieldOf: riskFieldOf,
  },
  {
    id: RISK_FORMS.edit,
    open: async ({ services, actor }, context) => (await openRiskForm(services, actor, Number(context.risk))).form,
    submit: submitRisk,
    fieldOf: riskFieldOf,
  },
];

const actions: Array<ActionSpec<RiskActionId>> = Object.values(RISK_ACTIONS).map((id) => ({
  id,
  handle: async (ctx, args) => await riskAction(ctx, id, args),
}));

const byLevel = (risks: Risk[]) =>
  LEVELS.map((level) => `${risks.filter((r) => r.residualLevel === level).length} ${LEVEL_LABELS[level].toLowerCase()}`).join(', ');

/** What the outbox sends about a risk: its acceptance card in the approvals channel, and notices to people. */
const riskOutbox: OutboxSubjectSpec = {
  type: 'risk',
  label: async (repos, workspaceId, id) => `R-${(await repos.risks.findById(workspaceId, id))?.number ?? '?'}`,
  async card(services, workspaceId, id) {
    const details = await services.risks.detailsById(workspaceId, id);
    return details ? riskCardView(details, await services.settings.timeZoneOf(workspaceId)) : undefined;
  },
  async recordPost(services, workspaceId, id, _purpose, posted) {
    await services.risks.recordPost(workspaceId, id, { channelId: posted.channelId, messageId: posted.messageId });
  },
  async notice(services, workspaceId, id, notice) {
    const details = await services.risks.detailsById(workspaceId, id);
    if (!details) return undefined;
    const view = riskCardView(details, await services.settings.timeZoneOf(workspaceId));
    const key = riskKey(details.risk);
    const pending = details.risk.acceptance === 'pending';
    if (notice === RISK_NOTICES.acceptanceDropped)
      return personalView(
        view,
        pending
          ? `${key} changed materially, so your acceptance was dropped. Please look at it again.`
          : `${key} changed materially after your acceptance; it now needs none.`,
        pending,
      );
    if (notice === RISK_NOTICES.acceptanceAsked)
      return personalView(
        view,
        pending ? `You own ${key}: its residual risk needs your acceptance.` : `${key} is ${details.risk.acceptance}.`,
        pending,
      );
    return undefined;
  },
};

export const risksFeature: Feature = {
  name: 'risks',
  reviewInputs: riskReviewInputs,
  outbox: [riskOutbox],
  export: riskExport,
  commands: [
    {
      word: 'risk',
      usage:
        'risk add | risk list [open|mine|high|<system>] | risk R-3 [edit|close|reopen] | risk matrix | risk levels [medium high critical]',
      group: 'report',
      button: { label: 'Add a risk', form: RISK_FORMS.add },
      summary: 'The AI risk register: levels, treatment, controls, actions, and acceptance of high residual risk.',
      handle: riskCommand,
    },
  ],
  forms,
  actions,
  nudges: {
    prefix: 'risk',
    items: async (repos, workspaceId, { horizon, daysOverdue }) => {
      const risks = await repos.risks.all(workspaceId);
      const numberOf = new Map(risks.filter((r) => r.status === 'open').map((r) => [r.id, r.number]));
      const actionItems = (await repos.risks.actions(workspaceId, { status: 'open' }))
        .filter((a) => a.dueDate <= horizon && numberOf.has(a.riskId))
        .map((a) => ({
          personId: a.ownerPersonId,
          item: {
            key: `risk:action:${a.id}`,
            text: `Treatment action #${a.id} of R-${numberOf.get(a.riskId) ?? '?'}: ${a.title}`,
            due: a.dueDate,
            daysOverdue: daysOverdue(a.dueDate),
            done: { action: RISK_ACTIONS.actionDone, args: { action: String(a.id) } },
          },
        }));
      const reviewItems = risks
        .filter((r) => r.status === 'open' && r.nextReviewDate <= horizon)
        .map((r) => ({
          personId: r.ownerPersonId,
          item: {
            key: `risk:review:${r.id}`,
            text: `Review of ${riskKey(r)}: ${r.title}`,
            due: r.nextReviewDate,
            daysOverdue: daysOverdue(r.nextReviewDate),
            done: { action: RISK_ACTIONS.reviewed, args: { risk: String(r.number) } },
          },
        }));
      return [...actionItems, ...reviewItems];
    },
  },
  status: {
    section: async (repos, workspaceId, { today }) => {
      const open = (await repos.risks.all(workspaceId)).filter((r) => r.status === 'open');
      const overdueActions = (await repos.risks.actions(workspaceId, { status: 'open' })).filter((a) => a.dueDate < today).length;
      return {
        title: 'Risks',
        fields: [
          { label: 'Open by residual level', value: byLevel(open) },
          { label: 'Awaiting acceptance', value: String(open.filter((r) => r.acceptance === 'pending').length) },
          {
            label: 'Overdue',
            value: `${overdueActions} treatment actions, ${open.filter((r) => r.nextReviewDate < today).length} reviews`,
          },
        ],
      };
    },
  },
  digest: {
    fields: async (repos, workspaceId) => {
      const open = (await repos.risks.all(workspaceId)).filter((r) => r.status === 'open');
      return [
        {
          label: 'Open risks (residual)',
          value: `${byLevel(open)}; ${open.filter((r) => r.acceptance === 'pending').length} awaiting acceptance`,
        },
      ];
    },
    overdue: async (repos, workspaceId, { today, daysOverdue }) => {
      const risks = await repos.risks.all(workspaceId);
      const actions = await mapInTurn(
        (await repos.risks.actions(workspaceId, { status: 'open' })).filter((a) => a.dueDate < today),
        async (a) => ({
          what: `Treatment action #${a.id}: ${a.title}`,
          owner: await repos.people.findById(workspaceId, a.ownerPersonId),
          due: a.dueDate,
          daysOverdue: daysOverdue(a.dueDate),
          button: { label: `Done #${a.id}`, action: RISK_ACTIONS.actionDone, args: { action: String(a.id) } },
        }),
      );
      const reviews = await mapInTurn(
        risks.filter((r) => r.status === 'open' && r.nextReviewDate < today),
        async (r) => ({
          what: `Review of ${riskKey(r)}: ${r.title}`,
          owner: await repos.people.findById(workspaceId, r.ownerPersonId),
          due: r.nextReviewDate,
          daysOverdue: daysOverdue(r.nextReviewDate),
          button: { label: `Reviewed ${riskKey(r)}`, action: RISK_ACTIONS.reviewed, args: { risk: String(r.number) } },
        }),
      );
      return [...actions, ...reviews];
    },
    concerns: async (repos, workspaceId) => {
      const waiting = (await repos.risks.all(workspaceId)).filter(
        (r) => r.status === 'open' && needsAcceptance(r.residualLevel) && r.acceptance !== 'accepted',
      );
      return waiting.length > 0 ? [`${waiting.length} high or critical residual risk(s) not accepted`] : [];
    },
  },
  evidence: {
    kinds: ['risk', 'risk:acceptance'],
    count: async (repos, workspaceId, period) => {
      const risks = await repos.risks.all(workspaceId);
      return {
        risk: risks.filter((r) => inPeriod(r.createdAt, period)).length,
        'risk:acceptance': risks.filter((r) => r.acceptance === 'accepted' && r.acceptedAt !== null && inPeriod(r.acceptedAt, period))
          .length,
      };
    },
    // A risk treated by a control is a record of that control at work (6.1.3: controls chosen for the treatment).
    byControl: async (repos, workspaceId, from) => {
      const found = new Map<string, { count: number; latest: string }>();
      for (const risk of await repos.risks.all(workspaceId)) {
        if (risk.updatedAt < from) continue;
        for (const control of new Set(risk.controls)) {
          const known = found.get(control);
          found.set(control, {
            count: (known?.count ?? 0) + 1,
            latest: known && known.latest > risk.updatedAt ? known.latest : risk.updatedAt,
          });
        }
      }
      return found;
    },
  },
};

/** The area's service (registered in src/features/index.ts). */
export const riskServices = ({ store, clock }: AreaServiceDeps): Pick<ChatServices, 'risks'> => ({ risks: new RiskService(store, clock) });

declare module '../../chat/chat-services.ts' {
  interface ChatServices {
    risks: RiskService;
  }
}
