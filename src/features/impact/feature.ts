import type { ActionSpec, Feature, FormSpec, OutboxSubjectSpec } from '../../chat/feature.ts';
import type { ItemButton, OverdueItem } from '../../core/digest/digest-service.ts';
import type { Repositories } from '../../core/ports.ts';
import type { NudgeItem } from '../../core/scheduling/nudge-service.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import { postsNote } from '../../chat/outbox-notes.ts';
import { inPeriod } from '../../core/iso42001/evidence-coverage.ts';
import { subjectOf } from '../../core/outbox/outbox.ts';
import { flatMapInTurn, mapInTurn } from '../../core/in-turn.ts';
import type { AreaServiceDeps } from '../area.ts';
import { impactAction, impactCard, impactCommand, impactFormFor } from './commands.ts';
import { impactKey, reasonText } from './domain.ts';
import { impactDueOf, impactsDue, ImpactService, type ImpactDue } from './service.ts';
import { IMPACT_ACTIONS, IMPACT_FORMS, impactFieldOf, impactInputFrom, type ImpactActionId, type ImpactFormId } from './forms.ts';

import { impactCardView } from './views.ts';
import { impactExport } from './export.ts';
import { impactReviewInputs } from './review-inputs.ts';

const forms: Array<FormSpec<ImpactFormId>> = [
  {
    id: IMPACT_FORMS.assess,
    open: async ({ services, actor }, context) => await impactFormFor(services, actor.workspaceId, Number(context.aiSystemId)),
    submit: async (ctx, submission) => {
      const { services, actor, timeZone } = ctx;
      await services.settings.channelFor(actor.workspaceId, 'approvals');
      const { assessment, created } = await services.impact.submit(
        actor,
        impactInputFrom(submission.values, submission.context),
        `form:${submission.instanceKey}`,
      );
      const subject = subjectOf('impact', assessment.id);
      const sent = await ctx.outbox.sendFor(subject);
      const where = await postsNote(services, actor.workspaceId, subject, sent, ['approvals'], ' for sign-off');
      const note = `${created ? `Submitted ${impactKey(assessment)}.` : `${impactKey(assessment)} was already submitted.`}${where}`;
      return {
        kind: 'done',
        view: { ...(await impactCard(services, actor.workspaceId, assessment.id, timeZone, note)), visibility: 'private' },
      };
    },
    fieldOf: impactFieldOf,
  },
];

const actions: Array<ActionSpec<ImpactActionId>> = Object.values(IMPACT_ACTIONS).map((id) => ({
  id,
  handle: async (ctx, args) => await impactAction(ctx, id, args),
}));

const impactOutbox: OutboxSubjectSpec = {
  type: 'impact',
  label: (_repos, _workspaceId, id) => `IA-${id}`,
  card: async (services, workspaceId, id) =>
    impactCardView(await services.impact.details(workspaceId, id), await services.settings.timeZoneOf(workspaceId)),
  async recordPost(services, workspaceId, id, _purpose, posted) {
    await services.impact.recordPost(workspaceId, id, { channelId: posted.channelId, messageId: posted.messageId });
  },
};

/** A due impact assessment as a digest's overdue item, with its owner and the button that acts on it. */
async function overdueItemOf(
  repos: Repositories,
  workspaceId: number,
  d: ImpactDue,
  daysOverdue: (due: string) => number,
): Promise<OverdueItem> {
  return {
    what: `Impact assessment of ${d.system.name} (${d.reasons.map(reasonText).join(', ')})`,
    owner: d.system.ownerPersonId === null ? undefined : await repos.people.findById(workspaceId, d.system.ownerPersonId),
    due: d.due,
    daysOverdue: daysOverdue(d.due),
    button: (d.pending
      ? { label: `Open ${impactKey(d.pending)}`, action: IMPACT_ACTIONS.show, args: { impact: String(d.pending.id) } }
      : { label: 'Assess…', action: IMPACT_ACTIONS.start, args: { systemId: String(d.system.id) } }) as ItemButton,
  };
}

/** AI system impact assessments, versioned per system and signed by an approver (6.1.4, 8.4, A.5.2-A.5.5). */
export const impactFeature: Feature = {
  name: 'impact',
  reviewInputs: impactReviewInputs,
  outbox: [impactOutbox],
  export: impactExport,
  commands: [
    {
      word: 'impact',
      usage: 'impact <system> | impact list | impact IA-2',
      group: 'review',
      button: { label: 'Impact assessments', command: 'impact list' },
      summary: 'AI system impact assessments: uses, who is affected, harms, mitigations, oversight; signed by an approver.',
      handle: impactCommand,
    },
  ],
  forms,
  actions,
  status: {
    // From impact_due (the maintained aggregate of impactsDue's rule): two index reads and a few named systems.
    section: async (repos, workspaceId) => {
      const due = await repos.impact.dueSummary(workspaceId, 5);
      const names = await mapInTurn(due.first, async (row) => (await repos.aiSystems.findById(workspaceId, row.aiSystemId))?.name ?? '?');
      return {
        title: 'Impact assessments',
        fields: [
          {
            label: 'Due',
            value: due.due === 0 ? 'none' : `${due.due} (${names.join(', ')}${due.due > 5 ? ' …' : ''})`,
          },
          { label: 'Awaiting sign-off', value: String(due.pending) },
          { label: 'Signed (current)', value: String(await repos.impact.countByStatus(workspaceId, 'signed')) },
        ],
      };
    },
  },
  digest: {
    fields: async (repos, workspaceId, { since }) => {
      const signedThisWeek = (await repos.impact.list(workspaceId, {})).filter((a) => a.signedAt && a.signedAt >= since).length;
      return [
        {
          label: 'Impact assessments',
          value: `${signedThisWeek} signed this week; due: ${(await repos.impact.dueSummary(workspaceId, 0)).due}`,
        },
      ];
    },
    overdue: async (repos, workspaceId, week) =>
      await flatMapInTurn(
        (await impactsDue(repos, workspaceId)).filter((d) => d.due < week.today),
        async (d) => [await overdueItemOf(repos, workspaceId, d, week.daysOverdue)],
      ),
    // The count and the most overdue from impact_due, by its (workspace, due) index.
    overdueTop: async (repos, workspaceId, week, limit) => {
      const late = await repos.impact.dueBefore(workspaceId, week.today, limit);
      const items = await flatMapInTurn(late.first, async (row) => {
        const d = await impactDueOf(repos, row);
        return d ? [await overdueItemOf(repos, workspaceId, d, week.daysOverdue)] : [];
      });
      return { count: late.count, items };
    },
  },
  nudges: {
    prefix: 'impact',
    // The system's owner while none is written; the approvers (not its author) while one awaits sign-off.
    items: async (repos, workspaceId, { horizon, daysOverdue }) => {
      const approvers = await repos.roles.holders(workspaceId, 'approver');
      const soon = (await impactsDue(repos, workspaceId)).filter((d) => d.due <= horizon);
      return soon.flatMap((d): Array<{ personId: number; item: NudgeItem }> => {
        const due = d.due;
        if (d.pending) {
          const pending = d.pending;
          return approvers
            .filter((approver) => approver.personId !== pending.authorPersonId)
            .map((approver) => ({
              personId: approver.personId,
              item: {
                key: `impact:${pending.id}`,
                text: `Sign off ${impactKey(pending)}: impact assessment of ${d.system.name}`,
                due,
                daysOverdue: daysOverdue(due),
                done: { action: IMPACT_ACTIONS.show, args: { impact: String(pending.id) } },
              },
            }));
        }
        if (d.system.ownerPersonId === null) return [];
        return [
          {
            personId: d.system.ownerPersonId,
            item: {
              key: `impact:system-${d.system.id}`,
              text: `Impact assessment due: ${d.system.name} (${d.reasons.map(reasonText).join(', ')})`,
              due,
              daysOverdue: daysOverdue(due),
              done: { action: IMPACT_ACTIONS.start, args: { systemId: String(d.system.id) } },
            },
          },
        ];
      });
    },
  },
  evidence: {
    kinds: ['impact-assessment'],
    // An assessment counts as evidence once signed off (superseded ones were signed too, and stay evidence).
    count: async (repos, workspaceId, period) => ({
      'impact-assessment': (await repos.impact.list(workspaceId, {})).filter((a) => a.signedAt && inPeriod(a.signedAt, period)).length,
    }),
  },
};

/** The area's service, built over the kernel's store and clock (registered in src/features/index.ts). */
export const impactServices = ({ store, clock }: AreaServiceDeps): Pick<ChatServices, 'impact'> => ({
  impact: new ImpactService(store, clock),
});

// The area adds its service to the ones the chat layer routes to; src/chat/chat-services.ts lists only the kernel's.
declare module '../../chat/chat-services.ts' {
  interface ChatServices {
    impact: ImpactService;
  }
}
