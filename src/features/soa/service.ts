import { appendAuditBy } from '../../core/audit-trail.ts';
import type { Actor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import { AimsError, fieldErrorsOf, invalidInput } from '../../core/errors.ts';
import { personLabel, type Person } from '../../core/identity.ts';
import type { EvidenceSource } from '../../core/iso42001/evidence-coverage.ts';
import { evidenceWindowStart, kindsLiveAt, liveEvidence } from '../../core/iso42001/live-evidence.ts';
import { queuePosts, queueRefresh, subjectOf } from '../../core/outbox/outbox.ts';
import type { Repositories, UnitOfWork } from '../../core/ports.ts';
import { countDecisions, hasDecided, requireApprover, requireNotExcluded } from '../../core/sign-off/sign-off.ts';
import type { RoleHolder } from '../../core/roles.ts';
import { DEFAULT_APPROVALS } from '../../core/settings/workspace-settings.ts';
import {
  allEntries,
  annexControl,
  ANNEX_A_CONTROLS,
  lastEditorOf,
  SOA_AUDIT,
  soaContentHash,
  soaVersionKey,
  type SoaDecision,
  type SoaEntry,
  type SoaRow,
  type SoaVersion,
} from './domain.ts';
import { soaEntryInputSchema } from './input.ts';

/** The evidence sources of every area (the features list), looked up when counted. */
export type EvidenceSources = () => Promise<readonly EvidenceSource[]>;

/** The SoA of a workspace as it stands: every control's row, the versions, the one waiting for approval. */
export interface SoaOverview {
  rows: SoaRow[];
  contentHash: string;
  lastEditorPersonId: number | null;
  versions: SoaVersion[];
  /** The newest approved version, and whether the SoA changed since. */
  approved: SoaVersion | undefined;
  changedSinceApproved: boolean;
  pending: { version: SoaVersion; decisions: SoaDecision[] } | undefined;
  people: Map<number, Person>;
  approvers: RoleHolder[];
}

/**
 * The approval of the SoA as a versioned document: N distinct approvers, never the person who edited
 * it last, the content's sha256 with each decision; an edit while a version waits drops its approvals.
 * Kept behind this interface so it can move onto the shared sign-off engine without touching the rest.
 */
export interface SoaSignOff {
  pending(repos: Repositories, workspaceId: number): Promise<SoaVersion | undefined>;
  request(repos: Repositories, actor: Actor, contentHash: string, at: string): Promise<{ version: SoaVersion; created: boolean }>;
  approve(
    repos: Repositories,
    actor: Actor,
    version: SoaVersion,
    current: { contentHash: string; lastEditorPersonId: number | null },
    at: string,
  ): Promise<{ changed: boolean; approved: boolean }>;
  /** The content changed: a waiting version now asks for the new content and its approvals are dropped (returns who had approved). */
  contentChanged(repos: Repositories, actor: Actor, contentHash: string, at: string): Promise<number[]>;
}

/** The sign-off the way releases do it, over the area's own versions and decisions tables. */
export class SoaApprovals implements SoaSignOff {
  async pending(repos: Repositories, workspaceId: number): Promise<SoaVersion | undefined> {
    return (await repos.soa.versions(workspaceId)).find((version) => version.status === 'pending');
  }

  async request(repos: Repositories, actor: Actor, contentHash: string, at: string): Promise<{ version: SoaVersion; created: boolean }> {
    const versions = await repos.soa.versions(actor.workspaceId);
    const waiting = versions.find((version) => version.status === 'pending');
    if (waiting) return { version: waiting, created: false };
    const approved = versions.filter((version) => version.status === 'approved').at(-1);
    if (approved && approved.contentHash === contentHash)
      throw new AimsError('conflict', `${soaVersionKey(approved)} is approved and nothing changed since: there is nothing to approve.`);
    const version = await repos.soa.insertVersion({
      workspaceId: actor.workspaceId,
      version: (versions.at(-1)?.version ?? 0) + 1,
      status: 'pending',
      contentHash,
      approvalsNeeded: (await repos.settings.get(actor.workspaceId))?.defaultApprovals ?? DEFAULT_APPROVALS,
      requestedBy: actor.personId,
      createdAt: at,
      approvedAt: null,
    });
    await audit(repos, actor, SOA_AUDIT.approvalRequested, version.id, null, version, at);
    await queuePosts(repos, actor.workspaceId, subjectOf('soa', version.id), ['approvals'], at);
    return { version, created: true };
  }

  async approve(
    repos: Repositories,
    actor: Actor,
    version: SoaVersion,
    current: { contentHash: string; lastEditorPersonId: number | null },
    at: string,
  ): Promise<{ changed: boolean; approved: boolean }> {
    const key = soaVersionKey(version);
    if (version.status !== 'pending') throw new AimsError('conflict', `${key} was already ${version.status}.`);
    // The rules every signed subject shares (src/core/sign-off): approvers only, never the last editor,
    // a second click counts once, the decision records the sha256 of the content approved.
    await requireApprover(repos, actor, 'Only approvers can approve the Statement of Applicability.');
    requireNotExcluded(actor, current.lastEditorPersonId, `You edited the SoA last, so you cannot approve ${key}: someone else must.`);
    const asDecisions = async () =>
      (await repos.soa.decisions(version.id, true)).map((d) => ({ personId: d.personId, decision: 'approve', active: d.active }));
    if (hasDecided(await asDecisions(), actor.personId)) return { changed: false, approved: false };
    await repos.soa.addDecision({ versionId: version.id, personId: actor.personId, contentHash: current.contentHash, at, active: true });
    await audit(repos, actor, SOA_AUDIT.approvalGiven, version.id, null, { contentHash: current.contentHash }, at);
    const approvals = countDecisions(await asDecisions(), 'approve');
    if (approvals < version.approvalsNeeded) return { changed: true, approved: false };
    for (const older of await repos.soa.versions(actor.workspaceId))
      if (older.status === 'approved') await repos.soa.updateVersion(actor.workspaceId, older.id, { status: 'superseded' });
    await repos.soa.updateVersion(actor.workspaceId, version.id, { status: 'approved', approvedAt: at });
    await audit(
      repos,
      actor,
      SOA_AUDIT.approved,
      version.id,
      { status: 'pending' },
      { status: 'approved', approvals, contentHash: current.contentHash },
      at,
    );
    return { changed: true, approved: true };
  }

  async contentChanged(repos: Repositories, actor: Actor, contentHash: string, at: string): Promise<number[]> {
    const waiting = await this.pending(repos, actor.workspaceId);
    if (!waiting) return [];
    await repos.soa.updateVersion(actor.workspaceId, waiting.id, { contentHash });
    const dropped = await repos.soa.dropDecisions(waiting.id);
    if (dropped.length > 0)
      await audit(
        repos,
        actor,
        SOA_AUDIT.approvalsDropped,
        waiting.id,
        { approvers: dropped, contentHash: waiting.contentHash },
        { contentHash },
        at,
      );
    return dropped;
  }
}

async function audit(repos: Repositories, actor: Actor, action: string, versionId: number, before: unknown, after: unknown, at: string) {
  await appendAuditBy(repos, actor, { workspaceId: actor.workspaceId, action, subject: `soa:${versionId}`, before, after }, at);
}

/**
 * Every control's entry, and the ids of the controls with live evidence (what soaRows' `evidence.count > 0`
 * says), inside the caller's read: each area asked whether it has a record in the 12 months (a few EXISTS)
 * instead of counting them, and no owner read. What the status and digest lines need.
 */
export async function soaStanding(
  repos: Repositories,
  workspaceId: number,
  sources: readonly EvidenceSource[],
  now: Date,
): Promise<{ entries: SoaEntry[]; withEvidence: ReadonlySet<string> }> {
  const entries = allEntries(await repos.soa.entries(workspaceId));
  const live = await kindsLiveAt(repos, workspaceId, sources, now);
  const from = evidenceWindowStart(now);
  const named = new Set<string>();
  for (const source of sources)
    for (const [id, found] of (await source.byControl?.(repos, workspaceId, from)) ?? []) if (found.count > 0) named.add(id);
  const withEvidence = new Set(
    ANNEX_A_CONTROLS.filter((control) => named.has(control.id) || control.evidence.some((kind) => live.has(kind))).map(
      (control) => control.id,
    ),
  );
  return { entries, withEvidence };
}

/**
 * Every control's row (entry, owner, live evidence), inside the caller's read. The day of the last evidence
 * is found for the controls `dated` names (all by default; none: `() => false`).
 */
export async function soaRows(
  repos: Repositories,
  workspaceId: number,
  sources: readonly EvidenceSource[],
  now: Date,
  dated: (controlId: string) => boolean = () => true,
): Promise<SoaRow[]> {
  const entries = allEntries(await repos.soa.entries(workspaceId));
  const evidence = await liveEvidence(
    repos,
    workspaceId,
    sources,
    ANNEX_A_CONTROLS.flatMap((control) => control.evidence),
    now,
    new Set(ANNEX_A_CONTROLS.filter((control) => dated(control.id)).flatMap((control) => control.evidence)),
  );
  // Records that name the controls they apply (risks treated by a control), in the same 12 months.
  const from = evidenceWindowStart(now);
  const named = new Map<string, { count: number; latest: string }>();
  for (const source of sources)
    for (const [id, found] of (await source.byControl?.(repos, workspaceId, from)) ?? []) {
      const known = named.get(id);
      named.set(id, {
        count: (known?.count ?? 0) + found.count,
        latest: known && known.latest > found.latest ? known.latest : found.latest,
      });
    }
  const rows: SoaRow[] = [];
  for (const [i, control] of ANNEX_A_CONTROLS.entries()) {
    const entry = entries[i] as SoaEntry;
    const person = entry.ownerPersonId === null ? undefined : await repos.people.findById(workspaceId, entry.ownerPersonId);
    const naming = named.get(control.id);
    const kinds = [
      ...control.evidence.map((kind) => evidence.get(kind) ?? { count: 0, lastDate: null }),
      ...(naming ? [{ count: naming.count, lastDate: naming.latest.slice(0, 10) }] : []),
    ];
    rows.push({
      control,
      entry,
      owner: person ? { externalId: person.externalId, name: person.displayName ?? person.externalId } : null,
      evidence: {
        count: kinds.reduce((sum, kind) => sum + kind.count, 0),
        lastDate: kinds.reduce<string | null>(
          (last, kind) => (kind.lastDate && (!last || kind.lastDate > last) ? kind.lastDate : last),
          null,
        ),
      },
    });
  }
  return rows;
}

/** The Statement of Applicability (6.1.3 d): every Annex A control, its applicability, state, owner and live evidence. */
export class SoaService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
    private readonly sources: EvidenceSources,
    private readonly signOff: SoaSignOff = new SoaApprovals(),
  ) {}

  /** The summary; the day of the last evidence only for `datedControl` (counts are enough for the rest). */
  async overview(workspaceId: number, datedControl?: string): Promise<SoaOverview> {
    const sources = await this.sources();
    return await this.store.read(async (repos) => await this.overviewIn(repos, workspaceId, sources, datedControl));
  }

  /** One control's row; an id that is not in Annex A is refused. */
  async control(workspaceId: number, controlId: string): Promise<{ row: SoaRow; overview: SoaOverview }> {
    const control = requireControl(controlId);
    const overview = await this.overview(workspaceId, control.id);
    return { row: overview.rows.find((row) => row.control.id === control.id) as SoaRow, overview };
  }

  /** Changes one control's entry (admins and the control's owner); saving the same content changes nothing. */
  async edit(actor: Actor, raw: unknown): Promise<{ changed: boolean; controlId: string; droppedApprovers: number[] }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const parsed = soaEntryInputSchema.safeParse(raw);
      const errors = parsed.success ? {} : fieldErrorsOf(parsed.error.issues);
      const ownerPersonId = (raw as { ownerPersonId?: unknown } | null)?.ownerPersonId;
      if (typeof ownerPersonId === 'number' && !(await repos.people.findById(actor.workspaceId, ownerPersonId)))
        errors.ownerPersonId ??= 'The owner must be a person in this workspace.';
      if (!parsed.success || Object.keys(errors).length > 0) throw invalidInput(errors);
      const input = parsed.data;
      const before = allEntries(await repos.soa.entries(actor.workspaceId));
      const previous = before.find((entry) => entry.controlId === input.controlId) as SoaEntry;
      if (!actor.roles.includes('admin') && previous.ownerPersonId !== actor.personId) {
        const admins = (await repos.roles.holders(actor.workspaceId, 'admin')).map((holder) => personLabel(holder));
        throw new AimsError('forbidden', `Only an admin or the control's owner can change ${input.controlId} in the SoA.`, {
          hint: admins.length > 0 ? `Ask an admin: ${admins.join(', ')}.` : undefined,
        });
      }
      const next: SoaEntry = {
        controlId: input.controlId,
        applicable: input.applicable,
        justification: input.justification,
        state: input.state,
        ownerPersonId: input.ownerPersonId ?? null,
        updatedBy: actor.personId,
        updatedAt: at,
      };
      const after = before.map((entry) => (entry.controlId === next.controlId ? next : entry));
      const hash = soaContentHash(after);
      if (hash === soaContentHash(before)) return { changed: false, controlId: input.controlId, droppedApprovers: [] };
      await repos.soa.saveEntry(actor.workspaceId, { ...next, updatedBy: actor.personId, updatedAt: at });
      await repos.audit.append(
        {
          workspaceId: actor.workspaceId,
          actorPersonId: actor.personId,
          actor: actor.label,
          action: SOA_AUDIT.controlUpdated,
          subject: `soa-control:${input.controlId}`,
          before: previous,
          after: { ...next, contentHash: hash },
        },
        at,
      );
      const droppedApprovers = await this.signOff.contentChanged(repos, actor, hash, at);
      // The cards of the newest version (and of one waiting) show the true state: "changed since v3".
      const versions = await repos.soa.versions(actor.workspaceId);
      for (const version of versions.filter((v) => v.status !== 'superseded'))
        await queueRefresh(repos, actor.workspaceId, subjectOf('soa', version.id), at);
      return { changed: true, controlId: input.controlId, droppedApprovers };
    });
  }

  /** Puts the SoA as it stands up for approval (posted to the approvals channel); a version already waiting is returned. */
  async requestApproval(actor: Actor): Promise<{ version: SoaVersion; created: boolean }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const entries = allEntries(await repos.soa.entries(actor.workspaceId));
      return await this.signOff.request(repos, actor, soaContentHash(entries), at);
    });
  }

  /** An approver approves the version waiting (`seen`: the content hash of the card they clicked). */
  async approve(actor: Actor, versionId: number, seen?: string): Promise<{ version: SoaVersion; changed: boolean; approved: boolean }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const version = await repos.soa.findVersion(actor.workspaceId, versionId);
      if (!version) throw new AimsError('not_found', `There is no SoA version #${versionId} in this workspace.`);
      const entries = allEntries(await repos.soa.entries(actor.workspaceId));
      const contentHash = soaContentHash(entries);
      if (version.status === 'pending' && seen !== undefined && seen !== version.contentHash)
        throw new AimsError(
          'conflict',
          `The SoA was edited since you saw ${soaVersionKey(version)}. Here it is as it stands now; please look again.`,
        );
      const outcome = await this.signOff.approve(repos, actor, version, { contentHash, lastEditorPersonId: lastEditorOf(entries) }, at);
      if (outcome.changed) await queueRefresh(repos, actor.workspaceId, subjectOf('soa', version.id), at);
      return { version: (await repos.soa.findVersion(actor.workspaceId, versionId)) ?? version, ...outcome };
    });
  }

  /** The version waiting for approval, if any. */
  async pendingVersion(workspaceId: number): Promise<SoaVersion | undefined> {
    return await this.store.read(async (repos) => await this.signOff.pending(repos, workspaceId));
  }

  /** Audits where a version's card was posted (the outbox tracks the copy). */
  async recordPost(workspaceId: number, versionId: number, post: { channelId: string; messageId: string }): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.store.write(async (repos) => {
      await repos.audit.append(
        {
          workspaceId,
          actorPersonId: null,
          actor: 'system',
          action: SOA_AUDIT.posted,
          subject: `soa:${versionId}`,
          before: null,
          after: post,
        },
        at,
      );
    });
  }

  async people(workspaceId: number): Promise<Person[]> {
    return await this.store.read(async (repos) => await repos.people.list(workspaceId, 1000));
  }

  private async overviewIn(
    repos: Repositories,
    workspaceId: number,
    sources: readonly EvidenceSource[],
    datedControl: string | undefined,
  ): Promise<SoaOverview> {
    const rows = await soaRows(repos, workspaceId, sources, this.clock.now(), (id) => id === datedControl);
    const entries = rows.map((row) => row.entry);
    const contentHash = soaContentHash(entries);
    const versions = await repos.soa.versions(workspaceId);
    const approved = versions.filter((version) => version.status === 'approved').at(-1);
    const waiting = versions.find((version) => version.status === 'pending');
    const decisions = waiting ? await repos.soa.decisions(waiting.id, true) : [];
    const people = new Map<number, Person>();
    for (const personId of new Set(decisions.map((decision) => decision.personId))) {
      const person = await repos.people.findById(workspaceId, personId);
      if (person) people.set(personId, person);
    }
    return {
      rows,
      contentHash,
      lastEditorPersonId: lastEditorOf(entries),
      versions,
      approved,
      changedSinceApproved: approved !== undefined && approved.contentHash !== contentHash,
      pending: waiting ? { version: waiting, decisions } : undefined,
      people,
      approvers: await repos.roles.holders(workspaceId, 'approver'),
    };
  }
}

/** The Annex A control of an id, or a refusal naming what was typed. */
export function requireControl(controlId: string): (typeof ANNEX_A_CONTROLS)[number] {
  const control = annexControl(controlId);
  if (!control)
    throw new AimsError('invalid_input', `${controlId.trim() || 'That'} is not an Annex A control.`, {
      hint: 'Use an id such as A.6.2.6 (see “soa” for all 38).',
    });
  return control;
}
