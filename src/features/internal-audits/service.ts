import type { Actor } from '../../core/actor.ts';
import { appendAuditBy } from '../../core/audit-trail.ts';
import { mapInTurn } from '../../core/in-turn.ts';
import { nameKeyOf } from '../../core/input/name-key.ts';
import type { Clock } from '../../core/clock.ts';
import { AimsError, fieldErrorsOf, invalidInput } from '../../core/errors.ts';
import { bindKey, claimBound, replayedRecord, replayOf } from '../../core/inbound-dedupe.ts';
import { personLabel, type Person } from '../../core/identity.ts';
import { queueDirect, subjectOf } from '../../core/outbox/outbox.ts';
import type { Repositories, UnitOfWork } from '../../core/ports.ts';
import type { AiSystem } from '../ai-systems/domain.ts';
import type { CorrectiveAction } from '../incidents/domain.ts';
import { addCorrectiveActions, checkCorrectiveAction, markCorrectiveActionDone } from '../incidents/service.ts';
import {
  auditKey,
  findingKey,
  INTERNAL_AUDIT_AUDIT,
  NC_GRADE_OF,
  ncKey,
  NONCONFORMITY_NOTICES,
  type AuditFinding,
  type InternalAudit,
  type Nonconformity,
} from './domain.ts';
import {
  auditPlanInputSchema,
  checkInputSchema,
  correctionInputSchema,
  findingInputSchema,
  nonconformityInputSchema,
  type AuditPlanInput,
} from './input.ts';
import type { AuditScope, OwnedRecord, ScopeOwnershipCheck } from './port.ts';

// The hook "records a person owns in scope" (ScopeOwnershipCheck in ./port.ts).
/** AI systems in scope: named in it, or all of the inventory when its area is. */
const ownedSystems: ScopeOwnershipCheck = async (repos, workspaceId, personId, scope) => {
  const systems = scope.areas.includes('ai-systems')
    ? (await repos.aiSystems.list(workspaceId, {}, { limit: 10_000, offset: 0 })).items
    : (await mapInTurn(scope.systemIds, async (id) => await repos.aiSystems.findById(workspaceId, id))).filter((s) => s !== undefined);
  return systems.filter((s) => s.ownerPersonId === personId).map((s) => ({ ref: s.name, what: `AI system ${s.name}` }));
};

/** Open risks in scope: the register when its area is, those of a system in scope, those a control in scope treats. */
const ownedRisks: ScopeOwnershipCheck = async (repos, workspaceId, personId, scope) =>
  (await repos.risks.all(workspaceId))
    .filter(
      (r) =>
        r.status === 'open' &&
        r.ownerPersonId === personId &&
        (scope.areas.includes('risks') ||
          r.systemIds.some((id) => scope.systemIds.includes(id)) ||
          r.controls.some((id) => scope.controls.includes(id))),
    )
    .map((r) => ({ ref: `R-${r.number}`, what: `risk R-${r.number} (${r.title})` }));

/** Policies in scope: all of them when the policies area is, or when the scope takes in the AI policy (clause 5.2, controls A.2.x). */
const ownedPolicies: ScopeOwnershipCheck = async (repos, workspaceId, personId, scope) =>
  scope.areas.includes('policies') || scope.clauses.includes('5.2') || scope.controls.some((id) => id.startsWith('A.2.'))
    ? (await repos.policies.all(workspaceId))
        .filter((p) => p.ownerPersonId === personId)
        .map((p) => ({ ref: `POL-${p.number}`, what: `policy POL-${p.number} (${p.name})` }))
    : [];

/** Every check, in the order refusals name what they found. */
export const SCOPE_OWNERSHIP_CHECKS: ScopeOwnershipCheck[] = [ownedSystems, ownedRisks, ownedPolicies];

/** The records `personId` owns in the scope, over every check. */
export async function recordsOwnedInScope(
  repos: Repositories,
  workspaceId: number,
  personId: number,
  scope: AuditScope,
  checks: readonly ScopeOwnershipCheck[] = SCOPE_OWNERSHIP_CHECKS,
): Promise<OwnedRecord[]> {
  const owned: OwnedRecord[] = [];
  for (const check of checks) owned.push(...(await check(repos, workspaceId, personId, scope)));
  return owned;
}

/** An audit with what its report shows. */
export interface AuditDetails {
  audit: InternalAudit;
  findings: AuditFinding[];
  nonconformities: Nonconformity[];
  actions: Map<number, CorrectiveAction>;
  systems: AiSystem[];
  people: Map<number, Person>;
}

/** A nonconformity with its corrective action and the people named. */
export interface NonconformityDetails {
  nc: Nonconformity;
  action: CorrectiveAction | undefined;
  finding: AuditFinding | undefined;
  people: Map<number, Person>;
}

/** Where a nonconformity's form was opened: the context keys of `nonconformity.log` (shared-17.md). */
export interface NonconformityOrigin {
  source?: string;
  ref?: string;
  /** The finding's id, when opened from a finding. */
  finding?: string;
}

const parsed = <T>(
  result:
    | { success: true; data: T }
    | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } },
): T => {
  if (!result.success) throw invalidInput(fieldErrorsOf(result.error.issues));
  return result.data;
};

/** The internal audit programme, its findings, and nonconformities followed to an effective correction (9.2, 10.2). */
export class InternalAuditService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
    private readonly ownershipChecks: readonly ScopeOwnershipCheck[] = SCOPE_OWNERSHIP_CHECKS,
  ) {}

  private now(): string {
    return this.clock.now().toISOString();
  }

  /**
   * Plans an audit (admins and leadership). The lead and each auditor are checked against the scope:
   * someone who owns a record in it would audit their own work, refused at their field naming the record.
   */
  async plan(actor: Actor, raw: unknown, submissionKey?: string): Promise<{ audit: InternalAudit; created: boolean }> {
    const at = this.now();
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, raw }) : undefined;
    return await this.store.write(async (repos) => {
      const existing = await replayedRecord(
        repos.dedupe,
        bound,
        'auditId',
        async (id) => await repos.internalAudits.findById(actor.workspaceId, id),
        (audit) => (audit ? auditKey(audit) : 'an audit'),
      );
      if (existing) return { audit: existing, created: false };
      if (!actor.roles.includes('admin') && !actor.roles.includes('leadership'))
        throw new AimsError('forbidden', 'Only admins and leadership can plan an internal audit.');
      const input = parsed(auditPlanInputSchema.safeParse(raw));
      await this.requireIndependent(repos, actor.workspaceId, input);
      const audit = await repos.internalAudits.insert({
        workspaceId: actor.workspaceId,
        number: await repos.internalAudits.nextNumber(actor.workspaceId),
        title: input.title,
        clauses: [...new Set(input.clauses)],
        controls: [...new Set(input.controls)],
        systemIds: [...new Set(input.systemIds)].sort((a, b) => a - b),
        areas: [...new Set(input.areas)],
        plannedStart: input.plannedStart,
        plannedEnd: input.plannedEnd,
        leadAuditorPersonId: input.leadAuditorPersonId,
        auditorPersonIds: [...new Set(input.auditorPersonIds)].filter((id) => id !== input.leadAuditorPersonId),
        status: 'planned',
        createdByPersonId: actor.personId,
        createdAt: at,
        updatedAt: at,
        completedAt: null,
      });
      await claimBound(repos.dedupe, bound, actor.workspaceId, at, { auditId: audit.id });
      await appendAuditBy(
        repos,
        actor,
        {
          workspaceId: actor.workspaceId,
          action: INTERNAL_AUDIT_AUDIT.planned,
          subject: `internal-audit:${audit.id}`,
          before: null,
          after: audit,
        },
        at,
      );
      // The auditors hear of it in a direct message with the audit's card.
      for (const personId of [audit.leadAuditorPersonId, ...audit.auditorPersonIds].filter((id) => id !== actor.personId))
        await queueDirect(repos, actor.workspaceId, subjectOf('internal-audit', audit.id), personId, 'internal-audit.assigned', at);
      return { audit, created: true };
    });
  }

  private async requireIndependent(repos: Repositories, workspaceId: number, input: AuditPlanInput): Promise<void> {
    const errors: Record<string, string> = {};
    for (const personId of [input.leadAuditorPersonId, ...input.auditorPersonIds]) {
      const person = await repos.people.findById(workspaceId, personId);
      const field = personId === input.leadAuditorPersonId ? 'leadAuditorPersonId' : 'auditorPersonIds';
      if (!person) {
        errors[field] ??= 'Choose people of this workspace.';
        continue;
      }
      const owned = await recordsOwnedInScope(repos, workspaceId, personId, input, this.ownershipChecks);
      if (owned.length > 0)
        errors[field] ??= `${personLabel(person)} owns ${owned
          .slice(0, 3)
          .map((record) => record.what)
          .join(
            ', ',
          )}${owned.length > 3 ? ` and ${owned.length - 3} more` : ''} in the scope of this audit: an auditor may not audit their own work. Choose someone else or change the scope.`;
    }
    if (Object.keys(errors).length > 0) throw invalidInput(errors);
  }

  /** Logs a finding (the lead or an auditor of the audit, until it is completed); the first starts the audit. */
  async logFinding(
    actor: Actor,
    number: number,
    raw: unknown,
    submissionKey?: string,
  ): Promise<{ audit: InternalAudit; finding: AuditFinding; created: boolean }> {
    const at = this.now();
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, number, raw }) : undefined;
    return await this.store.write(async (repos) => {
      const audit = await this.mustFind(repos, actor.workspaceId, number);
      const existing = await replayedRecord(
        repos.dedupe,
        bound,
        'findingId',
        async (id) => await repos.internalAudits.findFinding(actor.workspaceId, id),
        (finding) => (finding ? `${auditKey(audit)} ${findingKey(finding)}` : 'a finding'),
      );
      if (existing) return { audit, finding: existing, created: false };
      this.requireAuditor(actor, audit, 'log a finding in');
      if (audit.status === 'completed')
        throw new AimsError('conflict', `${auditKey(audit)} is completed: no more findings can be logged in it.`);
      const input = parsed(findingInputSchema.safeParse(raw));
      const finding = await repos.internalAudits.addFinding({
        workspaceId: actor.workspaceId,
        auditId: audit.id,
        kind: input.kind,
        clause: input.clause,
        description: input.description,
        recordRef: input.recordRef,
        createdByPersonId: actor.personId,
        createdAt: at,
      });
      if (audit.status === 'planned')
        await repos.internalAudits.update(actor.workspaceId, audit.id, { status: 'in-progress', updatedAt: at });
      await claimBound(repos.dedupe, bound, actor.workspaceId, at, { findingId: finding.id });
      await appendAuditBy(
        repos,
        actor,
        {
          workspaceId: actor.workspaceId,
          action: INTERNAL_AUDIT_AUDIT.finding,
          subject: `internal-audit:${audit.id}`,
          before: null,
          after: finding,
        },
        at,
      );
      return { audit: { ...audit, status: audit.status === 'planned' ? 'in-progress' : audit.status }, finding, created: true };
    });
  }

  /** Completes an audit (its lead or an admin): the report is final; nonconformities go on being followed. */
  async complete(actor: Actor, number: number): Promise<{ audit: InternalAudit; changed: boolean }> {
    const at = this.now();
    return await this.store.write(async (repos) => {
      const audit = await this.mustFind(repos, actor.workspaceId, number);
      if (audit.leadAuditorPersonId !== actor.personId && !actor.roles.includes('admin'))
        throw new AimsError('forbidden', `Only the lead auditor of ${auditKey(audit)} or an admin can complete it.`);
      if (audit.status === 'completed') return { audit, changed: false };
      await repos.internalAudits.update(actor.workspaceId, audit.id, { status: 'completed', completedAt: at, updatedAt: at });
      await appendAuditBy(
        repos,
        actor,
        {
          workspaceId: actor.workspaceId,
          action: INTERNAL_AUDIT_AUDIT.completed,
          subject: `internal-audit:${audit.id}`,
          before: { status: audit.status },
          after: { status: 'completed' },
        },
        at,
      );
      return { audit: { ...audit, status: 'completed', completedAt: at, updatedAt: at }, changed: true };
    });
  }

  /**
   * Logs a nonconformity from the `nonconformity.log` form. From an audit: the lead, an auditor or an
   * admin, of an audit of this workspace (and at most one per finding). From an objective: its ref as
   * the objectives area gave it. The owner is told in a direct message.
   */
  async logNonconformity(
    actor: Actor,
    origin: NonconformityOrigin,
    raw: Record<string, unknown>,
    submissionKey?: string,
  ): Promise<{ nc: Nonconformity; created: boolean }> {
    const at = this.now();
    const content = { ...raw, source: origin.source, ref: origin.ref };
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, origin, raw }) : undefined;
    return await this.store.write(async (repos) => {
      const replay = await replayedRecord(
        repos.dedupe,
        bound,
        'ncId',
        async (id) => await repos.nonconformities.findById(actor.workspaceId, id),
        (nc) => (nc ? ncKey(nc) : 'a nonconformity'),
      );
      if (replay) return { nc: replay, created: false };
      const input = parsed(nonconformityInputSchema.safeParse(content));
      let auditId: number | null = null;
      let findingId: number | null = null;
      if (input.source === 'audit') {
        const audit = await this.mustFind(repos, actor.workspaceId, Number(input.ref.slice(4)));
        this.requireAuditor(actor, audit, 'log a nonconformity of');
        auditId = audit.id;
        if (origin.finding) {
          const finding = await repos.internalAudits.findFinding(actor.workspaceId, Number(origin.finding));
          if (!finding || finding.auditId !== audit.id) throw new AimsError('not_found', `That finding is not one of ${auditKey(audit)}.`);
          if (!NC_GRADE_OF[finding.kind])
            throw new AimsError('conflict', `${auditKey(audit)} ${findingKey(finding)} is not a nonconformity: it raises none.`);
          const logged = await repos.nonconformities.findByFinding(actor.workspaceId, finding.id);
          if (logged) return { nc: logged, created: false };
          findingId = finding.id;
        }
      }
      if (!(await repos.people.findById(actor.workspaceId, input.ownerPersonId)))
        throw invalidInput({ ownerPersonId: 'Choose a person of this workspace.' });
      const nc = await repos.nonconformities.insert({
        workspaceId: actor.workspaceId,
        number: await repos.nonconformities.nextNumber(actor.workspaceId),
        source: input.source,
        sourceRef: input.ref,
        auditId,
        findingId,
        clause: input.clause,
        grade: input.grade,
        description: input.description,
        ownerPersonId: input.ownerPersonId,
        raisedByPersonId: actor.personId,
        status: 'open',
        correctiveActionId: null,
        checkerPersonId: null,
        createdAt: at,
        updatedAt: at,
        closedAt: null,
      });
      await claimBound(repos.dedupe, bound, actor.workspaceId, at, { ncId: nc.id });
      await appendAuditBy(
        repos,
        actor,
        {
          workspaceId: actor.workspaceId,
          action: INTERNAL_AUDIT_AUDIT.ncLogged,
          subject: `nonconformity:${nc.id}`,
          before: null,
          after: nc,
        },
        at,
      );
      if (nc.ownerPersonId !== actor.personId)
        await queueDirect(repos, actor.workspaceId, subjectOf('nonconformity', nc.id), nc.ownerPersonId, NONCONFORMITY_NOTICES.owner, at);
      return { nc, created: true };
    });
  }

  /**
   * Raises the corrective action of a nonconformity (its owner, the lead auditor of its audit or an admin):
   * one of the incidents area's corrective actions, linked to it, with the root cause; and who checks it.
   */
  async raiseAction(
    actor: Actor,
    number: number,
    raw: unknown,
    submissionKey?: string,
  ): Promise<{ nc: Nonconformity; action: CorrectiveAction; created: boolean }> {
    const at = this.now();
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, number, raw }) : undefined;
    return await this.store.write(async (repos) => {
      const nc = await this.mustFindNc(repos, actor.workspaceId, number);
      const replay = await replayOf(repos.dedupe, bound, () => ncKey(nc));
      const existing = nc.correctiveActionId === null ? undefined : await repos.actions.findById(actor.workspaceId, nc.correctiveActionId);
      if (replay && existing) return { nc, action: existing, created: false };
      if (existing) throw new AimsError('conflict', `${ncKey(nc)} has its corrective action already (#${existing.id}).`);
      await this.requireNcOwner(repos, actor, nc, 'raise the corrective action of');
      const input = parsed(correctionInputSchema.safeParse(raw));
      for (const [field, id] of [
        ['ownerPersonId', input.ownerPersonId],
        ['checkerPersonId', input.checkerPersonId],
      ] as const)
        if (!(await repos.people.findById(actor.workspaceId, id))) throw invalidInput({ [field]: 'Choose a person of this workspace.' });
      const [action] = await addCorrectiveActions(
        repos,
        actor,
        { nonconformityId: nc.id, rootCause: input.rootCause },
        [{ title: input.title, ownerPersonId: input.ownerPersonId, dueDate: input.dueDate }],
        at,
      );
      if (!action) throw new Error('no corrective action was recorded');
      const changes = { status: 'action' as const, correctiveActionId: action.id, checkerPersonId: input.checkerPersonId, updatedAt: at };
      await repos.nonconformities.update(actor.workspaceId, nc.id, changes);
      await claimBound(repos.dedupe, bound, actor.workspaceId, at, { ncId: nc.id, actionId: action.id });
      await appendAuditBy(
        repos,
        actor,
        {
          workspaceId: actor.workspaceId,
          action: INTERNAL_AUDIT_AUDIT.ncActionRaised,
          subject: `nonconformity:${nc.id}`,
          before: { status: nc.status },
          after: { ...changes, rootCause: input.rootCause },
        },
        at,
      );
      if (action.ownerPersonId !== actor.personId)
        await queueDirect(
          repos,
          actor.workspaceId,
          subjectOf('nonconformity', nc.id),
          action.ownerPersonId,
          NONCONFORMITY_NOTICES.actionAssigned,
          at,
        );
      return { nc: { ...nc, ...changes }, action, created: true };
    });
  }

  /** Marks a nonconformity's corrective action done (as the incidents area does) and asks the checker for the effectiveness check. */
  async actionDone(actor: Actor, number: number): Promise<{ nc: Nonconformity; action: CorrectiveAction; changed: boolean }> {
    const at = this.now();
    return await this.store.write(async (repos) => {
      const nc = await this.mustFindNc(repos, actor.workspaceId, number);
      if (nc.correctiveActionId === null) throw new AimsError('conflict', `${ncKey(nc)} has no corrective action yet.`);
      const { action, changed } = await markCorrectiveActionDone(repos, actor, nc.correctiveActionId, at);
      if (changed && nc.checkerPersonId !== null && nc.checkerPersonId !== actor.personId)
        await queueDirect(
          repos,
          actor.workspaceId,
          subjectOf('nonconformity', nc.id),
          nc.checkerPersonId,
          NONCONFORMITY_NOTICES.checkDue,
          at,
        );
      return { nc, action, changed };
    });
  }

  /**
   * The effectiveness check of a nonconformity's done action: by anyone but the action's owner. Passed
   * closes the nonconformity; failed opens the action again and tells its owner.
   */
  async check(
    actor: Actor,
    number: number,
    raw: unknown,
    submissionKey?: string,
  ): Promise<{ nc: Nonconformity; action: CorrectiveAction; changed: boolean }> {
    const at = this.now();
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, number, raw }) : undefined;
    return await this.store.write(async (repos) => {
      const nc = await this.mustFindNc(repos, actor.workspaceId, number);
      const current = nc.correctiveActionId === null ? undefined : await repos.actions.findById(actor.workspaceId, nc.correctiveActionId);
      if (!current) throw new AimsError('conflict', `${ncKey(nc)} has no corrective action to check yet.`);
      if (await replayOf(repos.dedupe, bound, () => ncKey(nc))) return { nc, action: current, changed: false };
      if (nc.status === 'closed') throw new AimsError('conflict', `${ncKey(nc)} is closed: its corrective action was found effective.`);
      const input = parsed(checkInputSchema.safeParse(raw));
      const action = await checkCorrectiveAction(repos, actor, current.id, input, at);
      const passed = input.result === 'passed';
      const changes = passed ? { status: 'closed' as const, closedAt: at, updatedAt: at } : { updatedAt: at };
      await repos.nonconformities.update(actor.workspaceId, nc.id, changes);
      await claimBound(repos.dedupe, bound, actor.workspaceId, at, { ncId: nc.id });
      await appendAuditBy(
        repos,
        actor,
        {
          workspaceId: actor.workspaceId,
          action: passed ? INTERNAL_AUDIT_AUDIT.ncClosed : INTERNAL_AUDIT_AUDIT.ncChecked,
          subject: `nonconformity:${nc.id}`,
          before: { status: nc.status },
          after: { ...changes, check: input.result, note: input.note },
        },
        at,
      );
      if (!passed)
        await queueDirect(
          repos,
          actor.workspaceId,
          subjectOf('nonconformity', nc.id),
          action.ownerPersonId,
          NONCONFORMITY_NOTICES.actionAssigned,
          at,
        );
      return { nc: { ...nc, ...changes }, action, changed: true };
    });
  }

  async list(workspaceId: number): Promise<{ audits: InternalAudit[]; findings: AuditFinding[]; nonconformities: Nonconformity[] }> {
    return await this.store.read(async (repos) => ({
      audits: await repos.internalAudits.all(workspaceId),
      findings: await repos.internalAudits.findings(workspaceId),
      nonconformities: await repos.nonconformities.all(workspaceId),
    }));
  }

  async nonconformities(workspaceId: number): Promise<{ items: Nonconformity[]; actions: Map<number, CorrectiveAction> }> {
    return await this.store.read(async (repos) => {
      const items = await repos.nonconformities.all(workspaceId);
      return { items, actions: await actionsOf(repos, workspaceId, items) };
    });
  }

  async details(workspaceId: number, number: number): Promise<AuditDetails> {
    return await this.store.read(
      async (repos) => await auditDetailsIn(repos, workspaceId, await this.mustFind(repos, workspaceId, number)),
    );
  }

  async detailsById(workspaceId: number, id: number): Promise<AuditDetails | undefined> {
    return await this.store.read(async (repos) => {
      const audit = await repos.internalAudits.findById(workspaceId, id);
      return audit ? await auditDetailsIn(repos, workspaceId, audit) : undefined;
    });
  }

  /**
   * Who owns a nonconformity logged from a finding, when the audit tells: the owner of the record the finding
   * concerns (R-3, INC-4, POL-2 or an AI system by name), else of the one AI system in the audit's scope.
   * The form starts with them; they raise the corrective action and are nudged until they do.
   */
  async ownerOfFinding(workspaceId: number, findingId: number): Promise<number | undefined> {
    return (
      (await this.store.read(async (repos): Promise<number | null | undefined> => {
        const finding = await repos.internalAudits.findFinding(workspaceId, findingId);
        if (!finding) return undefined;
        const ref = (finding.recordRef ?? '').trim();
        const numbered = (prefix: string) => {
          const match = new RegExp(`^${prefix}-?\\s?(\\d+)$`, 'i').exec(ref);
          return match ? Number(match[1]) : undefined;
        };
        const risk = numbered('R');
        if (risk !== undefined) return (await repos.risks.findByNumber(workspaceId, risk))?.ownerPersonId;
        const incident = numbered('INC');
        if (incident !== undefined) return (await repos.incidents.findByNumber(workspaceId, incident))?.ownerPersonId ?? undefined;
        const policy = numbered('POL');
        if (policy !== undefined) return (await repos.policies.findByNumber(workspaceId, policy))?.ownerPersonId;
        if (ref) {
          const system = await repos.aiSystems.findByNameKey(workspaceId, nameKeyOf(ref));
          if (system) return system.ownerPersonId;
        }
        const audit = await repos.internalAudits.findById(workspaceId, finding.auditId);
        if (audit?.systemIds.length !== 1) return undefined;
        return (await repos.aiSystems.findById(workspaceId, audit.systemIds[0] ?? 0))?.ownerPersonId;
      })) ?? undefined
    );
  }

  async finding(workspaceId: number, number: number, findingNumber: number): Promise<{ audit: InternalAudit; finding: AuditFinding }> {
    return await this.store.read(async (repos) => {
      const audit = await this.mustFind(repos, workspaceId, number);
      const finding = (await repos.internalAudits.findings(workspaceId, audit.id)).find((f) => f.number === findingNumber);
      if (!finding) throw new AimsError('not_found', `${auditKey(audit)} has no finding F${findingNumber}.`);
      return { audit, finding };
    });
  }

  async ncDetails(workspaceId: number, number: number): Promise<NonconformityDetails> {
    return await this.store.read(async (repos) => await ncDetailsIn(repos, workspaceId, await this.mustFindNc(repos, workspaceId, number)));
  }

  async ncDetailsById(workspaceId: number, id: number): Promise<NonconformityDetails | undefined> {
    return await this.store.read(async (repos) => {
      const nc = await repos.nonconformities.findById(workspaceId, id);
      return nc ? await ncDetailsIn(repos, workspaceId, nc) : undefined;
    });
  }

  private requireAuditor(actor: Actor, audit: InternalAudit, what: string): void {
    if (audit.leadAuditorPersonId === actor.personId || audit.auditorPersonIds.includes(actor.personId) || actor.roles.includes('admin'))
      return;
    throw new AimsError('forbidden', `Only the auditors of ${auditKey(audit)} can ${what} it.`);
  }

  private async requireNcOwner(repos: Repositories, actor: Actor, nc: Nonconformity, what: string): Promise<void> {
    if (nc.ownerPersonId === actor.personId || actor.roles.includes('admin')) return;
    const audit = nc.auditId === null ? undefined : await repos.internalAudits.findById(actor.workspaceId, nc.auditId);
    if (audit?.leadAuditorPersonId === actor.personId) return;
    const owner = await repos.people.findById(actor.workspaceId, nc.ownerPersonId);
    throw new AimsError(
      'forbidden',
      `Only the owner of ${ncKey(nc)}${owner ? ` (${personLabel(owner)})` : ''}, its lead auditor or an admin can ${what} it.`,
    );
  }

  private async mustFind(repos: Repositories, workspaceId: number, number: number): Promise<InternalAudit> {
    const audit = await repos.internalAudits.findByNumber(workspaceId, number);
    if (!audit)
      throw new AimsError('not_found', `There is no AUD-${number} in this workspace.`, { hint: 'See the programme with “audit list”.' });
    return audit;
  }

  private async mustFindNc(repos: Repositories, workspaceId: number, number: number): Promise<Nonconformity> {
    const nc = await repos.nonconformities.findByNumber(workspaceId, number);
    if (!nc) throw new AimsError('not_found', `There is no NC-${number} in this workspace.`, { hint: 'See the register with “audit nc”.' });
    return nc;
  }
}

/** The corrective actions of these nonconformities, by action id. */
export async function actionsOf(
  repos: Repositories,
  workspaceId: number,
  ncs: readonly Nonconformity[],
): Promise<Map<number, CorrectiveAction>> {
  const actions = new Map<number, CorrectiveAction>();
  for (const nc of ncs) {
    if (nc.correctiveActionId === null) continue;
    const action = await repos.actions.findById(workspaceId, nc.correctiveActionId);
    if (action) actions.set(action.id, action);
  }
  return actions;
}

async function peopleOf(repos: Repositories, workspaceId: number, ids: Iterable<number | null>): Promise<Map<number, Person>> {
  const people = new Map<number, Person>();
  for (const id of new Set(ids)) {
    if (id === null) continue;
    const person = await repos.people.findById(workspaceId, id);
    if (person) people.set(id, person);
  }
  return people;
}

/** An audit's report, read in the caller's unit (the card and the CLI's `audit report`). */
export async function auditDetailsIn(repos: Repositories, workspaceId: number, audit: InternalAudit): Promise<AuditDetails> {
  const findings = await repos.internalAudits.findings(workspaceId, audit.id);
  const nonconformities = (await repos.nonconformities.all(workspaceId)).filter((nc) => nc.auditId === audit.id);
  const actions = await actionsOf(repos, workspaceId, nonconformities);
  const systems: AiSystem[] = [];
  for (const id of audit.systemIds) {
    const system = await repos.aiSystems.findById(workspaceId, id);
    if (system) systems.push(system);
  }
  const people = await peopleOf(repos, workspaceId, [
    audit.leadAuditorPersonId,
    ...audit.auditorPersonIds,
    ...findings.map((f) => f.createdByPersonId),
    ...nonconformities.map((nc) => nc.ownerPersonId),
    ...[...actions.values()].flatMap((a) => [a.ownerPersonId, a.checkedByPersonId]),
  ]);
  return { audit, findings, nonconformities, actions, systems, people };
}

async function ncDetailsIn(repos: Repositories, workspaceId: number, nc: Nonconformity): Promise<NonconformityDetails> {
  const action = nc.correctiveActionId === null ? undefined : await repos.actions.findById(workspaceId, nc.correctiveActionId);
  const finding = nc.findingId === null ? undefined : await repos.internalAudits.findFinding(workspaceId, nc.findingId);
  const people = await peopleOf(repos, workspaceId, [
    nc.ownerPersonId,
    nc.raisedByPersonId,
    nc.checkerPersonId,
    action?.ownerPersonId ?? null,
    action?.checkedByPersonId ?? null,
  ]);
  return { nc, action, finding, people };
}
