import type { ChatServices } from '../../chat/chat-services.ts';
import type { ActionSpec, Feature, FormSpec, OutboxSubjectSpec } from '../../chat/feature.ts';
import type { Repositories } from '../../core/ports.ts';
import { inPeriod } from '../../core/iso42001/evidence-coverage.ts';
import type { AreaServiceDeps } from '../area.ts';
import { openPolicyForm, policyAction, policyCommand, submitPolicy } from './commands.ts';
import { POLICY_NOTICES, POLICY_SUBJECTS, policyKey, shareLabel, versionLabel, type Policy, type PolicyVersion } from './domain.ts';
import { policyExport } from './export.ts';
import { POLICY_ACTIONS, POLICY_FORMS, policyFieldOf, type PolicyActionId, type PolicyFormId } from './forms.ts';
import { PolicyService } from './service.ts';
import { ackNoticeView, policyCardView, versionCardView } from './views.ts';
import { personalView } from '../../chat/outbox-personal-copy.ts';

const forms: Array<FormSpec<PolicyFormId>> = [
  {
    id: POLICY_FORMS.add,
    open: async ({ services, actor }, context) =>
      (await openPolicyForm(services, actor, context.policy ? `POL-${context.policy}` : undefined)).form,
    submit: submitPolicy,
    fieldOf: policyFieldOf,
  },
];

// "New version" is the form's own id: the router opens it (form.open), so it is not a button of its own here.
const actions: Array<ActionSpec<PolicyActionId>> = [
  POLICY_ACTIONS.approve,
  POLICY_ACTIONS.publish,
  POLICY_ACTIONS.acknowledge,
  POLICY_ACTIONS.show,
].map((id) => ({ id, handle: async (ctx, args) => await policyAction(ctx, id, args) }));

/** Each policy with its published version and the share of it acknowledged. */
async function shares(repos: Repositories, workspaceId: number) {
  const versions = await repos.policies.versions(workspaceId);
  const asks = await repos.policies.acknowledgements(workspaceId, {});
  return (await repos.policies.all(workspaceId)).flatMap((policy) => {
    const current = versions.find((v) => v.policyId === policy.id && v.status === 'published');
    if (!current) return [];
    const mine = asks.filter((a) => a.versionId === current.id);
    return [{ policy, current, asked: mine.length, acknowledged: mine.filter((a) => a.status === 'acknowledged').length }];
  });
}

const shareLine = (s: { policy: Policy; current: PolicyVersion; asked: number; acknowledged: number }) =>
  `${s.policy.name} ${versionLabel(s.current)}: ${shareLabel(s.acknowledged, s.asked)}`;

const versionOutbox: OutboxSubjectSpec = {
  type: POLICY_SUBJECTS.version,
  label: async (repos, workspaceId, id) => {
    const version = await repos.policies.findVersion(workspaceId, id);
    const policy = version ? await repos.policies.findById(workspaceId, version.policyId) : undefined;
    return policy && version ? `${policyKey(policy)} ${versionLabel(version)}` : 'a policy version';
  },
  async card(services, workspaceId, id) {
    const details = await services.policies.versionDetails(workspaceId, id);
    return details ? versionCardView(details, await services.settings.timeZoneOf(workspaceId)) : undefined;
  },
  async recordPost(services, workspaceId, id, _purpose, posted) {
    await services.policies.recordPost(workspaceId, id, { channelId: posted.channelId, messageId: posted.messageId });
  },
  // The author's own copy (the card their form became): the policy's card as it is now, with what became of the version.
  async notice(services, workspaceId, id, notice) {
    if (notice !== POLICY_NOTICES.yours) return undefined;
    const version = await services.policies.versionDetails(workspaceId, id);
    if (!version) return undefined;
    const label = `${version.policy.name} ${versionLabel(version.version)}`;
    const line = {
      pending: `You added ${label}. This copy stays up to date.`,
      approved: `${label} is approved: it can be published now.`,
      published: `${label} is published.`,
      superseded: `${label} was replaced by a newer version.`,
    }[version.version.status];
    const details = await services.policies.details(workspaceId, policyKey(version.policy));
    return personalView(policyCardView(details, await services.settings.timeZoneOf(workspaceId)), line, true);
  },
};

const ackOutbox: OutboxSubjectSpec = {
  type: POLICY_SUBJECTS.ack,
  label: async (repos, workspaceId, id) => {
    const ack = await repos.policies.findAcknowledgement(workspaceId, id);
    const version = ack ? await repos.policies.findVersion(workspaceId, ack.versionId) : undefined;
    return version ? `acknowledgement of ${versionLabel(version)}` : 'a policy acknowledgement';
  },
  async notice(services, workspaceId, id, notice) {
    if (notice !== POLICY_NOTICES.acknowledge) return undefined;
    const details = await services.policies.ackDetails(workspaceId, id);
    return details ? ackNoticeView(details, await services.settings.timeZoneOf(workspaceId)) : undefined;
  },
};

/** Policies and their acknowledgement (5.2, 7.3, A.2.2-A.2.4). */
export const policiesFeature: Feature = {
  name: 'policies',
  outbox: [versionOutbox, ackOutbox],
  export: policyExport,
  commands: [
    {
      word: 'policy',
      usage: 'policy add | policy list | policy <name|POL-1> [publish|new]',
      group: 'review',
      button: { label: 'Add a policy', form: POLICY_FORMS.add },
      summary: 'Policies (AI policy, acceptable use, data ...): versions approved, published, and acknowledged by those they name.',
      handle: policyCommand,
    },
  ],
  forms,
  actions,
  // Everyone asked to acknowledge the current version and who has not yet, each day until they do.
  nudges: {
    prefix: 'policy',
    items: async (repos, workspaceId, { daysOverdue }) => {
      const current = new Map((await shares(repos, workspaceId)).map((s) => [s.current.id, s]));
      return (await repos.policies.acknowledgements(workspaceId, { status: 'pending' }))
        .filter((a) => current.has(a.versionId))
        .map((a) => {
          const { policy, current: version } = current.get(a.versionId)!;
          const due = a.askedAt.slice(0, 10);
          return {
            personId: a.personId,
            item: {
              key: `policy:ack:${a.id}`,
              text: `Acknowledge ${policy.name} ${versionLabel(version)}: ${version.title}`,
              due,
              daysOverdue: daysOverdue(due),
              done: { action: POLICY_ACTIONS.acknowledge, args: { ack: String(a.id) } },
            },
          };
        });
    },
  },
  status: {
    section: async (repos, workspaceId) => {
      const all = await shares(repos, workspaceId);
      const versions = await repos.policies.versions(workspaceId);
      const waiting = versions.filter((v) => v.status === 'pending' || v.status === 'approved').length;
      // No policy yet: no section (the status view leaves out a section without fields).
      if (versions.length === 0) return { title: 'Policies', fields: [] };
      return {
        title: 'Policies',
        fields: [
          { label: 'Acknowledged (current versions)', value: all.length > 0 ? all.map(shareLine).join('\n') : 'no policy published yet' },
          { label: 'Versions on their way', value: `${waiting} awaiting approval or publication` },
        ],
      };
    },
  },
  digest: {
    fields: async (repos, workspaceId) => {
      const all = await shares(repos, workspaceId);
      return all.length > 0 ? [{ label: 'Policies acknowledged', value: all.map(shareLine).join('; ') }] : [];
    },
  },
  evidence: {
    kinds: ['policy', 'policy:acknowledgement'],
    present: async (repos, workspaceId) => {
      const kinds: string[] = [];
      if ((await repos.policies.versions(workspaceId)).some((v) => v.publishedAt !== null)) kinds.push('policy');
      if ((await repos.policies.acknowledgements(workspaceId, { status: 'acknowledged' })).length > 0) kinds.push('policy:acknowledgement');
      return kinds;
    },
    // A policy counts once a version of it is published (approved and out); each acknowledgement given counts.
    count: async (repos, workspaceId, period) => ({
      policy: (await repos.policies.versions(workspaceId)).filter((v) => v.publishedAt !== null && inPeriod(v.publishedAt, period)).length,
      'policy:acknowledgement': (await repos.policies.acknowledgements(workspaceId, { status: 'acknowledged' })).filter(
        (a) => a.acknowledgedAt !== null && inPeriod(a.acknowledgedAt, period),
      ).length,
    }),
  },
  // 9.3.2 b) changes in internal issues: versions published in the period, and how far each current one is acknowledged.
  reviewInputs: {
    items: async (repos, workspaceId, { since, until }) => {
      const within = (at: string | null) => at !== null && (since === undefined || at >= since) && at < until;
      const policies = new Map((await repos.policies.all(workspaceId)).map((p) => [p.id, p]));
      const published = (await repos.policies.versions(workspaceId))
        .filter((v) => within(v.publishedAt))
        .map((v) => {
          const policy = policies.get(v.policyId) as Policy;
          return {
            section: 'context-changes' as const,
            text: `${policy.name} ${versionLabel(v)} published ${v.publishedAt?.slice(0, 10)}: ${v.changes}`.slice(0, 500),
            ref: `${policyKey(policy)} ${versionLabel(v)}`,
          };
        });
      const acknowledged = (await shares(repos, workspaceId)).map((s) => ({
        section: 'context-changes' as const,
        text: `${shareLine(s)} acknowledged`,
        ref: policyKey(s.policy),
      }));
      return [...published, ...acknowledged];
    },
  },
};

/** The area's service (registered in src/features/index.ts). */
export const policyServices = ({ store, clock }: AreaServiceDeps): Pick<ChatServices, 'policies'> => ({
  policies: new PolicyService(store, clock),
});

declare module '../../chat/chat-services.ts' {
  interface ChatServices {
    policies: PolicyService;
  }
}
