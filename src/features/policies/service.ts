import type { Actor } from '../../core/actor.ts';
import { appendAuditBy } from '../../core/audit-trail.ts';
import type { Clock } from '../../core/clock.ts';
import { AimsError, fieldErrorsOf, invalidInput } from '../../core/errors.ts';
import type { Person } from '../../core/identity.ts';
import { bindKey, claimBound, replayedRecord } from '../../core/inbound-dedupe.ts';
import { nameKeyOf } from '../../core/input/name-key.ts';
import { keepPersonalCopy, queueDirect, queuePosts, queueRefresh, subjectOf } from '../../core/outbox/outbox.ts';
import type { PersonalCopy } from '../../core/posted/posted-copy.ts';
import type { Repositories, UnitOfWork } from '../../core/ports.ts';
import type { RoleHolder } from '../../core/roles.ts';
import { DEFAULT_APPROVALS } from '../../core/settings/workspace-settings.ts';
import { countDecisions, hasDecided, requireApprover, requireNotExcluded, requireSeen, signOffHash } from '../../core/sign-off/sign-off.ts';
import type { ReviewSchedule } from '../reviews/domain.ts';
import {
  POLICY_AUDIT,
  POLICY_NOTICES,
  POLICY_SUBJECTS,
  policyKey,
  versionLabel,
  type Audience,
  type Policy,
  type PolicyAcknowledgement,
  type PolicyApproval,
  type PolicyVersion,
} from './domain.ts';
import { policyVersionInputSchema, type PolicyVersionInput } from './input.ts';

/** "Everyone" is at most this many people of the workspace (the people the bot has met). */
const EVERYONE_LIMIT = 10_000;

/** One policy with what its card shows. */
export interface PolicyDetails {
  policy: Policy;
  versions: PolicyVersion[];
  /** The version people must acknowledge now, if one is published. */
  current: PolicyVersion | undefined;
  /** The version on its way (awaiting approval, or approved and not yet published). */
  next: PolicyVersion | undefined;
  approvals: Map<number, PolicyApproval[]>;
  /** Asks of the current version. */
  acknowledgements: PolicyAcknowledgement[];
  people: Map<number, Person>;
  approvers: RoleHolder[];
  review: ReviewSchedule | undefined;
  /** How many people publishing `next` would ask to acknowledge it, once it is approved. */
  toAsk?: number;
}

/** A version with its policy and approvals, as its card in the approvals channel shows it. */
export interface VersionDetails {
  policy: Policy;
  version: PolicyVersion;
  approvals: PolicyApproval[];
  people: Map<number, Person>;
  approvers: RoleHolder[];
  /** Acknowledged / asked, once published. */
  acknowledged: number;
  asked: number;
  /** How many people publishing it would ask to acknowledge it, while it is approved and not yet published. */
  toAsk?: number;
}

/** One person's acknowledgement DM, as it reads now. */
export interface AckDetails {
  ack: PolicyAcknowledgement;
  policy: Policy;
  version: PolicyVersion;
  /** The version people must acknowledge now (another one when this was superseded). */
  current: PolicyVersion | undefined;
}

/** Parses "POL-3", "pol3" or "#3"; undefined for a name. */
export function parsePolicyNumber(ref: string): number | undefined {
  const match = /^(?:pol[-\s]?|#)(\d+)$/i.exec(ref.trim());
  return match ? Number(match[1]) : undefined;
}

/** The people a version asks: everyone the bot knows in the workspace, or the holders of its roles. */
export async function audienceOf(repos: Repositories, workspaceId: number, audience: Audience): Promise<number[]> {
  if (audience === 'everyone') return (await repos.people.list(workspaceId, EVERYONE_LIMIT)).map((p) => p.id).sort((a, b) => a - b);
  const holders = await repos.roles.holders(workspaceId);
  return [...new Set(holders.filter((h) => audience.includes(h.role)).map((h) => h.personId))].sort((a, b) => a - b);
}

/** The organisation's policies, their versions, approval, publication and acknowledgements (5.2, 7.3, A.2.2-A.2.4). */
export class PolicyService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /**
   * Adds a version: a new policy's v1, or the next version of the policy of that name. It waits for
   * approval in the approvals channel. Admins and leadership only; one version on its way per policy.
   */
  async addVersion(
    actor: Actor,
    raw: unknown,
    submissionKey?: string,
    personalCopy: PersonalCopy = { kind: 'none' },
  ): Promise<{ policy: Policy; version: PolicyVersion; created: boolean }> {
    const at = this.clock.now().toISOString();
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, raw }) : undefined;
    return await this.store.write(async (repos) => {
      if (bound) {
        const existing = await replayedRecord(
          repos.dedupe,
          bound,
          'versionId',
          async (id) => await repos.policies.findVersion(actor.workspaceId, id),
          (version) => (version ? versionLabel(version) : 'a policy version'),
        );
        if (existing) {
          const policy = (await repos.policies.findById(actor.workspaceId, existing.policyId)) as Policy;
          return { policy, version: existing, created: false };
        }
      }
      if (!actor.roles.includes('admin') && !actor.roles.includes('leadership'))
        throw new AimsError('forbidden', 'Only admins and leadership can add a policy or a new version of one.');
      const parsed = policyVersionInputSchema.safeParse(raw);
      if (!parsed.success) throw invalidInput(fieldErrorsOf(parsed.error.issues));
      const input = parsed.data;
      let policy = await repos.policies.findByNameKey(actor.workspaceId, nameKeyOf(input.name));
      const earlier = policy ? await repos.policies.versions(actor.workspaceId, policy.id) : [];
      const waiting = earlier.find((v) => v.status === 'pending' || v.status === 'approved');
      if (policy && waiting)
        throw invalidInput({
          name: `${policy.name} already has ${versionLabel(waiting)} ${waiting.status === 'pending' ? 'awaiting approval' : 'approved and not yet published'}: publish it before adding another version.`,
        });
      if (!policy) {
        policy = await repos.policies.insert({
          workspaceId: actor.workspaceId,
          number: await repos.policies.nextNumber(actor.workspaceId),
          name: input.name.trim().replace(/\s+/g, ' '),
          nameKey: nameKeyOf(input.name),
          ownerPersonId: actor.personId,
          reviewScheduleId: null,
          createdAt: at,
          updatedAt: at,
        });
        await this.audit(repos, actor, POLICY_AUDIT.added, `policy:${policy.id}`, null, policy, at);
      }
      const version = await repos.policies.insertVersion({
        ...(await this.contentOf(repos, actor.workspaceId, input, (earlier.at(-1)?.version ?? 0) + 1)),
        workspaceId: actor.workspaceId,
        policyId: policy.id,
        status: 'pending',
        authorPersonId: actor.personId,
        createdAt: at,
        approvedAt: null,
        publishedAt: null,
        publishedBy: null,
      });
      await claimBound(repos.dedupe, bound, actor.workspaceId, at, { versionId: version.id });
      await this.audit(repos, actor, POLICY_AUDIT.versionAdded, `policy_version:${version.id}`, null, version, at);
      await repos.policies.update(actor.workspaceId, policy.id, { updatedAt: at });
      const subject = subjectOf(POLICY_SUBJECTS.version, version.id);
      await queuePosts(repos, actor.workspaceId, subject, ['approvals'], at);
      // The author's own copy is kept up to date, so no stale "Awaiting approval" outlives the approval.
      await keepPersonalCopy(repos, actor.workspaceId, subject, actor.personId, POLICY_NOTICES.yours, personalCopy, at);
      return { policy, version, created: true };
    });
  }

  /**
   * Approves a version, checked at every click: approvers only, never its author, the content they saw,
   * once per person. N approvals (the workspace's default when it was added) approve it.
   */
  async approve(
    actor: Actor,
    versionId: number,
    seenContentHash?: string,
  ): Promise<{ policy: Policy; version: PolicyVersion; changed: boolean; approved: boolean }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const { policy, version } = await this.mustFindVersion(repos, actor.workspaceId, versionId);
      const key = `${policy.name} ${versionLabel(version)}`;
      if (version.status !== 'pending')
        throw new AimsError('conflict', `${key} is already ${version.status === 'approved' ? 'approved' : version.status}.`);
      requireSeen(key, version.contentHash, seenContentHash);
      requireNotExcluded(actor, version.authorPersonId, `You wrote ${key}, so you cannot approve it: another approver must.`);
      await requireApprover(repos, actor, 'Only approvers can approve a policy version.');
      if (hasDecided(await repos.policies.approvals(version.id), actor.personId))
        return { policy, version, changed: false, approved: false };
      await repos.policies.addApproval({
        versionId: version.id,
        personId: actor.personId,
        decision: 'approve',
        contentHash: version.contentHash,
        at,
        active: true,
      });
      await this.audit(
        repos,
        actor,
        POLICY_AUDIT.approvalGiven,
        `policy_version:${version.id}`,
        null,
        { contentHash: version.contentHash },
        at,
      );
      await queueRefresh(repos, actor.workspaceId, subjectOf(POLICY_SUBJECTS.version, version.id), at);
      const approvals = countDecisions(await repos.policies.approvals(version.id), 'approve', [version.authorPersonId]);
      if (approvals < version.approvalsNeeded) return { policy, version, changed: true, approved: false };
      await repos.policies.updateVersion(actor.workspaceId, version.id, { status: 'approved', approvedAt: at });
      await this.audit(
        repos,
        actor,
        POLICY_AUDIT.approved,
        `policy_version:${version.id}`,
        { status: 'pending' },
        { status: 'approved', approvals, contentHash: version.contentHash },
        at,
      );
      return { policy, version: { ...version, status: 'approved', approvedAt: at }, changed: true, approved: true };
    });
  }

  /**
   * Publishes the approved version of a policy (its owner or an admin): the version before it is
   * superseded, and each person who must acknowledge gets a DM; the first publication schedules the
   * AI policy review. Before approval it is refused; published already, nothing changes.
   */
  async publish(
    actor: Actor,
    ref: string,
    expectedVersionId?: number,
  ): Promise<{ policy: Policy; version: PolicyVersion; asked: number; changed: boolean }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const policy = await this.mustFind(repos, actor.workspaceId, ref);
      if (policy.ownerPersonId !== actor.personId && !actor.roles.includes('admin'))
        throw new AimsError('forbidden', `Only the owner of ${policy.name} or an admin can publish it.`);
      const versions = await repos.policies.versions(actor.workspaceId, policy.id);
      const next = versions.find((v) => v.status === 'pending' || v.status === 'approved');
      const current = versions.find((v) => v.status === 'published');
      if (!next) {
        if (current && (expectedVersionId === undefined || expectedVersionId === current.id))
          return { policy, version: current, asked: 0, changed: false };
        throw new AimsError('conflict', `${policy.name} has no version to publish.`);
      }
      if (expectedVersionId !== undefined && expectedVersionId !== next.id)
        throw new AimsError('conflict', `${policy.name} changed since that button was shown: see it with “policy ${policyKey(policy)}”.`);
      if (next.status === 'pending') {
        const approvals = countDecisions(await repos.policies.approvals(next.id), 'approve', [next.authorPersonId]);
        throw new AimsError(
          'conflict',
          `${policy.name} ${versionLabel(next)} is not approved yet (${approvals} of ${next.approvalsNeeded} approvals): it cannot be published before.`,
          { hint: 'Approvers approve it on its card in the approvals channel.' },
        );
      }
      if (current) {
        await repos.policies.updateVersion(actor.workspaceId, current.id, { status: 'superseded' });
        await this.audit(
          repos,
          actor,
          POLICY_AUDIT.superseded,
          `policy_version:${current.id}`,
          { status: 'published' },
          { status: 'superseded', by: next.id },
          at,
        );
        await queueRefresh(repos, actor.workspaceId, subjectOf(POLICY_SUBJECTS.version, current.id), at);
        // The DMs still asking for it lose their button: they now point at the new version.
        for (const ask of await repos.policies.acknowledgements(actor.workspaceId, { versionId: current.id, status: 'pending' }))
          await queueRefresh(repos, actor.workspaceId, subjectOf(POLICY_SUBJECTS.ack, ask.id), at);
      }
      await repos.policies.updateVersion(actor.workspaceId, next.id, { status: 'published', publishedAt: at, publishedBy: actor.personId });
      const people = await audienceOf(repos, actor.workspaceId, next.audience);
      let asked = 0;
      for (const personId of people) {
        const ask = await repos.policies.ask({
          workspaceId: actor.workspaceId,
          versionId: next.id,
          personId,
          contentHash: next.contentHash,
          askedAt: at,
        });
        if (!ask) continue;
        asked++;
        await queueDirect(repos, actor.workspaceId, subjectOf(POLICY_SUBJECTS.ack, ask.id), personId, POLICY_NOTICES.acknowledge, at);
      }
      await this.audit(
        repos,
        actor,
        POLICY_AUDIT.published,
        `policy_version:${next.id}`,
        { status: 'approved' },
        { status: 'published', asked: people, contentHash: next.contentHash, supersedes: current?.id ?? null },
        at,
      );
      await queueRefresh(repos, actor.workspaceId, subjectOf(POLICY_SUBJECTS.version, next.id), at);
      await repos.policies.update(actor.workspaceId, policy.id, { updatedAt: at });
      return {
        policy: { ...policy, updatedAt: at },
        version: { ...next, status: 'published', publishedAt: at, publishedBy: actor.personId },
        asked,
        changed: true,
      };
    });
  }

  /**
   * Records a person's acknowledgement of the version their DM asked about, with its content hash: their
   * own ask only, of the current version (a superseded one is refused, naming the current). Twice counts once.
   */
  async acknowledge(actor: Actor, ackId: number): Promise<AckDetails & { changed: boolean }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const details = await this.ackIn(repos, actor.workspaceId, ackId);
      if (!details || details.ack.personId !== actor.personId)
        throw new AimsError('not_found', 'There is no such acknowledgement of yours in this workspace.');
      const { ack, policy, version, current } = details;
      if (version.status === 'superseded')
        throw new AimsError(
          'conflict',
          `${versionLabel(version)} of ${policy.name} was replaced${current ? ` by ${versionLabel(current)}` : ''}: acknowledge ${current ? versionLabel(current) : 'the current version'} instead.`,
          {
            hint: current
              ? `See it with “policy ${policyKey(policy)}”; its message to you has the Acknowledge ${versionLabel(current)} button.`
              : '',
          },
        );
      if (ack.status === 'acknowledged' || !(await repos.policies.acknowledge(actor.workspaceId, ack.id, version.contentHash, at)))
        return { ...details, changed: false };
      await this.audit(
        repos,
        actor,
        POLICY_AUDIT.acknowledged,
        `policy_version:${version.id}`,
        { status: 'pending' },
        { acknowledgement: ack.id, contentHash: version.contentHash },
        at,
      );
      await queueRefresh(repos, actor.workspaceId, subjectOf(POLICY_SUBJECTS.ack, ack.id), at);
      await queueRefresh(repos, actor.workspaceId, subjectOf(POLICY_SUBJECTS.version, version.id), at);
      return { ...details, ack: { ...ack, status: 'acknowledged', contentHash: version.contentHash, acknowledgedAt: at }, changed: true };
    });
  }

  /** How many people a version with this audience would ask now. */
  async audienceCount(workspaceId: number, audience: Audience): Promise<number> {
    return await this.store.read(async (repos) => (await audienceOf(repos, workspaceId, audience)).length);
  }

  /** The ids of the asks of a version (the subjects of their DMs). */
  async asksOf(workspaceId: number, versionId: number): Promise<number[]> {
    return await this.store.read(async (repos) => (await repos.policies.acknowledgements(workspaceId, { versionId })).map((a) => a.id));
  }

  /** Audits where a version's card was posted (the outbox tracks the copy). */
  async recordPost(workspaceId: number, versionId: number, post: { channelId: string; messageId: string }): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.store.write(async (repos) => {
      if (!(await repos.policies.findVersion(workspaceId, versionId))) return;
      await appendAuditBy(
        repos,
        null,
        { workspaceId, action: POLICY_AUDIT.posted, subject: `policy_version:${versionId}`, before: null, after: post },
        at,
      );
    });
  }

  async list(
    workspaceId: number,
  ): Promise<Array<{ policy: Policy; current?: PolicyVersion; next?: PolicyVersion; acknowledged: number; asked: number }>> {
    return await this.store.read(async (repos) => {
      const versions = await repos.policies.versions(workspaceId);
      const asks = await repos.policies.acknowledgements(workspaceId, {});
      return (await repos.policies.all(workspaceId)).map((policy) => {
        const mine = versions.filter((v) => v.policyId === policy.id);
        const current = mine.find((v) => v.status === 'published');
        const next = mine.find((v) => v.status === 'pending' || v.status === 'approved');
        const ofCurrent = current ? asks.filter((a) => a.versionId === current.id) : [];
        return {
          policy,
          ...(current ? { current } : {}),
          ...(next ? { next } : {}),
          acknowledged: ofCurrent.filter((a) => a.status === 'acknowledged').length,
          asked: ofCurrent.length,
        };
      });
    });
  }

  async details(workspaceId: number, ref: string): Promise<PolicyDetails> {
    return await this.store.read(async (repos) => {
      const policy = await this.mustFind(repos, workspaceId, ref);
      const versions = await repos.policies.versions(workspaceId, policy.id);
      const current = versions.find((v) => v.status === 'published');
      const next = versions.find((v) => v.status === 'pending' || v.status === 'approved');
      const approvals = new Map<number, PolicyApproval[]>();
      for (const v of versions) approvals.set(v.id, await repos.policies.approvals(v.id));
      const acknowledgements = current ? await repos.policies.acknowledgements(workspaceId, { versionId: current.id }) : [];
      const ids = [
        policy.ownerPersonId,
        ...versions.map((v) => v.authorPersonId),
        ...[...approvals.values()].flat().map((a) => a.personId),
      ];
      const people = new Map((await repos.people.findByIds(workspaceId, [...new Set(ids)])).map((p) => [p.id, p]));
      const review = policy.reviewScheduleId === null ? undefined : await repos.reviews.findById(workspaceId, policy.reviewScheduleId);
      return {
        policy,
        versions,
        current,
        next,
        approvals,
        acknowledgements,
        people,
        approvers: await repos.roles.holders(workspaceId, 'approver'),
        review,
        ...(next?.status === 'approved' ? { toAsk: (await audienceOf(repos, workspaceId, next.audience)).length } : {}),
      };
    });
  }

  async versionDetails(workspaceId: number, versionId: number): Promise<VersionDetails | undefined> {
    return await this.store.read(async (repos) => {
      const version = await repos.policies.findVersion(workspaceId, versionId);
      const policy = version ? await repos.policies.findById(workspaceId, version.policyId) : undefined;
      if (!version || !policy) return undefined;
      const approvals = await repos.policies.approvals(version.id);
      const asks = await repos.policies.acknowledgements(workspaceId, { versionId: version.id });
      const people = new Map(
        (await repos.people.findByIds(workspaceId, [...new Set([version.authorPersonId, ...approvals.map((a) => a.personId)])])).map(
          (p) => [p.id, p],
        ),
      );
      return {
        policy,
        version,
        approvals,
        people,
        approvers: await repos.roles.holders(workspaceId, 'approver'),
        acknowledged: asks.filter((a) => a.status === 'acknowledged').length,
        asked: asks.length,
        ...(version.status === 'approved' ? { toAsk: (await audienceOf(repos, workspaceId, version.audience)).length } : {}),
      };
    });
  }

  async ackDetails(workspaceId: number, ackId: number): Promise<AckDetails | undefined> {
    return await this.store.read(async (repos) => await this.ackIn(repos, workspaceId, ackId));
  }

  private async ackIn(repos: Repositories, workspaceId: number, ackId: number): Promise<AckDetails | undefined> {
    const ack = await repos.policies.findAcknowledgement(workspaceId, ackId);
    const version = ack ? await repos.policies.findVersion(workspaceId, ack.versionId) : undefined;
    const policy = version ? await repos.policies.findById(workspaceId, version.policyId) : undefined;
    if (!ack || !version || !policy) return undefined;
    const current = (await repos.policies.versions(workspaceId, policy.id)).find((v) => v.status === 'published');
    return { ack, policy, version, current };
  }

  /**
   * Links the policy to its "AI policy review" (a schedule of the reviews area, made through its service
   * when the policy is first published): the policy's card shows when it is next due. Once: a link kept is kept.
   */
  async linkReview(actor: Actor, policyId: number, scheduleId: number): Promise<boolean> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const policy = await repos.policies.findById(actor.workspaceId, policyId);
      const schedule = await repos.reviews.findById(actor.workspaceId, scheduleId);
      if (!policy || !schedule || policy.reviewScheduleId !== null) return false;
      await repos.policies.update(actor.workspaceId, policy.id, { reviewScheduleId: scheduleId, updatedAt: at });
      await this.audit(
        repos,
        actor,
        POLICY_AUDIT.reviewScheduled,
        `policy:${policy.id}`,
        { reviewScheduleId: null },
        { reviewScheduleId: scheduleId },
        at,
      );
      return true;
    });
  }

  /** The stored content of a version and the hash its approvals and acknowledgements record. */
  private async contentOf(repos: Repositories, workspaceId: number, input: PolicyVersionInput, version: number) {
    const audience: Audience =
      input.audience.length === 0 || input.audience.includes('everyone') ? 'everyone' : ([...new Set(input.audience)].sort() as Audience);
    const approvalsNeeded = (await repos.settings.get(workspaceId))?.defaultApprovals ?? DEFAULT_APPROVALS;
    const stored = {
      version,
      title: input.title,
      effectiveDate: input.effectiveDate,
      link: input.link,
      text: input.text,
      changes: input.changes,
      audience,
      approvalsNeeded,
    };
    // The hash names the policy too: an approval of one policy's text never signs another's.
    return { ...stored, contentHash: signOffHash({ name: nameKeyOf(input.name), ...stored }) };
  }

  private async mustFind(repos: Repositories, workspaceId: number, ref: string): Promise<Policy> {
    const number = parsePolicyNumber(ref);
    const policy =
      number === undefined
        ? await repos.policies.findByNameKey(workspaceId, nameKeyOf(ref))
        : await repos.policies.findByNumber(workspaceId, number);
    if (!policy)
      throw new AimsError('not_found', `There is no policy “${ref.slice(0, 100)}” in this workspace.`, {
        hint: 'See them with “policy list”.',
      });
    return policy;
  }

  private async mustFindVersion(
    repos: Repositories,
    workspaceId: number,
    versionId: number,
  ): Promise<{ policy: Policy; version: PolicyVersion }> {
    const version = await repos.policies.findVersion(workspaceId, versionId);
    const policy = version ? await repos.policies.findById(workspaceId, version.policyId) : undefined;
    if (!version || !policy) throw new AimsError('not_found', 'There is no such policy version in this workspace.');
    return { policy, version };
  }

  private async audit(repos: Repositories, actor: Actor, action: string, subject: string, before: unknown, after: unknown, at: string) {
    await appendAuditBy(repos, actor, { workspaceId: actor.workspaceId, action, subject, before, after }, at);
  }
}
