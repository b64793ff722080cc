import { appendAuditBy } from '../../core/audit-trail.ts';
import type { Actor } from '../../core/actor.ts';
import { addDays } from '../../core/calendar-days.ts';
import type { Clock } from '../../core/clock.ts';
import { AimsError, fieldErrorsOf, invalidInput } from '../../core/errors.ts';
import { bindKey, claimBound, replayedRecord, replayOf } from '../../core/inbound-dedupe.ts';
import type { Person } from '../../core/identity.ts';
import { queueDirect, queuePosts, queueRefresh, subjectOf } from '../../core/outbox/outbox.ts';
import type { Repositories, UnitOfWork } from '../../core/ports.ts';
import type { RoleHolder } from '../../core/roles.ts';
import { DEFAULT_APPROVALS } from '../../core/settings/workspace-settings.ts';
import { countDecisions, hasDecided, requireApprover, requireNotExcluded, requireSeen, signOffHash } from '../../core/sign-off/sign-off.ts';
import type { AiSystem } from '../ai-systems/domain.ts';
import {
  DEFAULT_THRESHOLDS,
  levelOf,
  MATERIAL_FIELDS,
  needsAcceptance,
  RISK_AUDIT,
  RISK_NOTICES,
  riskKey,
  type AcceptanceState,
  type LevelThresholds,
  type Risk,
  type RiskAction,
  type RiskDecision,
  type RiskStatus,
} from './domain.ts';
import { riskInputSchema, thresholdsInputSchema, type RiskInput } from './input.ts';

/** One risk with what its card shows. */
export interface RiskDetails {
  risk: Risk;
  systems: AiSystem[];
  actions: RiskAction[];
  decisions: RiskDecision[];
  people: Map<number, Person>;
  /** Who holds the approver role (the card asks those who may and have not accepted). */
  approvers: RoleHolder[];
  thresholds: LevelThresholds;
}

export type RiskFilter = 'open' | 'mine' | 'high' | { aiSystemId: number };

/** Parses "R-3", "r3", "#3" or "3". */
export function parseRiskRef(ref: string | undefined): number | undefined {
  const match = /^(?:r[-\s]?|#)?(\d+)$/i.exec((ref ?? '').trim());
  return match ? Number(match[1]) : undefined;
}

/** What a decision the service took looked like to the person who clicked. */
export type AcceptOutcome = { risk: Risk; changed: boolean; accepted: boolean };

/** The AI risk register, its treatment and the acceptance of residual risk (6.1.2, 6.1.3, 8.2, 8.3). */
export class RiskService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  private async audit(
    repos: Repositories,
    actor: Actor | null,
    workspaceId: number,
    action: string,
    subject: string,
    before: unknown,
    after: unknown,
    at: string,
  ) {
    await appendAuditBy(repos, actor, { workspaceId, action, subject, before, after }, at);
  }

  async thresholds(workspaceId: number): Promise<LevelThresholds> {
    return await this.store.read(async (repos) => (await repos.risks.thresholds(workspaceId)) ?? DEFAULT_THRESHOLDS);
  }

  /** Sets where the levels start on the matrix (admins); existing risks keep the levels they were given until edited. */
  async setThresholds(actor: Actor, raw: unknown): Promise<LevelThresholds> {
    if (!actor.roles.includes('admin')) throw new AimsError('forbidden', 'Only admins can set the risk level thresholds.');
    const parsed = thresholdsInputSchema.safeParse(raw);
    if (!parsed.success)
      throw new AimsError('invalid_input', parsed.error.issues[0]?.message ?? 'Those thresholds are not valid.', {
        hint: 'Example: risk levels 5 10 20 (medium from 5, high from 10, critical from 20, on likelihood x impact 1..25)',
      });
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const before = await repos.risks.thresholds(actor.workspaceId);
      await repos.risks.setThresholds(actor.workspaceId, parsed.data, at);
      await this.audit(
        repos,
        actor,
        actor.workspaceId,
        RISK_AUDIT.levelsSet,
        `workspace:${actor.workspaceId}`,
        before ?? null,
        parsed.data,
        at,
      );
      return parsed.data;
    });
  }

  /**
   * Adds a risk with its treatment actions; a residual level of high or critical asks for acceptance in the
   * approvals channel. A repeated submission (same key, same content) returns the risk it created.
   */
  async add(actor: Actor, raw: unknown, submissionKey?: string): Promise<{ risk: Risk; created: boolean }> {
    const at = this.clock.now().toISOString();
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, raw }) : undefined;
    return await this.store.write(async (repos) => {
      if (bound) {
        const existing = await replayedRecord(
          repos.dedupe,
          bound,
          'riskId',
          async (id) => await repos.risks.findById(actor.workspaceId, id),
          (risk) => (risk ? riskKey(risk) : 'a risk'),
        );
        if (existing) return { risk: existing, created: false };
      }
      const input = await this.validate(repos, actor, raw);
      const content = await this.contentOf(repos, actor.workspaceId, input, at);
      const risk = await repos.risks.insert({
        ...content,
        workspaceId: actor.workspaceId,
        number: await repos.risks.nextNumber(actor.workspaceId),
        status: 'open',
        acceptance: needsAcceptance(content.residualLevel) ? 'pending' : 'not-needed',
        lastEditorPersonId: actor.personId,
        createdAt: at,
        acceptedAt: null,
      });
      const actions = await this.addActions(repos, actor, risk, input, at);
      await claimBound(repos.dedupe, bound, actor.workspaceId, at, { riskId: risk.id });
      await this.audit(
        repos,
        actor,
        actor.workspaceId,
        RISK_AUDIT.added,
        `risk:${risk.id}`,
        null,
        { ...risk, actions: actions.map((a) => a.id) },
        at,
      );
      if (risk.acceptance === 'pending') await this.askAcceptance(repos, actor, risk, at);
      return { risk, created: true };
    });
  }

  /**
   * Changes a risk (its owner, its last editor or an admin). A material change (levels, treatment, plan,
   * systems) drops the acceptances given, asks again and tells those who had accepted; the same content
   * changes nothing. New treatment actions are added to the ones it has.
   */
  async edit(
    actor: Actor,
    number: number,
    raw: unknown,
    submissionKey?: string,
  ): Promise<{ risk: Risk; changed: boolean; material: boolean; dropped: number[] }> {
    const at = this.clock.now().toISOString();
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, number, raw }) : undefined;
    return await this.store.write(async (repos) => {
      const before = await this.mustFind(repos, actor.workspaceId, number);
      // A double submit of the same form is answered as the first was: its new actions are added once.
      if (bound && (await replayOf(repos.dedupe, bound, () => riskKey(before))))
        return { risk: before, changed: false, material: false, dropped: [] };
      if (before.ownerPersonId !== actor.personId && before.lastEditorPersonId !== actor.personId && !actor.roles.includes('admin'))
        throw new AimsError('forbidden', `Only the owner of ${riskKey(before)} or an admin can edit it.`);
      const input = await this.validate(repos, actor, raw);
      const content = await this.contentOf(repos, actor.workspaceId, input, at, before);
      if (content.contentHash === before.contentHash && input.actions.length === 0)
        return { risk: before, changed: false, material: false, dropped: [] };
      const material = MATERIAL_FIELDS.some((field) => JSON.stringify(content[field]) !== JSON.stringify(before[field]));
      const dropped = material ? await repos.risks.dropDecisions(before.id) : [];
      const acceptance: AcceptanceState = needsAcceptance(content.residualLevel)
        ? material || before.acceptance === 'not-needed'
          ? 'pending'
          : before.acceptance
        : 'not-needed';
      const changes = {
        ...content,
        acceptance,
        lastEditorPersonId: actor.personId,
        ...(acceptance === 'accepted' ? {} : { acceptedAt: null }),
      };
      await repos.risks.update(actor.workspaceId, before.id, changes);
      const risk: Risk = { ...before, ...changes };
      const actions = await this.addActions(repos, actor, risk, input, at);
      await claimBound(repos.dedupe, bound, actor.workspaceId, at, { riskId: risk.id });
      await this.audit(
        repos,
        actor,
        actor.workspaceId,
        RISK_AUDIT.edited,
        `risk:${risk.id}`,
        { contentHash: before.contentHash, acceptance: before.acceptance, residualLevel: before.residualLevel },
        { ...changes, material, actions: actions.map((a) => a.id) },
        at,
      );
      if (dropped.length > 0)
        await this.audit(
          repos,
          actor,
          actor.workspaceId,
          RISK_AUDIT.acceptancesDropped,
          `risk:${risk.id}`,
          { acceptedBy: dropped },
          { contentHash: risk.contentHash },
          at,
        );
      await queueRefresh(repos, actor.workspaceId, subjectOf('risk', risk.id), at);
      // Those who had accepted are told (the person who changed it knows).
      for (const personId of dropped.filter((id) => id !== actor.personId))
        await queueDirect(repos, actor.workspaceId, subjectOf('risk', risk.id), personId, RISK_NOTICES.acceptanceDropped, at);
      // Asked again: the card in the approvals channel (posted now if it had none) shows it pending, and the owner is asked.
      if (acceptance === 'pending' && (material || before.acceptance === 'not-needed'))
        await this.askAcceptance(repos, actor, risk, at, dropped);
      return { risk, changed: true, material, dropped };
    });
  }

  /**
   * Accepts the residual risk, checked at every click: the owner, or an approver who did not last edit it;
   * the content the person saw; once per person. The owner and N approvers accept it.
   */
  async accept(actor: Actor, number: number, seenContentHash?: string): Promise<AcceptOutcome> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const risk = await this.mustFind(repos, actor.workspaceId, number);
      const key = riskKey(risk);
      if (risk.acceptance === 'not-needed')
        throw new AimsError('conflict', `${key} has a ${risk.residualLevel} residual risk: it needs no acceptance.`);
      if (risk.acceptance === 'accepted') throw new AimsError('conflict', `${key} is already accepted.`);
      requireSeen(key, risk.contentHash, seenContentHash);
      const role: RiskDecision['role'] = risk.ownerPersonId === actor.personId ? 'owner' : 'approver';
      if (role === 'approver') {
        // Who may not accept at all hears that first ("another approver must" would tell a non-approver they are one).
        await requireApprover(repos, actor, 'Only the risk owner and approvers can accept a residual risk.');
        requireNotExcluded(actor, risk.lastEditorPersonId, `You last edited ${key}, so you cannot accept it: another approver must.`);
      }
      if (hasDecided(await repos.risks.decisions(risk.id, true), actor.personId)) return { risk, changed: false, accepted: false };
      await repos.risks.addDecision({
        riskId: risk.id,
        personId: actor.personId,
        role,
        decision: 'accept',
        contentHash: risk.contentHash,
        at,
        active: true,
      });
      await this.audit(
        repos,
        actor,
        actor.workspaceId,
        RISK_AUDIT.acceptanceGiven,
        `risk:${risk.id}`,
        null,
        { role, contentHash: risk.contentHash },
        at,
      );
      await queueRefresh(repos, actor.workspaceId, subjectOf('risk', risk.id), at);
      const decisions = await repos.risks.decisions(risk.id, true);
      // The owner now (an edit may have named another): their acceptance, and N approvers besides.
      const ownerAccepted = decisions.some((d) => d.personId === risk.ownerPersonId);
      const approvals = countDecisions(decisions, 'accept', [risk.ownerPersonId]);
      if (!ownerAccepted || approvals < risk.approvalsNeeded) return { risk, changed: true, accepted: false };
      await repos.risks.update(actor.workspaceId, risk.id, { acceptance: 'accepted', acceptedAt: at });
      await this.audit(
        repos,
        actor,
        actor.workspaceId,
        RISK_AUDIT.accepted,
        `risk:${risk.id}`,
        { acceptance: 'pending' },
        { acceptance: 'accepted', approvals, contentHash: risk.contentHash },
        at,
      );
      return { risk: { ...risk, acceptance: 'accepted', acceptedAt: at }, changed: true, accepted: true };
    });
  }

  /** Records that the risk was reviewed (its owner or an admin): the next review is one cadence from today. */
  async reviewed(actor: Actor, number: number): Promise<Risk> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const risk = await this.mustFind(repos, actor.workspaceId, number);
      if (risk.ownerPersonId !== actor.personId && !actor.roles.includes('admin'))
        throw new AimsError('forbidden', `Only the owner of ${riskKey(risk)} or an admin can record its review.`);
      const nextReviewDate = addDays(at.slice(0, 10), risk.reviewEveryDays);
      await repos.risks.update(actor.workspaceId, risk.id, { nextReviewDate, updatedAt: at });
      await this.audit(
        repos,
        actor,
        actor.workspaceId,
        RISK_AUDIT.reviewed,
        `risk:${risk.id}`,
        { nextReviewDate: risk.nextReviewDate },
        { nextReviewDate },
        at,
      );
      await queueRefresh(repos, actor.workspaceId, subjectOf('risk', risk.id), at);
      return { ...risk, nextReviewDate, updatedAt: at };
    });
  }

  /**
   * Closes a risk that no longer applies (the system retired, the cause removed), or opens it again: its
   * owner or an admin. A closed risk leaves the matrix, the status, the digest and the nudges (its review
   * and its open treatment actions); it stays in the register and its export. The same again changes nothing.
   */
  async setStatus(actor: Actor, number: number, status: RiskStatus): Promise<{ risk: Risk; changed: boolean }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const risk = await this.mustFind(repos, actor.workspaceId, number);
      if (risk.ownerPersonId !== actor.personId && !actor.roles.includes('admin'))
        throw new AimsError(
          'forbidden',
          `Only the owner of ${riskKey(risk)} or an admin can ${status === 'closed' ? 'close' : 'reopen'} it.`,
        );
      if (risk.status === status) return { risk, changed: false };
      await repos.risks.update(actor.workspaceId, risk.id, { status, updatedAt: at });
      await this.audit(
        repos,
        actor,
        actor.workspaceId,
        status === 'closed' ? RISK_AUDIT.closed : RISK_AUDIT.reopened,
        `risk:${risk.id}`,
        { status: risk.status },
        { status },
        at,
      );
      await queueRefresh(repos, actor.workspaceId, subjectOf('risk', risk.id), at);
      return { risk: { ...risk, status, updatedAt: at }, changed: true };
    });
  }

  /** Marks a treatment action done (its owner, the risk owner or an admin). */
  async actionDone(actor: Actor, actionId: number): Promise<{ action: RiskAction; risk: Risk; changed: boolean }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const action = await repos.risks.findAction(actor.workspaceId, actionId);
      if (!action) throw new AimsError('not_found', `There is no treatment action #${actionId} in this workspace.`);
      const risk = (await repos.risks.findById(actor.workspaceId, action.riskId)) as Risk;
      if (action.status === 'done') return { action, risk, changed: false };
      if (action.ownerPersonId !== actor.personId && risk.ownerPersonId !== actor.personId && !actor.roles.includes('admin'))
        throw new AimsError('forbidden', 'Only the action’s owner, the risk owner or an admin can mark it done.');
      await repos.risks.markActionDone(actor.workspaceId, actionId, at);
      await this.audit(
        repos,
        actor,
        actor.workspaceId,
        RISK_AUDIT.actionDone,
        `risk_action:${actionId}`,
        { status: 'open' },
        { status: 'done', doneAt: at },
        at,
      );
      await queueRefresh(repos, actor.workspaceId, subjectOf('risk', risk.id), at);
      return { action: { ...action, status: 'done', doneAt: at }, risk, changed: true };
    });
  }

  /** Audits where a card was posted (the outbox tracks the copy). */
  async recordPost(workspaceId: number, id: number, post: { channelId: string; messageId: string }): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.store.write(async (repos) => {
      if (!(await repos.risks.findById(workspaceId, id))) return;
      await this.audit(repos, null, workspaceId, RISK_AUDIT.posted, `risk:${id}`, null, post, at);
    });
  }

  async details(workspaceId: number, number: number): Promise<RiskDetails> {
    return await this.store.read(
      async (repos) => await this.detailsIn(repos, workspaceId, await this.mustFind(repos, workspaceId, number)),
    );
  }

  async detailsById(workspaceId: number, id: number): Promise<RiskDetails | undefined> {
    return await this.store.read(async (repos) => {
      const risk = await repos.risks.findById(workspaceId, id);
      return risk ? await this.detailsIn(repos, workspaceId, risk) : undefined;
    });
  }

  private async detailsIn(repos: Repositories, workspaceId: number, risk: Risk): Promise<RiskDetails> {
    const actions = await repos.risks.actions(workspaceId, { riskId: risk.id });
    const decisions = await repos.risks.decisions(risk.id, false);
    const people = new Map<number, Person>();
    for (const personId of new Set([
      risk.ownerPersonId,
      risk.lastEditorPersonId,
      ...actions.map((a) => a.ownerPersonId),
      ...decisions.map((d) => d.personId),
    ])) {
      const person = await repos.people.findById(workspaceId, personId);
      if (person) people.set(personId, person);
    }
    const systems: AiSystem[] = [];
    for (const id of risk.systemIds) {
      const system = await repos.aiSystems.findById(workspaceId, id);
      if (system) systems.push(system);
    }
    return {
      risk,
      systems,
      actions,
      decisions,
      people,
      approvers: await repos.roles.holders(workspaceId, 'approver'),
      thresholds: (await repos.risks.thresholds(workspaceId)) ?? DEFAULT_THRESHOLDS,
    };
  }

  /** The register, filtered: open, mine (owned by me or an action of mine), high (residual high or critical), or one system's. */
  async list(actor: Actor, filter?: RiskFilter): Promise<Risk[]> {
    return await this.store.read(async (repos) => {
      const all = await repos.risks.all(actor.workspaceId);
      if (filter === undefined) return all;
      if (filter === 'open') return all.filter((r) => r.status === 'open');
      if (filter === 'high') return all.filter((r) => r.status === 'open' && needsAcceptance(r.residualLevel));
      if (filter === 'mine') {
        const mine = new Set(
          (await repos.risks.actions(actor.workspaceId, { status: 'open' }))
            .filter((a) => a.ownerPersonId === actor.personId)
            .map((a) => a.riskId),
        );
        return all.filter((r) => r.ownerPersonId === actor.personId || mine.has(r.id));
      }
      return all.filter((r) => r.systemIds.includes(filter.aiSystemId));
    });
  }

  /** The open risks that name each Annex A control as treating them ("A.6.2.6" -> ["R-1"]): for the SoA's justifications. */
  async risksByControl(workspaceId: number): Promise<Map<string, string[]>> {
    const byControl = new Map<string, string[]>();
    for (const risk of await this.store.read(async (repos) => await repos.risks.all(workspaceId)))
      if (risk.status === 'open') for (const id of risk.controls) byControl.set(id, [...(byControl.get(id) ?? []), riskKey(risk)]);
    return byControl;
  }

  private async askAcceptance(repos: Repositories, actor: Actor, risk: Risk, at: string, alreadyTold: number[] = []): Promise<void> {
    await queuePosts(repos, actor.workspaceId, subjectOf('risk', risk.id), ['approvals'], at);
    if (risk.ownerPersonId !== actor.personId && !alreadyTold.includes(risk.ownerPersonId))
      await queueDirect(repos, actor.workspaceId, subjectOf('risk', risk.id), risk.ownerPersonId, RISK_NOTICES.acceptanceAsked, at);
  }

  private async addActions(repos: Repositories, actor: Actor, risk: Risk, input: RiskInput, at: string): Promise<RiskAction[]> {
    const added: RiskAction[] = [];
    for (const action of input.actions) {
      const record = await repos.risks.addAction({
        workspaceId: actor.workspaceId,
        riskId: risk.id,
        title: action.title,
        ownerPersonId: action.ownerPersonId,
        dueDate: action.dueDate,
        status: 'open',
        doneAt: null,
        createdAt: at,
      });
      await this.audit(repos, actor, actor.workspaceId, RISK_AUDIT.actionCreated, `risk_action:${record.id}`, null, record, at);
      added.push(record);
    }
    return added;
  }

  /** The zod schema, then what needs the store: people and systems of this workspace, accept of a critical residual. */
  private async validate(repos: Repositories, actor: Actor, raw: unknown): Promise<RiskInput> {
    const parsed = riskInputSchema.safeParse(raw);
    if (!parsed.success)
      throw invalidInput(
        fieldErrorsOf(
          parsed.error.issues.map((issue) => ({
            ...issue,
            path: issue.path[0] === 'actions' ? [`actions.${String(issue.path[1])}.${String(issue.path[2] ?? '')}`] : issue.path,
          })),
        ),
      );
    const input = parsed.data;
    const errors: Record<string, string> = {};
    if (!(await repos.people.findById(actor.workspaceId, input.ownerPersonId)))
      errors.ownerPersonId = 'The risk owner must be a person of this workspace.';
    for (const [index, action] of input.actions.entries())
      if (!(await repos.people.findById(actor.workspaceId, action.ownerPersonId)))
        errors[`actions.${index}.ownerPersonId`] = 'The owner of the action must be a person of this workspace.';
    for (const id of input.systemIds)
      if (!(await repos.aiSystems.findById(actor.workspaceId, id))) errors.systemIds = 'Choose AI systems of this workspace.';
    const thresholds = (await repos.risks.thresholds(actor.workspaceId)) ?? DEFAULT_THRESHOLDS;
    const residual = levelOf(input.residualLikelihood, input.residualImpact, thresholds);
    if (input.treatment === 'accept' && residual === 'critical' && !input.acceptanceRationale)
      errors.treatment =
        'A critical residual risk is accepted only with an acceptance: give the acceptance rationale (the owner and approvers then sign it), or treat it otherwise.';
    if (Object.keys(errors).length > 0) throw invalidInput(errors);
    return input;
  }

  /** The stored content of a risk from its input: levels from the matrix, the next review, the hash acceptances record. */
  private async contentOf(repos: Repositories, workspaceId: number, input: RiskInput, at: string, before?: Risk) {
    const thresholds = (await repos.risks.thresholds(workspaceId)) ?? DEFAULT_THRESHOLDS;
    const approvalsNeeded = before?.approvalsNeeded ?? (await repos.settings.get(workspaceId))?.defaultApprovals ?? DEFAULT_APPROVALS;
    const fields = {
      title: input.title,
      description: input.description,
      systemIds: [...new Set(input.systemIds)].sort((a, b) => a - b),
      category: input.category,
      phase: input.phase,
      ownerPersonId: input.ownerPersonId,
      inherentLikelihood: input.inherentLikelihood,
      inherentImpact: input.inherentImpact,
      inherentLevel: levelOf(input.inherentLikelihood, input.inherentImpact, thresholds),
      treatment: input.treatment,
      plan: input.plan,
      controls: [...new Set(input.controls)],
      residualLikelihood: input.residualLikelihood,
      residualImpact: input.residualImpact,
      residualLevel: levelOf(input.residualLikelihood, input.residualImpact, thresholds),
      acceptanceRationale: input.acceptanceRationale,
      reviewEveryDays: input.reviewEveryDays,
    };
    const today = at.slice(0, 10);
    const nextReviewDate =
      before && before.reviewEveryDays === input.reviewEveryDays ? before.nextReviewDate : addDays(today, input.reviewEveryDays);
    return { ...fields, approvalsNeeded, nextReviewDate, contentHash: signOffHash({ ...fields, approvalsNeeded }), updatedAt: at };
  }

  private async mustFind(repos: Repositories, workspaceId: number, number: number): Promise<Risk> {
    const risk = await repos.risks.findByNumber(workspaceId, number);
    if (!risk)
      throw new AimsError('not_found', `There is no R-${number} in this workspace.`, { hint: 'See the register with “risk list”.' });
    return risk;
  }
}
