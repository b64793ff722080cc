import { appendAuditBy } from '../../core/audit-trail.ts';
import type { Actor } from '../../core/actor.ts';
import type { AiSystem } from '../ai-systems/domain.ts';
import type { Clock } from '../../core/clock.ts';
import { AimsError, fieldErrorsOf, invalidInput, rowFieldErrorsOf } from '../../core/errors.ts';
import { bindKey, claimBound, replayedRecord, replayOf } from '../../core/inbound-dedupe.ts';
import { personLabel, type Person } from '../../core/identity.ts';
import type { Repositories, UnitOfWork } from '../../core/ports.ts';
import type { CorrectiveActionFilter, IncidentFilter } from './port.ts';
import {
  INCIDENT_AUDIT,
  INCIDENT_NOTICES,
  incidentKey,
  TRANSITIONS,
  transitionsFrom,
  type CorrectiveAction,
  type Incident,
  type IncidentEvent,
  type IncidentPost,
  type Transition,
} from './domain.ts';
import { incidentInputSchema, resolveInputSchema } from './input.ts';
import { keepPersonalCopy, queuePosts, queueRefresh, subjectOf } from '../../core/outbox/outbox.ts';
import type { PersonalCopy } from '../../core/posted/posted-copy.ts';
import { mapInTurn } from '../../core/in-turn.ts';

export const INCIDENT_PAGE_SIZE = 25;
/** Detection times this far ahead of the clock are accepted (clock skew between phones and servers). */
const FUTURE_SLACK_MS = 5 * 60_000;

/** One incident with what a card shows about it. */
export interface IncidentDetails {
  incident: Incident;
  events: IncidentEvent[];
  actions: CorrectiveAction[];
  system: AiSystem | undefined;
  people: Map<number, Person>;
}

/** Parses "INC-12", "inc 12", "#12" or "12". */
export function parseIncidentRef(ref: string | undefined): number | undefined {
  const match = /^(?:inc[-\s]?|#)?(\d+)$/i.exec((ref ?? '').trim());
  return match ? Number(match[1]) : undefined;
}

/** What a corrective action follows from: an incident's resolution or a review's findings (ISO/IEC 42001 10.2). */
export type CorrectiveActionOrigin =
  { incidentId: number } | { reviewCompletionId: number } | { nonconformityId: number; rootCause: string };

/** One corrective action as a form gave it; the caller has checked that its owner is in the workspace. */
export interface NewCorrectiveAction {
  title: string;
  ownerPersonId: number;
  dueDate: string;
}

/**
 * Records open corrective actions, each with its audit event, in the caller's unit of work. Incidents
 * create them when resolved and reviews when recorded; the actions' table and audit stay this area's.
 */
export async function addCorrectiveActions(
  repos: Repositories,
  actor: Actor,
  origin: CorrectiveActionOrigin,
  actions: readonly NewCorrectiveAction[],
  at: string,
): Promise<CorrectiveAction[]> {
  return await mapInTurn(actions, async (action) => {
    const record = await repos.actions.insert({
      workspaceId: actor.workspaceId,
      incidentId: 'incidentId' in origin ? origin.incidentId : null,
      reviewCompletionId: 'reviewCompletionId' in origin ? origin.reviewCompletionId : null,
      title: action.title,
      ownerPersonId: action.ownerPersonId,
      dueDate: action.dueDate,
      status: 'open',
      doneAt: null,
      createdAt: at,
      nonconformityId: 'nonconformityId' in origin ? origin.nonconformityId : null,
      rootCause: 'rootCause' in origin ? origin.rootCause : null,
      checkResult: null,
      checkedByPersonId: null,
      checkedAt: null,
      checkNote: null,
    });
    await repos.audit.append(
      {
        workspaceId: actor.workspaceId,
        actorPersonId: actor.personId,
        actor: actor.label,
        action: INCIDENT_AUDIT.actionCreated,
        subject: `corrective_action:${record.id}`,
        before: null,
        after: record,
      },
      at,
    );
    return record;
  });
}

/**
 * Marks a corrective action done in the caller's unit of work (its owner, its incident's owner or an
 * admin), audited; the same again changes nothing. Nonconformities mark theirs done through it too.
 */
export async function markCorrectiveActionDone(
  repos: Repositories,
  actor: Actor,
  actionId: number,
  at: string,
): Promise<{ action: CorrectiveAction; changed: boolean }> {
  const action = await repos.actions.findById(actor.workspaceId, actionId);
  if (!action) throw new AimsError('not_found', `There is no corrective action #${actionId} in this workspace.`);
  if (action.status === 'done') return { action, changed: false };
  const incident = action.incidentId ? await repos.incidents.findById(actor.workspaceId, action.incidentId) : undefined;
  const allowed = actor.roles.includes('admin') || action.ownerPersonId === actor.personId || incident?.ownerPersonId === actor.personId;
  if (!allowed) {
    const owner = await repos.people.findById(actor.workspaceId, action.ownerPersonId);
    throw new AimsError(
      'forbidden',
      'Only the owner of this action, the owner of its incident or an admin can mark it done.',
      owner ? { hint: `The action's owner is ${personLabel(owner)}.` } : {},
    );
  }
  await repos.actions.markDone(actor.workspaceId, actionId, at);
  await repos.audit.append(
    {
      workspaceId: actor.workspaceId,
      actorPersonId: actor.personId,
      actor: actor.label,
      action: INCIDENT_AUDIT.actionDone,
      subject: `corrective_action:${actionId}`,
      before: { status: 'open' },
      after: { status: 'done' },
    },
    at,
  );
  if (incident) await queueRefresh(repos, actor.workspaceId, subjectOf('incident', incident.id), at);
  return { action: { ...action, status: 'done', doneAt: at }, changed: true };
}

/**
 * Records the effectiveness check of a done corrective action in the caller's unit of work (10.2 e):
 * by anyone but the action's owner; a failed check opens the action again for more work. Audited.
 */
export async function checkCorrectiveAction(
  repos: Repositories,
  actor: Actor,
  actionId: number,
  check: { result: 'passed' | 'failed'; note: string | null },
  at: string,
): Promise<CorrectiveAction> {
  const action = await repos.actions.findById(actor.workspaceId, actionId);
  if (!action) throw new AimsError('not_found', `There is no corrective action #${actionId} in this workspace.`);
  if (action.ownerPersonId === actor.personId)
    throw new AimsError('forbidden', `You own corrective action #${actionId}, so you cannot check its effectiveness: someone else must.`, {
      fieldErrors: { result: 'The owner of the action cannot check its effectiveness: someone else must.' },
    });
  if (action.status !== 'done')
    throw new AimsError('conflict', `Corrective action #${actionId} is not done yet: its effectiveness is checked once it is.`);
  const changes = {
    checkResult: check.result,
    checkedByPersonId: actor.personId,
    checkedAt: at,
    checkNote: check.note,
    status: check.result === 'passed' ? ('done' as const) : ('open' as const),
    doneAt: check.result === 'passed' ? action.doneAt : null,
  };
  await repos.actions.recordCheck(actor.workspaceId, actionId, changes);
  await appendAuditBy(
    repos,
    actor,
    {
      workspaceId: actor.workspaceId,
      action: INCIDENT_AUDIT.actionChecked,
      subject: `corrective_action:${actionId}`,
      before: { status: action.status, checkResult: action.checkResult },
      after: changes,
    },
    at,
  );
  return { ...action, ...changes };
}

/** AI incidents and their corrective actions (ISO/IEC 42001 A.3.3, A.8.4, 10.2). */
export class IncidentService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  private async audit(
    repos: Repositories,
    actor: Actor | null,
    incident: Incident,
    action: string,
    before: unknown,
    after: unknown,
    at: string,
  ): Promise<void> {
    await appendAuditBy(repos, actor, { workspaceId: incident.workspaceId, action, subject: `incident:${incident.id}`, before, after }, at);
  }

  private async mustFind(repos: Repositories, workspaceId: number, number: number): Promise<Incident> {
    const incident = await repos.incidents.findByNumber(workspaceId, number);
    if (!incident)
      throw new AimsError('not_found', `There is no INC-${number} in this workspace.`, { hint: 'See the list with “incident list”.' });
    return incident;
  }

  /**
   * Logs an incident; a repeated submission (same key) returns the incident it created. The
   * reporter's own copy (`personalCopy`) is kept with it and refreshed by every later change.
   */
  async report(
    actor: Actor,
    raw: unknown,
    submissionKey?: string,
    personalCopy: PersonalCopy = { kind: 'none' },
  ): Promise<{ incident: Incident; created: boolean }> {
    const now = this.clock.now();
    const at = now.toISOString();
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, raw }) : undefined;
    return await this.store.write(async (repos) => {
      if (bound) {
        const existing = await replayedRecord(
          repos.dedupe,
          bound,
          'incidentId',
          async (id) => await repos.incidents.findById(actor.workspaceId, id),
          (incident) => `INC-${incident?.number ?? '?'}`,
        );
        if (existing) return { incident: existing, created: false };
      }
      const parsed = incidentInputSchema.safeParse(raw);
      const errors = parsed.success ? {} : fieldErrorsOf(parsed.error.issues);
      let system: AiSystem | undefined;
      if (parsed.success && parsed.data.aiSystemId) {
        system = await repos.aiSystems.findById(actor.workspaceId, parsed.data.aiSystemId);
        if (!system || system.stage === 'retired') errors.aiSystemId = 'Choose an AI system of this workspace that is not retired.';
      }
      if (parsed.success && new Date(parsed.data.detectedAt).getTime() > now.getTime() + FUTURE_SLACK_MS) {
        errors.detectedAt = 'The detection time cannot be in the future.';
      }
      if (!parsed.success || Object.keys(errors).length > 0) throw invalidInput(errors);
      const input = parsed.data;
      const incident = await repos.incidents.insert({
        workspaceId: actor.workspaceId,
        number: await repos.incidents.nextNumber(actor.workspaceId),
        aiSystemId: system?.id ?? null,
        systemName: system ? null : input.systemName,
        title: input.title,
        description: input.description,
        severity: input.severity,
        type: input.type,
        detectedAt: new Date(input.detectedAt).toISOString(),
        affected: input.affected,
        reporterPersonId: actor.personId,
        ownerPersonId: system?.ownerPersonId ?? null,
        responderPersonId: null,
        status: 'open',
        rootCause: null,
        createdAt: at,
        updatedAt: at,
        closedAt: null,
      });
      await repos.incidents.addEvent({ incidentId: incident.id, at, actorPersonId: actor.personId, kind: 'reported', text: null });
      await claimBound(repos.dedupe, bound, actor.workspaceId, at, { incidentId: incident.id });
      await this.audit(repos, actor, incident, INCIDENT_AUDIT.reported, null, incident, at);
      await queuePosts(
        repos,
        actor.workspaceId,
        subjectOf('incident', incident.id),
        incident.severity === 'S1' || incident.severity === 'S2' ? ['incidents', 'leadership'] : ['incidents'],
        at,
      );
      const subject = subjectOf('incident', incident.id);
      await keepPersonalCopy(repos, actor.workspaceId, subject, actor.personId, INCIDENT_NOTICES.yours, personalCopy, at);
      return { incident, created: true };
    });
  }

  /**
   * Moves an incident along its lifecycle. A click that finds the incident already where it
   * leads changes nothing (double clicks); a transition that does not start here is refused.
   * Anyone may acknowledge (they become the responder); the owner stays accountable, and only
   * the owner or an admin may name another owner while acknowledging.
   */
  async transition(
    actor: Actor,
    number: number,
    transition: Transition,
    options: { ownerPersonId?: number } = {},
  ): Promise<{ incident: Incident; changed: boolean }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const before = await this.mustFind(repos, actor.workspaceId, number);
      const rule = TRANSITIONS[transition];
      if (!rule.from.includes(before.status)) {
        if (before.status === rule.to) return { incident: before, changed: false };
        const next = transitionsFrom(before.status);
        throw new AimsError('conflict', `${incidentKey(before)} is ${before.status}: it cannot be ${rule.to} from there.`, {
          hint: next.length > 0 ? `Possible now: ${next.join(', ')}.` : undefined,
        });
      }
      if (!rule.anyone) await this.requireOwnerOrAdmin(repos, actor, before, transition);
      const changes: Partial<Incident> = { status: rule.to, updatedAt: at };
      if (transition === 'acknowledge') {
        changes.responderPersonId = actor.personId;
        const owner = options.ownerPersonId;
        if (owner !== undefined && owner !== before.ownerPersonId) {
          if (!(await repos.people.findById(actor.workspaceId, owner)))
            throw invalidInput({ owner: 'The owner must be a person in this workspace.' });
          await this.requireOwnerOrAdmin(repos, actor, before, 'reassign', 'owner');
          changes.ownerPersonId = owner;
        }
      }
      if (transition === 'close') changes.closedAt = at;
      if (transition === 'reopen') changes.closedAt = null;
      await repos.incidents.update(actor.workspaceId, before.id, changes);
      await repos.incidents.addEvent({ incidentId: before.id, at, actorPersonId: actor.personId, kind: rule.event, text: null });
      const newOwner = changes.ownerPersonId;
      if (newOwner !== undefined && newOwner !== null && newOwner !== before.ownerPersonId) {
        const owner = await repos.people.findById(actor.workspaceId, newOwner);
        await repos.incidents.addEvent({
          incidentId: before.id,
          at,
          actorPersonId: actor.personId,
          kind: 'owner-changed',
          text: owner ? personLabel(owner) : null,
        });
      }
      const after = { ...before, ...changes };
      await this.audit(
        repos,
        actor,
        before,
        `incident.${rule.event}`,
        {
          status: before.status,
          ownerPersonId: before.ownerPersonId,
          ...(transition === 'acknowledge' ? { responderPersonId: before.responderPersonId } : {}),
        },
        {
          status: after.status,
          ownerPersonId: after.ownerPersonId,
          ...(transition === 'acknowledge' ? { responderPersonId: after.responderPersonId } : {}),
        },
        at,
      );
      await queueRefresh(repos, actor.workspaceId, subjectOf('incident', before.id), at);
      return { incident: after, changed: true };
    });
  }

  /** Names the accountable owner of an incident: its owner or an admin. Naming the same owner changes nothing. */
  async assign(actor: Actor, number: number, ownerPersonId: number): Promise<{ incident: Incident; changed: boolean }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const before = await this.mustFind(repos, actor.workspaceId, number);
      await this.requireOwnerOrAdmin(repos, actor, before, 'reassign');
      const owner = await repos.people.findById(actor.workspaceId, ownerPersonId);
      if (!owner) throw invalidInput({ owner: 'The owner must be a person in this workspace.' });
      if (before.ownerPersonId === ownerPersonId) return { incident: before, changed: false };
      await repos.incidents.update(actor.workspaceId, before.id, { ownerPersonId, updatedAt: at });
      await repos.incidents.addEvent({
        incidentId: before.id,
        at,
        actorPersonId: actor.personId,
        kind: 'owner-changed',
        text: personLabel(owner),
      });
      await this.audit(repos, actor, before, INCIDENT_AUDIT.ownerChanged, { ownerPersonId: before.ownerPersonId }, { ownerPersonId }, at);
      await queueRefresh(repos, actor.workspaceId, subjectOf('incident', before.id), at);
      return { incident: { ...before, ownerPersonId, updatedAt: at }, changed: true };
    });
  }

  /** Refuses, before anything is written, someone who is neither the incident's owner nor an admin. */
  async requireCanManage(actor: Actor, number: number, what: string): Promise<void> {
    await this.store.read(
      async (repos) => await this.requireOwnerOrAdmin(repos, actor, await this.mustFind(repos, actor.workspaceId, number), what),
    );
  }

  /** Whether the actor may move this incident on or reassign it (its owner or an admin). */
  async canManage(actor: Actor, number: number): Promise<boolean> {
    return await this.store.read(async (repos) => {
      const incident = await this.mustFind(repos, actor.workspaceId, number);
      return actor.roles.includes('admin') || incident.ownerPersonId === actor.personId;
    });
  }

  /** Resolves with a root cause and one or more corrective actions (their own records). */
  async resolve(actor: Actor, number: number, raw: unknown): Promise<{ incident: Incident; changed: boolean }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const before = await this.mustFind(repos, actor.workspaceId, number);
      if (before.status === 'resolved') return { incident: before, changed: false };
      if (!TRANSITIONS.resolve.from.includes(before.status)) {
        throw new AimsError('conflict', `${incidentKey(before)} is ${before.status}: it cannot be resolved from there.`, {
          hint: `Possible now: ${transitionsFrom(before.status).join(', ') || 'nothing'}.`,
        });
      }
      await this.requireOwnerOrAdmin(repos, actor, before, 'resolve');
      const parsed = resolveInputSchema.safeParse(raw);
      if (!parsed.success) throw invalidInput(rowFieldErrorsOf(parsed.error.issues));
      const input = parsed.data;
      const ownerErrors: Record<string, string> = {};
      await mapInTurn(input.actions, async (action, i) => {
        if (!(await repos.people.findById(actor.workspaceId, action.ownerPersonId)))
          ownerErrors[`actions.${i}.ownerPersonId`] = 'The owner must be a person in this workspace.';
      });
      if (Object.keys(ownerErrors).length > 0) throw invalidInput(ownerErrors);
      await repos.incidents.update(actor.workspaceId, before.id, { status: 'resolved', rootCause: input.rootCause, updatedAt: at });
      await repos.incidents.addEvent({ incidentId: before.id, at, actorPersonId: actor.personId, kind: 'resolved', text: input.rootCause });
      const after: Incident = { ...before, status: 'resolved', rootCause: input.rootCause, updatedAt: at };
      await this.audit(
        repos,
        actor,
        before,
        INCIDENT_AUDIT.resolved,
        { status: before.status, rootCause: before.rootCause },
        { status: 'resolved', rootCause: input.rootCause },
        at,
      );
      await addCorrectiveActions(repos, actor, { incidentId: before.id }, input.actions, at);
      await queueRefresh(repos, actor.workspaceId, subjectOf('incident', before.id), at);
      return { incident: after, changed: true };
    });
  }

  /** Adds a comment to the timeline (anyone in the workspace). */
  async comment(actor: Actor, number: number, text: string, submissionKey?: string): Promise<Incident> {
    const body = text.trim();
    if (body === '') throw invalidInput({ comment: 'Write a comment.' });
    if (body.length > 1000) throw invalidInput({ comment: 'A comment can be at most 1000 characters.' });
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const incident = await this.mustFind(repos, actor.workspaceId, number);
      // The same comment form submitted twice (a retry, a double click) is one comment; other text under its key is a conflict.
      const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, number, body }) : undefined;
      if (await replayOf(repos.dedupe, bound, () => `a comment on INC-${number}`)) return incident;
      await claimBound(repos.dedupe, bound, actor.workspaceId, at);
      await repos.incidents.addEvent({ incidentId: incident.id, at, actorPersonId: actor.personId, kind: 'comment', text: body });
      await repos.incidents.update(actor.workspaceId, incident.id, { updatedAt: at });
      await this.audit(repos, actor, incident, INCIDENT_AUDIT.commented, null, { comment: body }, at);
      await queueRefresh(repos, actor.workspaceId, subjectOf('incident', incident.id), at);
      return { ...incident, updatedAt: at };
    });
  }

  /** Audits where a card of the incident was posted (the outbox tracks the copy in posted_messages). */
  async recordPost(workspaceId: number, incidentId: number, post: IncidentPost): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.store.write(async (repos) => {
      const incident = await repos.incidents.findById(workspaceId, incidentId);
      if (!incident) return;
      await this.audit(
        repos,
        null,
        incident,
        INCIDENT_AUDIT.posted,
        null,
        { purpose: post.purpose, channelId: post.channelId, messageId: post.messageId },
        at,
      );
    });
  }

  /** Refuses, before the resolve form opens, someone who could not submit it. */
  async requireCanResolve(actor: Actor, number: number): Promise<void> {
    await this.store.read(async (repos) => {
      const incident = await this.mustFind(repos, actor.workspaceId, number);
      if (!TRANSITIONS.resolve.from.includes(incident.status)) {
        throw new AimsError('conflict', `${incidentKey(incident)} is ${incident.status}: it cannot be resolved from there.`, {
          hint: `Possible now: ${transitionsFrom(incident.status).join(', ') || 'nothing'}.`,
        });
      }
      await this.requireOwnerOrAdmin(repos, actor, incident, 'resolve');
    });
  }

  async details(workspaceId: number, number: number): Promise<IncidentDetails> {
    return await this.store.read(async (repos) => {
      const incident = await this.mustFind(repos, workspaceId, number);
      const events = await repos.incidents.events(incident.id);
      const actions = (await repos.actions.list(workspaceId, { incidentId: incident.id }, { limit: 50, offset: 0 })).items;
      const ids = new Set<number>([
        incident.reporterPersonId,
        ...(incident.ownerPersonId ? [incident.ownerPersonId] : []),
        ...(incident.responderPersonId ? [incident.responderPersonId] : []),
        ...actions.map((a) => a.ownerPersonId),
        ...events.flatMap((e) => (e.actorPersonId ? [e.actorPersonId] : [])),
      ]);
      const people = new Map<number, Person>();
      for (const id of ids) {
        const person = await repos.people.findById(workspaceId, id);
        if (person) people.set(id, person);
      }
      const system = incident.aiSystemId ? await repos.aiSystems.findById(workspaceId, incident.aiSystemId) : undefined;
      return { incident, events, actions, system, people };
    });
  }

  /** INC numbers of incident ids (for lists of corrective actions). */
  async numbersOf(workspaceId: number, ids: number[]): Promise<Map<number, number>> {
    return await this.store.read(async (repos) => {
      const out = new Map<number, number>();
      for (const id of new Set(ids)) {
        const incident = await repos.incidents.findById(workspaceId, id);
        if (incident) out.set(id, incident.number);
      }
      return out;
    });
  }

  async list(
    workspaceId: number,
    filter: IncidentFilter,
    page = 0,
  ): Promise<{ items: Incident[]; total: number; page: number; pageSize: number }> {
    const result = await this.store.read(
      async (repos) => await repos.incidents.list(workspaceId, filter, { limit: INCIDENT_PAGE_SIZE, offset: page * INCIDENT_PAGE_SIZE }),
    );
    return { ...result, page, pageSize: INCIDENT_PAGE_SIZE };
  }

  async listActions(
    workspaceId: number,
    filter: CorrectiveActionFilter,
    page = 0,
  ): Promise<{ items: CorrectiveAction[]; total: number; page: number; pageSize: number }> {
    const result = await this.store.read(
      async (repos) => await repos.actions.list(workspaceId, filter, { limit: INCIDENT_PAGE_SIZE, offset: page * INCIDENT_PAGE_SIZE }),
    );
    return { ...result, page, pageSize: INCIDENT_PAGE_SIZE };
  }

  /** Marks a corrective action done: its owner, the incident's owner or an admin. Idempotent. */
  async markActionDone(actor: Actor, actionId: number): Promise<{ action: CorrectiveAction; changed: boolean }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => await markCorrectiveActionDone(repos, actor, actionId, at));
  }

  private async requireOwnerOrAdmin(repos: Repositories, actor: Actor, incident: Incident, what: string, field?: string): Promise<void> {
    if (actor.roles.includes('admin') || incident.ownerPersonId === actor.personId) return;
    const owner = incident.ownerPersonId ? await repos.people.findById(actor.workspaceId, incident.ownerPersonId) : undefined;
    const admins = (await repos.roles.holders(actor.workspaceId, 'admin')).map((holder) => personLabel(holder));
    const ask = admins.length > 0 ? `Admins: ${admins.join(', ')}.` : 'This workspace has no admin yet.';
    const message = `Only the owner of ${incidentKey(incident)} or an admin can ${what} it.`;
    const hint = owner
      ? `The owner is ${personLabel(owner)}. ${ask}`
      : `It has no owner yet: an admin can name one with “incident ${incidentKey(incident)} owner @person”. ${ask}`;
    throw new AimsError('forbidden', message, { hint, ...(field ? { fieldErrors: { [field]: `${message} ${hint}` } } : {}) });
  }
}
