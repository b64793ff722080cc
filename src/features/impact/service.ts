import { appendAuditBy } from '../../core/audit-trail.ts';
import { createHash } from 'node:crypto';
import type { Actor } from '../../core/actor.ts';
import { canonicalJson } from '../../core/canonical-json.ts';
import type { Clock } from '../../core/clock.ts';
import { AimsError, invalidInput, rowFieldErrorsOf } from '../../core/errors.ts';
import { personLabel, type Person } from '../../core/identity.ts';
import { bindKey, claimBound, replayedRecord } from '../../core/inbound-dedupe.ts';
import type { Repositories, UnitOfWork } from '../../core/ports.ts';
import { queuePosts, queueRefresh, subjectOf } from '../../core/outbox/outbox.ts';
import type { AiSystem } from '../ai-systems/domain.ts';
import type { Release } from '../releases/domain.ts';
import { addDays } from '../../core/calendar-days.ts';
import { IMPACT_AUDIT, IMPACT_CHANGE_TYPES, IMPACT_DUE_AFTER_DAYS, impactKey, type ImpactAssessment, type ImpactReason } from './domain.ts';
import { impactInputSchema, RISK_REF, type ImpactInput } from './input.ts';
import type { ImpactDueRow } from './port.ts';

export interface ImpactDetails {
  assessment: ImpactAssessment;
  system: AiSystem;
  people: Map<number, Person>;
  /** Risk references that name no risk of the register (checked only where the risks area is there). */
  unknownRisks: string[];
}

const riskRef = (ref: string) => `R-${RISK_REF.exec(ref.trim())?.[1] ?? ref}`;

/** The risks area's repository, if that area is registered: mitigations name its risks loosely, as "R-3". */
type RiskLookup = { findByNumber(workspaceId: number, number: number): Promise<unknown> };
const risksOf = (repos: Repositories): RiskLookup | undefined => {
  const risks = (repos as unknown as { risks?: Partial<RiskLookup> }).risks;
  return typeof risks?.findByNumber === 'function' ? (risks as RiskLookup) : undefined;
};

/** AI system impact assessments, signed by an approver who is not their author (6.1.4, 8.4, A.5.2-A.5.5). */
export class ImpactService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /**
   * Files a new version of a system's assessment, posted to the approvals channel for sign-off; the earlier
   * versions are superseded (and stay readable). A repeated submission (same key, same content) returns the first.
   */
  async submit(actor: Actor, raw: unknown, submissionKey?: string): Promise<{ assessment: ImpactAssessment; created: boolean }> {
    const at = this.clock.now().toISOString();
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, raw }) : undefined;
    return await this.store.write(async (repos) => {
      if (bound) {
        const existing = await replayedRecord(
          repos.dedupe,
          bound,
          'impactId',
          async (id) => await repos.impact.findById(actor.workspaceId, id),
          (assessment) => (assessment ? impactKey(assessment) : 'an impact assessment'),
        );
        if (existing) return { assessment: existing, created: false };
      }
      const input = await this.validate(repos, actor, raw);
      const earlier = await repos.impact.list(actor.workspaceId, { aiSystemId: input.aiSystemId, statuses: ['pending', 'signed'] });
      const assessment = await repos.impact.insert({
        ...input,
        workspaceId: actor.workspaceId,
        version: (await repos.impact.lastVersion(actor.workspaceId, input.aiSystemId)) + 1,
        authorPersonId: actor.personId,
        status: 'pending',
        contentHash: createHash('sha256').update(canonicalJson(input)).digest('hex'),
        signedByPersonId: null,
        signedAt: null,
        supersededById: null,
        createdAt: at,
        updatedAt: at,
      });
      await claimBound(repos.dedupe, bound, actor.workspaceId, at, { impactId: assessment.id });
      await this.audit(repos, actor, IMPACT_AUDIT.submitted, assessment.id, null, assessment, at);
      // A pending earlier version can no longer be signed; a signed one stays the system's until this one is signed.
      for (const old of earlier.filter((a) => a.status === 'pending')) await this.supersede(repos, actor, old, assessment.id, at);
      await queuePosts(repos, actor.workspaceId, subjectOf('impact', assessment.id), ['approvals'], at);
      return { assessment, created: true };
    });
  }

  /**
   * The reviewer's sign-off, checked at every click: an approver, not the author, of the version on the card.
   * A second click changes nothing. Signing supersedes the system's earlier signed version and refreshes the
   * cards of the releases that were waiting for it.
   */
  async sign(
    actor: Actor,
    id: number,
    seenContentHash?: string,
  ): Promise<{ assessment: ImpactAssessment; changed: boolean; releaseIds: number[] }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const assessment = await this.mustFind(repos, actor.workspaceId, id);
      if (assessment.status === 'signed' && assessment.signedByPersonId === actor.personId)
        return { assessment, changed: false, releaseIds: [] };
      if (assessment.status === 'signed') throw new AimsError('conflict', `${impactKey(assessment)} was already signed.`);
      if (assessment.status === 'superseded')
        throw new AimsError('conflict', `${impactKey(assessment)} was superseded by a newer assessment: sign that one.`);
      if (seenContentHash !== undefined && seenContentHash !== assessment.contentHash)
        throw new AimsError('conflict', `${impactKey(assessment)} changed since you saw it; please look again.`);
      if (assessment.authorPersonId === actor.personId)
        throw new AimsError('forbidden', `You wrote ${impactKey(assessment)}, so you cannot sign it off: another approver must.`);
      if (!actor.roles.includes('approver')) {
        const approvers = (await repos.roles.holders(actor.workspaceId, 'approver')).map((holder) => personLabel(holder));
        throw new AimsError('forbidden', 'Only approvers can sign off impact assessments.', {
          hint:
            approvers.length > 0
              ? `Approvers: ${approvers.join(', ')}.`
              : 'This workspace has no approvers yet: an admin can grant the role.',
        });
      }
      const signed: ImpactAssessment = { ...assessment, status: 'signed', signedByPersonId: actor.personId, signedAt: at, updatedAt: at };
      await repos.impact.update(actor.workspaceId, id, { status: 'signed', signedByPersonId: actor.personId, signedAt: at, updatedAt: at });
      await this.audit(
        repos,
        actor,
        IMPACT_AUDIT.signed,
        id,
        { status: assessment.status },
        { status: 'signed', contentHash: assessment.contentHash, signedAt: at },
        at,
      );
      for (const old of await repos.impact.list(actor.workspaceId, { aiSystemId: assessment.aiSystemId, statuses: ['signed'] }))
        if (old.id !== id) await this.supersede(repos, actor, old, id, at);
      await queueRefresh(repos, actor.workspaceId, subjectOf('impact', id), at);
      // The release cards of this system that said "Impact assessment due" show the truth again.
      const releases = await repos.releases.list(
        actor.workspaceId,
        { aiSystemId: assessment.aiSystemId, statuses: ['pending', 'approved'] },
        { limit: 1000, offset: 0 },
      );
      const releaseIds = releases.items.filter((r) => IMPACT_CHANGE_TYPES.includes(r.changeType)).map((r) => r.id);
      for (const releaseId of releaseIds) await queueRefresh(repos, actor.workspaceId, subjectOf('release', releaseId), at);
      return { assessment: signed, changed: true, releaseIds };
    });
  }

  async details(workspaceId: number, id: number): Promise<ImpactDetails> {
    return await this.store.read(async (repos) => {
      const assessment = await this.mustFind(repos, workspaceId, id);
      const system = await repos.aiSystems.findById(workspaceId, assessment.aiSystemId);
      if (!system) throw new AimsError('not_found', `AI system #${assessment.aiSystemId} does not exist in this workspace.`);
      const people = new Map<number, Person>();
      for (const personId of [assessment.authorPersonId, assessment.signedByPersonId]) {
        const person = personId === null ? undefined : await repos.people.findById(workspaceId, personId);
        if (person) people.set(person.id, person);
      }
      const risks = risksOf(repos);
      const unknownRisks: string[] = [];
      if (risks)
        for (const ref of assessment.mitigations.flatMap((m) => m.riskRefs))
          if (!(await risks.findByNumber(workspaceId, Number(ref.slice(2))))) unknownRisks.push(ref);
      return { assessment, system, people, unknownRisks };
    });
  }

  async list(workspaceId: number): Promise<{ assessments: ImpactAssessment[]; systems: Map<number, string>; due: ImpactDue[] }> {
    return await this.store.read(async (repos) => {
      const assessments = await repos.impact.list(workspaceId, {});
      const systems = new Map<number, string>();
      for (const a of assessments)
        if (!systems.has(a.aiSystemId)) systems.set(a.aiSystemId, (await repos.aiSystems.findById(workspaceId, a.aiSystemId))?.name ?? '?');
      return { assessments, systems, due: await impactsDue(repos, workspaceId) };
    });
  }

  /** Audits where the card was posted (the outbox tracks the copy in posted_messages). */
  async recordPost(workspaceId: number, id: number, post: { channelId: string; messageId: string }): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.store.write(async (repos) => {
      await this.mustFind(repos, workspaceId, id);
      await repos.audit.append(
        {
          workspaceId,
          actorPersonId: null,
          actor: 'system',
          action: IMPACT_AUDIT.posted,
          subject: `impact:${id}`,
          before: null,
          after: post,
        },
        at,
      );
    });
  }

  private async validate(repos: Repositories, actor: Actor, raw: unknown): Promise<ImpactInput> {
    const parsed = impactInputSchema.safeParse(raw);
    if (!parsed.success) throw invalidInput(rowFieldErrorsOf(parsed.error.issues));
    const system = await repos.aiSystems.findById(actor.workspaceId, parsed.data.aiSystemId);
    if (!system || system.stage === 'retired')
      throw invalidInput({ aiSystemId: 'Choose an AI system of this workspace that is not retired.' });
    const input = {
      ...parsed.data,
      mitigations: parsed.data.mitigations.map((m) => ({ ...m, riskRefs: [...new Set(m.riskRefs.map(riskRef))] })),
    };
    // The risk register, where the risks area is there, must know every risk a mitigation names.
    const risks = risksOf(repos);
    if (risks) {
      for (const [i, mitigation] of input.mitigations.entries())
        for (const ref of mitigation.riskRefs)
          if (!(await risks.findByNumber(actor.workspaceId, Number(ref.slice(2)))))
            throw invalidInput({ [`mitigations.${i}.riskRefs`]: `${ref} is not a risk of this workspace.` });
    }
    return input;
  }

  private async supersede(repos: Repositories, actor: Actor, old: ImpactAssessment, byId: number, at: string): Promise<void> {
    await repos.impact.update(actor.workspaceId, old.id, { status: 'superseded', supersededById: byId, updatedAt: at });
    await this.audit(
      repos,
      actor,
      IMPACT_AUDIT.superseded,
      old.id,
      { status: old.status },
      { status: 'superseded', supersededBy: byId },
      at,
    );
    await queueRefresh(repos, actor.workspaceId, subjectOf('impact', old.id), at);
  }

  private async audit(
    repos: Repositories,
    actor: Actor,
    action: string,
    id: number,
    before: unknown,
    after: unknown,
    at: string,
  ): Promise<void> {
    await appendAuditBy(repos, actor, { workspaceId: actor.workspaceId, action, subject: `impact:${id}`, before, after }, at);
  }

  private async mustFind(repos: Repositories, workspaceId: number, id: number): Promise<ImpactAssessment> {
    const assessment = await repos.impact.findById(workspaceId, id);
    if (!assessment) throw new AimsError('not_found', `There is no IA-${id} in this workspace.`, { hint: 'See them with “impact list”.' });
    return assessment;
  }
}

/** A system whose impact assessment is due: why, and the assessment awaiting sign-off, if one was written. */
export interface ImpactDue {
  system: AiSystem;
  reasons: ImpactReason[];
  /** Since when it is required (an instant): the change, or the system's last change. */
  since: string;
  /** YYYY-MM-DD: IMPACT_DUE_AFTER_DAYS after `since`. */
  due: string;
  pending: ImpactAssessment | undefined;
}

/**
 * Why a system needs a signed impact assessment now, inside the caller's read: in production or of EU AI Act
 * high risk with none signed, or a release of new training data or of code or architecture since the last signed one.
 */
export async function impactReasonsOf(repos: Repositories, system: AiSystem): Promise<{ reasons: ImpactReason[]; since: string }> {
  if (system.stage === 'retired') return { reasons: [], since: system.updatedAt };
  const signed = (await repos.impact.list(system.workspaceId, { aiSystemId: system.id, statuses: ['signed'] }))[0];
  const releases = (
    await repos.releases.list(system.workspaceId, { aiSystemId: system.id, statuses: ['pending', 'approved'] }, { limit: 1000, offset: 0 })
  ).items;
  return reasonsFrom(system, signed, releases);
}

/** Why a system needs an assessment, from its latest signed one and its pending or approved releases. */
function reasonsFrom(
  system: AiSystem,
  signed: ImpactAssessment | undefined,
  releases: readonly Release[],
): { reasons: ImpactReason[]; since: string } {
  if (system.stage === 'retired') return { reasons: [], since: system.updatedAt };
  const reasons: ImpactReason[] = [];
  if (!signed) {
    if (system.stage === 'production') reasons.push({ kind: 'production' });
    if (system.euRiskLevel === 'high') reasons.push({ kind: 'high-risk' });
  }
  for (const release of releases) {
    if (!IMPACT_CHANGE_TYPES.includes(release.changeType)) continue;
    if (signed?.signedAt && signed.signedAt >= release.createdAt) continue;
    reasons.push({ kind: 'release', releaseId: release.id, changeType: release.changeType });
  }
  const changes = releases.filter((r) => reasons.some((reason) => reason.kind === 'release' && reason.releaseId === r.id));
  const since = changes.map((r) => r.createdAt).sort()[0] ?? system.updatedAt;
  return { reasons, since };
}

/**
 * The systems of a workspace whose impact assessment is due, inside the caller's read: four queries for
 * the whole workspace (systems, signed and pending assessments, pending or approved releases), never a
 * query per system (status, digest and nudges call it).
 */
export async function impactsDue(repos: Repositories, workspaceId: number): Promise<ImpactDue[]> {
  const systems = (await repos.aiSystems.list(workspaceId, {}, { limit: 100_000, offset: 0 })).items;
  const pending = await repos.impact.list(workspaceId, { statuses: ['pending'] });
  // Newest first: the first signed one per system is its latest, as impactReasonsOf reads it.
  const signedOf = new Map<number, ImpactAssessment>();
  for (const assessment of await repos.impact.list(workspaceId, { statuses: ['signed'] }))
    if (!signedOf.has(assessment.aiSystemId)) signedOf.set(assessment.aiSystemId, assessment);
  const releasesOf = new Map<number, Release[]>();
  for (const release of (await repos.releases.list(workspaceId, { statuses: ['pending', 'approved'] }, { limit: 1_000_000, offset: 0 }))
    .items)
    releasesOf.set(release.aiSystemId, [...(releasesOf.get(release.aiSystemId) ?? []), release]);
  const due: ImpactDue[] = [];
  for (const system of systems) {
    const { reasons, since } = reasonsFrom(system, signedOf.get(system.id), releasesOf.get(system.id) ?? []);
    if (reasons.length > 0)
      due.push({
        system,
        reasons,
        since,
        due: addDays(since.slice(0, 10), IMPACT_DUE_AFTER_DAYS),
        pending: pending.find((a) => a.aiSystemId === system.id),
      });
  }
  return due;
}

/** A row of impact_due (the maintained aggregate of impactsDue's rule) as impactsDue gives it: the system, its reasons, its pending assessment. */
export async function impactDueOf(repos: Repositories, row: ImpactDueRow): Promise<ImpactDue | undefined> {
  const system = await repos.aiSystems.findById(row.workspaceId, row.aiSystemId);
  if (!system) return undefined;
  const { reasons } = await impactReasonsOf(repos, system);
  const pending = row.pendingId === null ? undefined : await repos.impact.findById(row.workspaceId, row.pendingId);
  return { system, reasons, since: row.since, due: row.due, pending };
}

/** Whether the release's system needs an impact assessment signed after this release (the release card says so). */
export async function impactDueForRelease(
  repos: Repositories,
  workspaceId: number,
  release: { id: number; aiSystemId: number },
): Promise<boolean> {
  const system = await repos.aiSystems.findById(workspaceId, release.aiSystemId);
  if (!system) return false;
  const { reasons } = await impactReasonsOf(repos, system);
  return reasons.some((reason) => reason.kind === 'release' && reason.releaseId === release.id);
}

/** The columns of `aims impact export`, in order (the README lists them). */
export const IMPACT_EXPORT_COLUMNS = [
  'id',
  'system',
  'version',
  'status',
  'author',
  'signed_by',
  'signed_at',
  'superseded_by',
  'intended_use',
  'foreseeable_misuse',
  'affected',
  'societal_impact',
  'harms',
  'max_severity',
  'max_likelihood',
  'mitigations',
  'risk_refs',
  'human_oversight',
  'created_at',
] as const;
export type ImpactExportRow = Record<(typeof IMPACT_EXPORT_COLUMNS)[number], string | number>;
