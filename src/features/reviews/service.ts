import { appendAuditBy } from '../../core/audit-trail.ts';
import type { Actor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import { AimsError, fieldErrorsOf, invalidInput, rowFieldErrorsOf } from '../../core/errors.ts';
import { personLabel } from '../../core/identity.ts';
import type { Repositories, UnitOfWork } from '../../core/ports.ts';
import { todayIn } from '../../core/zoned-time.ts';
import { addDays } from '../../core/calendar-days.ts';
import { addCorrectiveActions } from '../incidents/service.ts';
import { DEFAULT_SYSTEM_REVIEW_DAYS, REVIEW_AUDIT, type ReviewKind, type ReviewSchedule } from './domain.ts';
import { reviewDoneInputSchema, reviewScheduleInputSchema } from './input.ts';
import { mapInTurn } from '../../core/in-turn.ts';

/** Counts for status: overdue and due within 7 days, by kind. */
export interface ReviewCounts {
  overdue: Partial<Record<ReviewKind, number>>;
  dueThisWeek: Partial<Record<ReviewKind, number>>;
}

/** Reviews on a cadence (ISO/IEC 42001 9.1, 9.2, 9.3, A.2.4, A.5.2, A.6.2.6): next due = done + cadence. */
export class ReviewService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
    private readonly defaultTimeZone: string,
  ) {}

  private async today(repos: Repositories, workspaceId: number): Promise<string> {
    return todayIn((await repos.settings.get(workspaceId))?.timeZone ?? this.defaultTimeZone, this.clock.now());
  }

  /** The audit event of a change to review `id`, in the caller's unit of work. */
  private async audit(
    repos: Repositories,
    actor: Actor,
    action: string,
    id: number,
    before: unknown,
    after: unknown,
    at: string,
  ): Promise<void> {
    await appendAuditBy(repos, actor, { workspaceId: actor.workspaceId, action, subject: `review:${id}`, before, after }, at);
  }

  /** Who may change a review: an admin, its owner, or the owner of its AI system. */
  private async requireManager(
    repos: Repositories,
    actor: Actor,
    schedule: ReviewSchedule | undefined,
    aiSystemId: number | null | undefined,
    what: string,
  ): Promise<void> {
    if (actor.roles.includes('admin') || schedule?.ownerPersonId === actor.personId) return;
    const system = aiSystemId ? await repos.aiSystems.findById(actor.workspaceId, aiSystemId) : undefined;
    if (system && system.ownerPersonId === actor.personId) return;
    const admins = (await repos.roles.holders(actor.workspaceId, 'admin')).map((h) => personLabel(h));
    throw new AimsError('forbidden', `Only an admin, the review's owner or the AI system's owner can ${what}.`, {
      hint: admins.length > 0 ? `Ask an admin: ${admins.join(', ')}.` : undefined,
    });
  }

  private async validate(repos: Repositories, actor: Actor, raw: unknown) {
    const parsed = reviewScheduleInputSchema.safeParse(raw);
    const errors = parsed.success ? {} : fieldErrorsOf(parsed.error.issues);
    const fields = (raw ?? {}) as { ownerPersonId?: unknown; aiSystemId?: unknown };
    if (typeof fields.ownerPersonId === 'number' && !(await repos.people.findById(actor.workspaceId, fields.ownerPersonId)))
      errors.ownerPersonId ??= 'The owner must be a person in this workspace.';
    if (typeof fields.aiSystemId === 'number') {
      const system = await repos.aiSystems.findById(actor.workspaceId, fields.aiSystemId);
      if (!system || system.stage === 'retired') errors.aiSystemId ??= 'Choose an AI system of this workspace that is not retired.';
    }
    if (!parsed.success || Object.keys(errors).length > 0) throw invalidInput(errors);
    return parsed.data;
  }

  /** Schedules a review; a repeated submission (same key) returns the schedule it created. */
  async add(actor: Actor, raw: unknown, submissionKey?: string): Promise<ReviewSchedule> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      if (submissionKey) {
        const earlier = (await repos.dedupe.outcomeOf(submissionKey)) as { reviewId?: number } | undefined;
        const existing = earlier?.reviewId === undefined ? undefined : await repos.reviews.findById(actor.workspaceId, earlier.reviewId);
        if (existing) return existing;
      }
      const input = await this.validate(repos, actor, raw);
      await this.requireManager(repos, actor, undefined, input.aiSystemId, 'schedule reviews');
      const schedule = await repos.reviews.insert({
        workspaceId: actor.workspaceId,
        kind: input.kind,
        aiSystemId: input.aiSystemId ?? null,
        ownerPersonId: input.ownerPersonId,
        cadenceDays: input.cadenceDays,
        nextDue: input.nextDue,
        lastDone: null,
        createdAt: at,
        updatedAt: at,
      });
      if (submissionKey) await repos.dedupe.claim(submissionKey, actor.workspaceId, at, { reviewId: schedule.id });
      await this.audit(repos, actor, REVIEW_AUDIT.scheduled, schedule.id, null, schedule, at);
      return schedule;
    });
  }

  async edit(actor: Actor, id: number, raw: unknown): Promise<ReviewSchedule> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const before = await this.mustFind(repos, actor.workspaceId, id);
      await this.requireManager(repos, actor, before, before.aiSystemId, 'change this review');
      const input = await this.validate(repos, actor, raw);
      const after: ReviewSchedule = { ...before, ...input, aiSystemId: input.aiSystemId ?? null, updatedAt: at };
      await repos.reviews.update(actor.workspaceId, id, {
        kind: after.kind,
        aiSystemId: after.aiSystemId,
        ownerPersonId: after.ownerPersonId,
        cadenceDays: after.cadenceDays,
        nextDue: after.nextDue,
        updatedAt: at,
      });
      await this.audit(repos, actor, REVIEW_AUDIT.updated, id, before, after, at);
      return after;
    });
  }

  /** Creates the drift and bias reviews of a system in production (every 90 days, first due in 90 days), unless they exist. */
  async addSystemReviews(actor: Actor, aiSystemId: number): Promise<ReviewSchedule[]> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const system = await repos.aiSystems.findById(actor.workspaceId, aiSystemId);
      if (!system) throw new AimsError('not_found', `AI system #${aiSystemId} does not exist in this workspace.`);
      await this.requireManager(repos, actor, undefined, aiSystemId, 'schedule reviews');
      const existing = (await repos.reviews.list(actor.workspaceId, { aiSystemId })).map((r) => r.kind);
      const due = addDays(await this.today(repos, actor.workspaceId), DEFAULT_SYSTEM_REVIEW_DAYS);
      const created: ReviewSchedule[] = [];
      for (const kind of ['drift-review', 'bias-review'] as const) {
        if (existing.includes(kind)) continue;
        const schedule = await repos.reviews.insert({
          workspaceId: actor.workspaceId,
          kind,
          aiSystemId,
          ownerPersonId: system.ownerPersonId ?? actor.personId,
          cadenceDays: DEFAULT_SYSTEM_REVIEW_DAYS,
          nextDue: due,
          lastDone: null,
          createdAt: at,
          updatedAt: at,
        });
        await this.audit(repos, actor, REVIEW_AUDIT.scheduled, schedule.id, null, schedule, at);
        created.push(schedule);
      }
      return created;
    });
  }

  /** Records a review done: outcome, findings, evidence, corrective actions; the next one falls due a cadence later. */
  async done(actor: Actor, id: number, raw: unknown): Promise<{ schedule: ReviewSchedule; actions: number }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const before = await this.mustFind(repos, actor.workspaceId, id);
      await this.requireManager(repos, actor, before, before.aiSystemId, 'record this review');
      const parsed = reviewDoneInputSchema.safeParse(raw);
      if (!parsed.success) throw invalidInput(rowFieldErrorsOf(parsed.error.issues));
      const input = parsed.data;
      if (input.date > (await this.today(repos, actor.workspaceId))) throw invalidInput({ date: 'The date cannot be in the future.' });
      if (input.outcome === 'findings' && !input.findings) throw invalidInput({ findings: 'Describe the findings.' });
      await mapInTurn(input.actions, async (action, i) => {
        if (!(await repos.people.findById(actor.workspaceId, action.ownerPersonId)))
          throw invalidInput({ [`actions.${i}.ownerPersonId`]: 'The owner must be a person in this workspace.' });
      });
      const completion = await repos.reviews.addCompletion({
        scheduleId: id,
        date: input.date,
        outcome: input.outcome,
        findings: input.findings,
        evidence: input.evidence,
        recordedBy: actor.personId,
        createdAt: at,
      });
      const nextDue = addDays(input.date, before.cadenceDays);
      await repos.reviews.update(actor.workspaceId, id, { lastDone: input.date, nextDue, updatedAt: at });
      await this.audit(
        repos,
        actor,
        REVIEW_AUDIT.done,
        id,
        { nextDue: before.nextDue, lastDone: before.lastDone },
        { ...completion, nextDue },
        at,
      );
      await addCorrectiveActions(repos, actor, { reviewCompletionId: completion.id }, input.actions, at);
      return { schedule: { ...before, lastDone: input.date, nextDue, updatedAt: at }, actions: input.actions.length };
    });
  }

  async list(workspaceId: number, filter: { ownerPersonId?: number } = {}): Promise<ReviewSchedule[]> {
    return await this.store.read(async (repos) => await repos.reviews.list(workspaceId, filter));
  }

  async get(workspaceId: number, id: number): Promise<ReviewSchedule> {
    return await this.store.read(async (repos) => await this.mustFind(repos, workspaceId, id));
  }

  /** Today in the workspace's time zone. */
  async todayFor(workspaceId: number): Promise<string> {
    return await this.store.read(async (repos) => await this.today(repos, workspaceId));
  }

  private async mustFind(repos: Repositories, workspaceId: number, id: number): Promise<ReviewSchedule> {
    const schedule = await repos.reviews.findById(workspaceId, id);
    if (!schedule)
      throw new AimsError('not_found', `There is no review #${id} in this workspace.`, { hint: 'See them with “review list”.' });
    return schedule;
  }
}

/** Overdue and due-this-week counts by kind, inside the caller's read (status). */
export async function reviewCounts(repos: Repositories, workspaceId: number, today: string): Promise<ReviewCounts> {
  const counts: ReviewCounts = { overdue: {}, dueThisWeek: {} };
  const rows = await repos.reviews.dueCounts(workspaceId, today, addDays(today, 7));
  // Kinds listed soonest due first, as the schedules come by (next due, id).
  const soonest = (first: (row: (typeof rows)[number]) => string | null) =>
    rows.filter((row) => first(row) !== null).sort((a, b) => (first(a) ?? '').localeCompare(first(b) ?? ''));
  for (const row of soonest((r) => r.firstOverdue)) counts.overdue[row.kind] = row.overdue;
  for (const row of soonest((r) => r.firstThisWeek)) counts.dueThisWeek[row.kind] = row.dueThisWeek;
  return counts;
}
