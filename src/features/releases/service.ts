import type { RoleHolder } from '../../core/roles.ts';
import type { Actor } from '../../core/actor.ts';
import type { AiSystem } from '../ai-systems/domain.ts';
import { countDecisions, hasDecided, requireApprover, requireNotExcluded, requireSeen, signOffHash } from '../../core/sign-off/sign-off.ts';
import type { Clock } from '../../core/clock.ts';
import { AimsError, fieldErrorsOf, invalidInput } from '../../core/errors.ts';
import { bindKey, claimBound, replayedRecord } from '../../core/inbound-dedupe.ts';
import { personLabel, type Person } from '../../core/identity.ts';
import { requireOwnerOrAdmin } from '../../core/policies.ts';
import type { Repositories, UnitOfWork } from '../../core/ports.ts';
import { DEFAULT_APPROVALS } from '../../core/settings/workspace-settings.ts';
import {
  defaultDomain,
  domainOf,
  inDomain,
  meets,
  RELEASE_AUDIT,
  RELEASE_NOTICES,
  releaseKey,
  type AcceptanceCriterion,
  type Release,
  type ReleaseDecision,
  type ReleaseMetric,
  type ReleaseStatus,
} from './domain.ts';
import { criterionInputSchema, releaseInputSchema, type ReleaseInput } from './input.ts';
import { keepPersonalCopy, queueDirect, queuePosts, queueRefresh, subjectOf } from '../../core/outbox/outbox.ts';
import type { PersonalCopy } from '../../core/posted/posted-copy.ts';
import { impactDueForRelease } from '../impact/service.ts';

export const RELEASE_PAGE_SIZE = 25;

export interface ReleaseDetails {
  release: Release;
  system: AiSystem;
  metrics: ReleaseMetric[];
  decisions: ReleaseDecision[];
  people: Map<number, Person>;
  approvals: number;
  /** Who holds the approver role (the card asks those who have not decided). */
  approvers: RoleHolder[];
  /** The system needs an impact assessment signed after this change (the impact area's read). */
  impactAssessmentDue?: boolean;
}

/** A request that cannot be signed off until more people hold the approver role. */
export interface ApproverShortfall {
  /** Approvers other than the requester. */
  eligible: number;
  needed: number;
  /** Who can grant the role, by name. */
  admins: string[];
}

export type DecisionOutcome = { release: Release; changed: boolean; decided: boolean };

const sameMetric = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Model releases signed off against acceptance criteria by N distinct approvers (6.3, 8.1, A.6.2.4, A.6.2.5). */
export class ReleaseService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async criteria(workspaceId: number, aiSystemId: number): Promise<AcceptanceCriterion[]> {
    return await this.store.read(async (repos) => await repos.releases.criteria(workspaceId, aiSystemId));
  }

  /** Adds an acceptance criterion to a system (its owner or an admin). */
  async addCriterion(actor: Actor, aiSystemId: number, raw: unknown): Promise<AcceptanceCriterion> {
    const parsed = criterionInputSchema.safeParse(raw);
    if (!parsed.success)
      throw new AimsError('invalid_input', parsed.error.issues[0]?.message ?? 'That criterion is not valid.', {
        hint: 'Example: system Fraud Scorer criteria add recall >= 0.92 on holdout-2026',
      });
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const system = await this.mustFindSystem(repos, actor.workspaceId, aiSystemId);
      await requireOwnerOrAdmin(repos, actor, system, 'change its acceptance criteria');
      if (
        (await repos.releases.criteria(actor.workspaceId, aiSystemId)).some(
          (c) => sameMetric(c.metric, parsed.data.metric) && sameMetric(c.dataset, parsed.data.dataset),
        )
      ) {
        throw new AimsError(
          'conflict',
          `${system.name} already has a criterion for ${parsed.data.metric} on ${parsed.data.dataset}. Remove it first to change it.`,
        );
      }
      const criterion = await repos.releases.addCriterion({ ...parsed.data, workspaceId: actor.workspaceId, aiSystemId, createdAt: at });
      await repos.audit.append(
        {
          workspaceId: actor.workspaceId,
          actorPersonId: actor.personId,
          actor: actor.label,
          action: RELEASE_AUDIT.criterionAdded,
          subject: `ai_system:${aiSystemId}`,
          before: null,
          after: criterion,
        },
        at,
      );
      return criterion;
    });
  }

  async removeCriterion(actor: Actor, aiSystemId: number, metric: string): Promise<AcceptanceCriterion[]> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const system = await this.mustFindSystem(repos, actor.workspaceId, aiSystemId);
      await requireOwnerOrAdmin(repos, actor, system, 'change its acceptance criteria');
      const removed = (await repos.releases.criteria(actor.workspaceId, aiSystemId)).filter((c) => sameMetric(c.metric, metric));
      if (removed.length === 0) throw new AimsError('not_found', `${system.name} has no criterion for ${metric}.`);
      for (const criterion of removed) {
        await repos.releases.removeCriterion(actor.workspaceId, criterion.id);
        await repos.audit.append(
          {
            workspaceId: actor.workspaceId,
            actorPersonId: actor.personId,
            actor: actor.label,
            action: RELEASE_AUDIT.criterionRemoved,
            subject: `ai_system:${aiSystemId}`,
            before: criterion,
            after: null,
          },
          at,
        );
      }
      return removed;
    });
  }

  /**
   * Files a sign-off request; a repeated submission (same key, same content) returns the release it
   * created, the same key with other content is an idempotency conflict. `requestHash` overrides
   * what the key is bound to (the pipeline API binds it to its request body).
   */
  async request(
    actor: Actor,
    raw: unknown,
    submissionKey?: string,
    requestHash?: string,
    personalCopy: PersonalCopy = { kind: 'none' },
  ): Promise<{ release: Release; created: boolean }> {
    const at = this.clock.now().toISOString();
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, raw }, requestHash) : undefined;
    return await this.store.write(async (repos) => {
      if (bound) {
        const existing = await replayedRecord(
          repos.dedupe,
          bound,
          'releaseId',
          async (id) => await repos.releases.findById(actor.workspaceId, id),
          (release) => (release ? releaseKey(release) : 'a release'),
        );
        if (existing) return { release: existing, created: false };
      }
      const validated = await this.validate(repos, actor, raw);
      const release = await repos.releases.insert({
        ...contentOf(validated, at),
        workspaceId: actor.workspaceId,
        requesterPersonId: actor.personId,
        status: 'pending',
        createdAt: at,
        decidedAt: null,
      });
      const { metrics } = validated;
      await repos.releases.replaceMetrics(release.id, metrics);
      await claimBound(repos.dedupe, bound, actor.workspaceId, at, { releaseId: release.id });
      await repos.audit.append(
        {
          workspaceId: actor.workspaceId,
          actorPersonId: actor.personId,
          actor: actor.label,
          action: RELEASE_AUDIT.requested,
          subject: `release:${release.id}`,
          before: null,
          after: { ...release, metrics },
        },
        at,
      );
      await queuePosts(repos, actor.workspaceId, subjectOf('release', release.id), ['approvals'], at);
      // The requester's own copy is kept up to date, so no stale "Pending 0 of 2" outlives the decision.
      await keepPersonalCopy(
        repos,
        actor.workspaceId,
        subjectOf('release', release.id),
        actor.personId,
        RELEASE_NOTICES.yours,
        personalCopy,
        at,
      );
      return { release, created: true };
    });
  }

  /**
   * Changes a pending request (its requester or an admin): approvals given so far are dropped.
   * Saving the same content changes nothing (no new hash, approvals kept, no audit event).
   */
  async edit(actor: Actor, id: number, raw: unknown): Promise<{ release: Release; droppedApprovers: number[]; changed: boolean }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const before = await this.mustFind(repos, actor.workspaceId, id);
      if (before.status !== 'pending') throw new AimsError('conflict', `${releaseKey(before)} is ${before.status}: the decision is final.`);
      if (before.requesterPersonId !== actor.personId && !actor.roles.includes('admin'))
        throw new AimsError('forbidden', 'Only the requester or an admin can edit a release request.');
      const validated = await this.validate(repos, actor, raw, before);
      const { metrics } = validated;
      const changes = contentOf(validated, at);
      if (changes.contentHash === before.contentHash) return { release: before, droppedApprovers: [], changed: false };
      await repos.releases.update(actor.workspaceId, id, changes);
      await repos.releases.replaceMetrics(id, metrics);
      const droppedApprovers = await repos.releases.dropDecisions(id);
      await repos.audit.append(
        {
          workspaceId: actor.workspaceId,
          actorPersonId: actor.personId,
          actor: actor.label,
          action: RELEASE_AUDIT.edited,
          subject: `release:${id}`,
          before: { contentHash: before.contentHash },
          after: { ...changes, metrics, droppedApprovals: droppedApprovers },
        },
        at,
      );
      await queueRefresh(repos, actor.workspaceId, subjectOf('release', id), at);
      for (const personId of droppedApprovers)
        await queueDirect(repos, actor.workspaceId, subjectOf('release', id), personId, RELEASE_NOTICES.approvalDropped, at);
      return { release: { ...before, ...changes }, droppedApprovers, changed: true };
    });
  }

  /**
   * Approve or reject, checked at every click: approvers only, never the requester, one decision
   * per person, one rejection rejects, N approvals approve, and a decided release is final.
   */
  async decide(
    actor: Actor,
    id: number,
    decision: 'approve' | 'reject',
    comment?: string,
    seenContentHash?: string,
  ): Promise<DecisionOutcome> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const release = await this.mustFind(repos, actor.workspaceId, id);
      if (release.status !== 'pending')
        throw new AimsError('conflict', `${releaseKey(release)} was already ${release.status}; the decision is final.`);
      // The sign-off engine's rules: the content seen, never the requester, approvers only.
      requireSeen(releaseKey(release), release.contentHash, seenContentHash);
      requireNotExcluded(
        actor,
        release.requesterPersonId,
        `You requested ${releaseKey(release)}, so you cannot ${decision} it: someone else must.`,
      );
      await requireApprover(repos, actor, `Only approvers can ${decision} releases.`);
      const reason = comment?.trim() ?? '';
      if (decision === 'reject' && reason === '') throw invalidInput({ reason: 'Say why you reject it.' });
      if (hasDecided(await repos.releases.decisions(id, true), actor.personId)) return { release, changed: false, decided: false };
      await repos.releases.addDecision({
        releaseId: id,
        personId: actor.personId,
        decision,
        comment: reason || null,
        contentHash: release.contentHash,
        at,
        active: true,
      });
      await repos.audit.append(
        {
          workspaceId: actor.workspaceId,
          actorPersonId: actor.personId,
          actor: actor.label,
          action: decision === 'approve' ? RELEASE_AUDIT.approvalGiven : RELEASE_AUDIT.rejectionGiven,
          subject: `release:${id}`,
          before: null,
          after: { decision, comment: reason || null, contentHash: release.contentHash },
        },
        at,
      );
      await queueRefresh(repos, actor.workspaceId, subjectOf('release', id), at);
      const approvals = countDecisions(await repos.releases.decisions(id, true), 'approve');
      const status: ReleaseStatus | undefined =
        decision === 'reject' ? 'rejected' : approvals >= release.approvalsNeeded ? 'approved' : undefined;
      if (!status) return { release, changed: true, decided: false };
      await repos.releases.update(actor.workspaceId, id, { status, decidedAt: at, updatedAt: at });
      await repos.audit.append(
        {
          workspaceId: actor.workspaceId,
          actorPersonId: actor.personId,
          actor: actor.label,
          action: status === 'approved' ? RELEASE_AUDIT.approved : RELEASE_AUDIT.rejected,
          subject: `release:${id}`,
          before: { status: 'pending' },
          after: { status, approvals, contentHash: release.contentHash },
        },
        at,
      );
      await queueDirect(repos, actor.workspaceId, subjectOf('release', id), release.requesterPersonId, RELEASE_NOTICES.decided, at);
      return { release: { ...release, status, decidedAt: at, updatedAt: at }, changed: true, decided: true };
    });
  }

  /** Refuses, before a reason form opens, someone whose decision would be refused. */
  async requireCanDecide(actor: Actor, id: number): Promise<void> {
    await this.store.read(async (repos) => {
      const release = await this.mustFind(repos, actor.workspaceId, id);
      if (release.status !== 'pending')
        throw new AimsError('conflict', `${releaseKey(release)} was already ${release.status}; the decision is final.`);
      if (release.requesterPersonId === actor.personId)
        throw new AimsError('forbidden', `You requested ${releaseKey(release)}, so you cannot decide on it: someone else must.`);
      if (!actor.roles.includes('approver')) throw new AimsError('forbidden', 'Only approvers can approve or reject releases.');
    });
  }

  /** The requester takes back a pending request. */
  async withdraw(actor: Actor, id: number): Promise<{ release: Release; changed: boolean }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const release = await this.mustFind(repos, actor.workspaceId, id);
      if (release.status === 'withdrawn') return { release, changed: false };
      if (release.status !== 'pending')
        throw new AimsError('conflict', `${releaseKey(release)} was already ${release.status}; the decision is final.`);
      if (release.requesterPersonId !== actor.personId)
        throw new AimsError('forbidden', 'Only the requester can withdraw a release request.');
      await repos.releases.update(actor.workspaceId, id, { status: 'withdrawn', decidedAt: at, updatedAt: at });
      await repos.audit.append(
        {
          workspaceId: actor.workspaceId,
          actorPersonId: actor.personId,
          actor: actor.label,
          action: RELEASE_AUDIT.withdrawn,
          subject: `release:${id}`,
          before: { status: 'pending' },
          after: { status: 'withdrawn' },
        },
        at,
      );
      await queueRefresh(repos, actor.workspaceId, subjectOf('release', id), at);
      return { release: { ...release, status: 'withdrawn', decidedAt: at, updatedAt: at }, changed: true };
    });
  }

  /** Audits where the card was posted (the outbox tracks the copy in posted_messages). */
  async recordPost(workspaceId: number, id: number, post: { channelId: string; messageId: string; reference?: unknown }): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.store.write(async (repos) => {
      await this.mustFind(repos, workspaceId, id);
      await repos.audit.append(
        {
          workspaceId,
          actorPersonId: null,
          actor: 'system',
          action: RELEASE_AUDIT.posted,
          subject: `release:${id}`,
          before: null,
          after: { channelId: post.channelId, messageId: post.messageId },
        },
        at,
      );
    });
  }

  async details(workspaceId: number, id: number): Promise<ReleaseDetails> {
    return await this.store.read(async (repos) => {
      const release = await this.mustFind(repos, workspaceId, id);
      const decisions = await repos.releases.decisions(id, false);
      const people = new Map<number, Person>();
      for (const personId of new Set([release.requesterPersonId, ...decisions.map((d) => d.personId)])) {
        const person = await repos.people.findById(workspaceId, personId);
        if (person) people.set(personId, person);
      }
      return {
        release,
        system: await this.mustFindSystem(repos, workspaceId, release.aiSystemId),
        metrics: await repos.releases.metrics(id),
        decisions,
        people,
        approvals: decisions.filter((d) => d.active && d.decision === 'approve').length,
        approvers: await repos.roles.holders(workspaceId, 'approver'),
        impactAssessmentDue: await impactDueForRelease(repos, workspaceId, release),
      };
    });
  }

  async list(workspaceId: number, filter: { statuses?: readonly ReleaseStatus[]; aiSystemId?: number }, page = 0) {
    const result = await this.store.read(
      async (repos) => await repos.releases.list(workspaceId, filter, { limit: RELEASE_PAGE_SIZE, offset: page * RELEASE_PAGE_SIZE }),
    );
    return { ...result, page, pageSize: RELEASE_PAGE_SIZE };
  }

  async defaultApprovals(workspaceId: number): Promise<number> {
    return await this.store.read(async (repos) => (await repos.settings.get(workspaceId))?.defaultApprovals ?? DEFAULT_APPROVALS);
  }

  /**
   * When fewer people could sign a request off than it needs (approvers other than the requester, who
   * never approves their own), how many could and the admins who can grant the role; otherwise undefined.
   */
  async approverShortfall(workspaceId: number, needed: number, requesterPersonId: number): Promise<ApproverShortfall | undefined> {
    return await this.store.read(async (repos) => {
      const eligible = (await repos.roles.holders(workspaceId, 'approver')).filter(
        (holder) => holder.personId !== requesterPersonId,
      ).length;
      if (eligible >= needed) return undefined;
      return { eligible, needed, admins: (await repos.roles.holders(workspaceId, 'admin')).map((holder) => personLabel(holder)) };
    });
  }

  private async validate(
    repos: Repositories,
    actor: Actor,
    raw: unknown,
    self?: Release,
  ): Promise<{ input: ReleaseInput; system: AiSystem; metrics: ReleaseMetric[]; approvalsNeeded: number }> {
    const parsed = releaseInputSchema.safeParse(raw);
    const errors: Record<string, string> = parsed.success
      ? {}
      : fieldErrorsOf(
          parsed.error.issues.map((issue) => ({
            ...issue,
            path: issue.path[0] === 'measurements' ? [`measurements.${String(issue.path[1])}`] : issue.path,
          })),
        );
    if (!parsed.success) throw invalidInput(errors);
    const input = parsed.data;
    const system = await repos.aiSystems.findById(actor.workspaceId, input.aiSystemId);
    if (!system || system.stage === 'retired')
      throw invalidInput({ aiSystemId: 'Choose an AI system of this workspace that is not retired.' });
    const live = await repos.releases.findLive(system.id, input.version.toLowerCase());
    if (live && live.id !== self?.id) {
      errors.version =
        live.status === 'approved'
          ? `${system.name} ${input.version} was already released.`
          : `${system.name} ${input.version} already has a pending request (${releaseKey(live)}).`;
    }
    const criteria = await repos.releases.criteria(actor.workspaceId, system.id);
    const metrics: ReleaseMetric[] = [];
    // Errors about one measured value are keyed "measurements.<index>" (the API names that field; forms map it back).
    const measurements = input.measurements.map((m, index) => ({ ...m, index }));
    criteria.forEach((criterion) => {
      const [found, ...again] = measurements.filter(
        (m) => sameMetric(m.metric, criterion.metric) && (!m.dataset || sameMetric(m.dataset, criterion.dataset)),
      );
      if (!found) {
        errors[`criterion.${criterion.id}`] = `Enter the measured ${criterion.metric} on ${criterion.dataset}.`;
        return;
      }
      // Two values for one criterion: the failing one must never be silently dropped.
      for (const second of again)
        errors[`measurements.${second.index}`] ??=
          `A second value for ${criterion.metric} on ${criterion.dataset}: give one value per criterion.`;
      const domain = domainOf(criterion);
      if (!inDomain(found.value, domain))
        errors[`measurements.${found.index}`] ??=
          `${found.value} is not a possible ${criterion.metric}: it must be ${domain?.label ?? ''}.`;
      const passed = meets(found.value, criterion.comparison, criterion.threshold);
      // FAIL is said at the value that failed, not only at the justification it calls for.
      if (!passed && !input.justification)
        errors[`measurements.${found.index}`] ??=
          `FAIL: ${criterion.metric} on ${criterion.dataset} needs ${criterion.comparison === '>=' ? '≥' : '≤'} ${criterion.threshold}. Correct the value, or justify shipping anyway.`;
      metrics.push({
        metric: criterion.metric,
        dataset: criterion.dataset,
        comparison: criterion.comparison,
        threshold: criterion.threshold,
        measured: found.value,
        passed,
      });
    });
    const extras = new Map<string, number>();
    for (const extra of measurements) {
      if (criteria.some((c) => sameMetric(c.metric, extra.metric) && (!extra.dataset || sameMetric(extra.dataset, c.dataset)))) continue;
      const key = `${extra.metric.trim().toLowerCase()}\u0000${(extra.dataset ?? '').trim().toLowerCase()}`;
      if (extras.has(key))
        errors[`measurements.${extra.index}`] ??=
          `A second value for ${extra.metric}${extra.dataset ? ` on ${extra.dataset}` : ''}: give one value per metric.`;
      extras.set(key, extra.index);
      const domain = defaultDomain(extra.metric);
      if (!inDomain(extra.value, domain))
        errors[`measurements.${extra.index}`] ??= `${extra.value} is not a possible ${extra.metric}: it must be ${domain?.label ?? ''}.`;
      metrics.push({
        metric: extra.metric,
        dataset: extra.dataset ?? null,
        comparison: null,
        threshold: null,
        measured: extra.value,
        passed: null,
      });
    }
    if (metrics.some((m) => m.passed === false) && !input.justification)
      errors.justification = 'A criterion failed: explain why it should ship anyway.';
    // The workspace default is the floor; an admin's raise of this release is a floor for everyone else.
    const workspaceFloor = (await repos.settings.get(actor.workspaceId))?.defaultApprovals ?? DEFAULT_APPROVALS;
    const floor = self && !actor.roles.includes('admin') ? Math.max(workspaceFloor, self.approvalsNeeded) : workspaceFloor;
    let approvalsNeeded = self && !actor.roles.includes('admin') ? floor : workspaceFloor;
    if (input.approvalsNeeded !== undefined && input.approvalsNeeded !== floor) {
      if (input.approvalsNeeded < floor)
        errors.approvalsNeeded =
          floor > workspaceFloor
            ? `An admin set this release to need ${floor} approvals; only an admin can lower it.`
            : `A release needs at least ${floor} approvals here (the workspace default).`;
      else if (!actor.roles.includes('admin')) errors.approvalsNeeded = 'Only admins can ask for more approvals than the default.';
      else approvalsNeeded = input.approvalsNeeded;
    }
    if (Object.keys(errors).length > 0) throw invalidInput(errors);
    return { input, system, metrics, approvalsNeeded };
  }

  private async mustFind(repos: Repositories, workspaceId: number, id: number): Promise<Release> {
    const release = await repos.releases.findById(workspaceId, id);
    if (!release) throw new AimsError('not_found', `There is no REL-${id} in this workspace.`);
    return release;
  }

  private async mustFindSystem(repos: Repositories, workspaceId: number, id: number): Promise<AiSystem> {
    const system = await repos.aiSystems.findById(workspaceId, id);
    if (!system) throw new AimsError('not_found', `AI system #${id} does not exist in this workspace.`);
    return system;
  }
}

/** The fields of a release that a request sets and an edit replaces. */
function contentOf(validated: { input: ReleaseInput; system: AiSystem; metrics: ReleaseMetric[]; approvalsNeeded: number }, at: string) {
  const { input, system, metrics, approvalsNeeded } = validated;
  return {
    aiSystemId: system.id,
    version: input.version,
    versionKey: input.version.toLowerCase(),
    changeType: input.changeType,
    whatChanged: input.whatChanged,
    evaluationLink: input.evaluationLink,
    risks: input.risks,
    justification: input.justification,
    approvalsNeeded,
    contentHash: contentHashOf(input, metrics, approvalsNeeded),
    updatedAt: at,
  };
}

/** What approvers saw: the hash each decision records, so an auditor can tell which content was signed. */
function contentHashOf(input: ReleaseInput, metrics: ReleaseMetric[], approvalsNeeded: number): string {
  // Measurements as matched to criteria (metrics) are what was judged, not the raw list.
  return signOffHash({ ...input, measurements: undefined, metrics, approvalsNeeded });
}
