import type { Actor } from '../../core/actor.ts';
import { appendAuditBy } from '../../core/audit-trail.ts';
import type { Clock } from '../../core/clock.ts';
import { AimsError, fieldErrorsOf, invalidInput } from '../../core/errors.ts';
import type { Person } from '../../core/identity.ts';
import { bindKey, claimBound, replayOf, replayedRecord } from '../../core/inbound-dedupe.ts';
import {
  REVIEW_INPUT_SECTIONS,
  type ReviewInputItem,
  type ReviewInputPeriod,
  type ReviewInputSource,
} from '../../core/management-review/review-inputs.ts';
import { queueDirect, queuePosts, queueRefresh, subjectOf } from '../../core/outbox/outbox.ts';
import type { Repositories, UnitOfWork } from '../../core/ports.ts';
import type { RoleHolder } from '../../core/roles.ts';
import { todayIn } from '../../core/zoned-time.ts';
import { actionKey, MR_AUDIT, reviewKey, type ManagementReview, type ReviewAction, type ReviewDecision } from './domain.ts';
import { actionInputSchema, attendeesInputSchema, decisionInputSchema, openInputSchema } from './input.ts';

const CHAIR_NOT_LEADER = 'The chair must hold the leadership role (an admin grants it: role grant @name leadership).';

/** The notice an action's owner gets when an action is given to them. */
export const MR_NOTICES = { actionYours: 'management-review.action' } as const;

/** One review with what its card shows. */
export interface ReviewDetails {
  review: ManagementReview;
  decisions: ReviewDecision[];
  actions: ReviewAction[];
  people: Map<number, Person>;
}

/** Who may open a review and write its minutes: leadership (top management, 9.3) and admins. */
const mayRun = (actor: Actor) => actor.roles.includes('leadership') || actor.roles.includes('admin');

/** Management reviews (ISO/IEC 42001 9.3): inputs gathered from every area, attendees, decisions, actions; locked once closed. */
export class ManagementReviewService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
    private readonly defaultTimeZone: string,
    private readonly sources: readonly ReviewInputSource[],
  ) {}

  private async today(repos: Repositories, workspaceId: number): Promise<string> {
    return todayIn((await repos.settings.get(workspaceId))?.timeZone ?? this.defaultTimeZone, this.clock.now());
  }

  private async mustFind(repos: Repositories, workspaceId: number, number: number): Promise<ManagementReview> {
    const review = await repos.managementReviews.findByNumber(workspaceId, number);
    if (!review) throw new AimsError('not_found', `There is no MR-${number} in this workspace.`);
    return review;
  }

  /** A closed review is locked: its minutes are what was decided, and nothing changes them afterwards. */
  private requireOpen(review: ManagementReview, closedBy: Person | undefined): void {
    if (review.status === 'closed')
      throw new AimsError(
        'conflict',
        `${reviewKey(review)} is closed and locked (closed ${review.closedAt?.slice(0, 10) ?? ''}${closedBy ? ` by ${closedBy.displayName ?? closedBy.externalId}` : ''}): its minutes can no longer change.`,
        { hint: 'Open the next review for what is new: open actions carry forward into its inputs.' },
      );
  }

  private requireMayRun(actor: Actor, what: string): void {
    if (!mayRun(actor)) throw new AimsError('forbidden', `Only leadership or an admin can ${what}.`);
  }

  private async guardOpen(repos: Repositories, actor: Actor, number: number, what: string): Promise<ManagementReview> {
    const review = await this.mustFind(repos, actor.workspaceId, number);
    this.requireOpen(review, review.closedByPersonId ? await repos.people.findById(actor.workspaceId, review.closedByPersonId) : undefined);
    this.requireMayRun(actor, what);
    return review;
  }

  /** Every area's input lines for the period, in the order of clause 9.3.2 (read in the caller's unit). */
  private async gather(repos: Repositories, workspaceId: number, period: ReviewInputPeriod): Promise<ReviewInputItem[]> {
    const items: ReviewInputItem[] = [];
    for (const source of this.sources) items.push(...(await source.items(repos, workspaceId, period)));
    return REVIEW_INPUT_SECTIONS.flatMap((section) => items.filter((item) => item.section === section));
  }

  /**
   * Opens the next review (leadership or admin), its inputs built now from the store over the period since
   * the previous review was opened, and kept as presented. One review is open at a time: a second open is
   * answered with the one open.
   */
  async open(actor: Actor, raw: unknown = {}, submissionKey?: string): Promise<{ review: ManagementReview; created: boolean }> {
    this.requireMayRun(actor, 'open a management review');
    const at = this.clock.now().toISOString();
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, raw }) : undefined;
    return await this.store.write(async (repos) => {
      const replay = await replayedRecord(
        repos.dedupe,
        bound,
        'reviewId',
        async (id) => await repos.managementReviews.findById(actor.workspaceId, id),
        (review) => (review ? reviewKey(review) : 'a management review'),
      );
      if (replay) return { review: replay, created: false };
      const parsed = openInputSchema.safeParse(raw);
      if (!parsed.success) throw invalidInput(fieldErrorsOf(parsed.error.issues));
      const chairPersonId = parsed.data.chairPersonId ?? (actor.roles.includes('leadership') ? actor.personId : null);
      if (chairPersonId !== null && !(await repos.roles.rolesOf(actor.workspaceId, chairPersonId)).includes('leadership'))
        throw invalidInput({ chairPersonId: CHAIR_NOT_LEADER });
      const all = await repos.managementReviews.all(actor.workspaceId);
      const current = all.find((review) => review.status === 'open');
      if (current) return { review: current, created: false };
      const previous = all[0];
      const period: ReviewInputPeriod = { ...(previous ? { since: previous.openedAt } : {}), until: at };
      const inputs = await this.gather(repos, actor.workspaceId, period);
      const review = await repos.managementReviews.insert({
        workspaceId: actor.workspaceId,
        number: await repos.managementReviews.nextNumber(actor.workspaceId),
        status: 'open',
        chairPersonId,
        openedByPersonId: actor.personId,
        openedAt: at,
        periodSince: period.since ?? null,
        periodUntil: at,
        inputs,
        attendeePersonIds: [...new Set([actor.personId, ...(chairPersonId === null ? [] : [chairPersonId])])],
        closedAt: null,
        closedByPersonId: null,
        updatedAt: at,
      });
      await claimBound(repos.dedupe, bound, actor.workspaceId, at, { reviewId: review.id });
      await appendAuditBy(
        repos,
        actor,
        { workspaceId: actor.workspaceId, action: MR_AUDIT.opened, subject: `management-review:${review.id}`, before: null, after: review },
        at,
      );
      await queuePosts(repos, actor.workspaceId, subjectOf('management-review', review.id), ['leadership'], at);
      return { review, created: true };
    });
  }

  async list(workspaceId: number): Promise<ManagementReview[]> {
    return await this.store.read(async (repos) => await repos.managementReviews.all(workspaceId));
  }

  async details(workspaceId: number, number: number): Promise<ReviewDetails> {
    return await this.store.read(async (repos) => await this.detailsIn(repos, await this.mustFind(repos, workspaceId, number)));
  }

  async detailsById(workspaceId: number, id: number): Promise<ReviewDetails | undefined> {
    return await this.store.read(async (repos) => {
      const review = await repos.managementReviews.findById(workspaceId, id);
      return review ? await this.detailsIn(repos, review) : undefined;
    });
  }

  private async detailsIn(repos: Repositories, review: ManagementReview): Promise<ReviewDetails> {
    const decisions = await repos.managementReviews.decisions(review.workspaceId, review.id);
    const actions = await repos.managementReviews.actions(review.workspaceId, { reviewId: review.id });
    const ids = [
      ...review.attendeePersonIds,
      ...actions.map((a) => a.ownerPersonId),
      ...[review.chairPersonId, review.closedByPersonId, review.openedByPersonId].filter((id): id is number => id !== null),
    ];
    const people = new Map((await repos.people.findByIds(review.workspaceId, [...new Set(ids)])).map((p) => [p.id, p]));
    return { review, decisions, actions, people };
  }

  /** Who holds the leadership role: the chair is one of them. */
  async leadership(workspaceId: number): Promise<RoleHolder[]> {
    return await this.store.read(async (repos) => await repos.roles.holders(workspaceId, 'leadership'));
  }

  /** Records a decision (leadership or admin), refused once the review is closed. */
  async addDecision(actor: Actor, number: number, raw: unknown, submissionKey?: string): Promise<ReviewDecision> {
    const at = this.clock.now().toISOString();
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, number, raw }) : undefined;
    return await this.store.write(async (repos) => {
      const review = await this.guardOpen(repos, actor, number, 'record the decisions of a management review');
      const replay = await replayedRecord(
        repos.dedupe,
        bound,
        'decisionId',
        async (id) => (await repos.managementReviews.decisions(actor.workspaceId, review.id)).find((d) => d.id === id),
        (d) => (d ? `decision ${d.number} of ${reviewKey(review)}` : 'a decision'),
      );
      if (replay) return replay;
      const parsed = decisionInputSchema.safeParse(raw);
      if (!parsed.success) throw invalidInput(fieldErrorsOf(parsed.error.issues));
      const decision = await repos.managementReviews.addDecision({
        workspaceId: actor.workspaceId,
        reviewId: review.id,
        text: parsed.data.text,
        recordedByPersonId: actor.personId,
        createdAt: at,
      });
      await claimBound(repos.dedupe, bound, actor.workspaceId, at, { decisionId: decision.id });
      await this.touch(repos, actor, review, MR_AUDIT.decision, null, decision, at);
      return decision;
    });
  }

  /** Records an action with its owner and due date (not in the past); the owner is told, and nudged until it is done. */
  async addAction(actor: Actor, number: number, raw: unknown, submissionKey?: string): Promise<ReviewAction> {
    const at = this.clock.now().toISOString();
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, number, raw }) : undefined;
    return await this.store.write(async (repos) => {
      const review = await this.guardOpen(repos, actor, number, 'record the actions of a management review');
      const replay = await replayedRecord(
        repos.dedupe,
        bound,
        'actionId',
        async (id) => (await repos.managementReviews.actions(actor.workspaceId, { reviewId: review.id })).find((a) => a.id === id),
        (a) => (a ? actionKey(review, a) : 'an action'),
      );
      if (replay) return replay;
      const parsed = actionInputSchema.safeParse(raw);
      if (!parsed.success) throw invalidInput(fieldErrorsOf(parsed.error.issues));
      const input = parsed.data;
      if (!(await repos.people.findById(actor.workspaceId, input.ownerPersonId)))
        throw invalidInput({ ownerPersonId: 'The owner must be a person of this workspace.' });
      const today = await this.today(repos, actor.workspaceId);
      if (input.dueDate < today) throw invalidInput({ dueDate: `The due date ${input.dueDate} is in the past (today is ${today}).` });
      const action = await repos.managementReviews.addAction({
        workspaceId: actor.workspaceId,
        reviewId: review.id,
        title: input.title,
        ownerPersonId: input.ownerPersonId,
        dueDate: input.dueDate,
        status: 'open',
        doneAt: null,
        createdByPersonId: actor.personId,
        createdAt: at,
      });
      await claimBound(repos.dedupe, bound, actor.workspaceId, at, { actionId: action.id });
      await this.touch(repos, actor, review, MR_AUDIT.action, null, action, at);
      if (action.ownerPersonId !== actor.personId)
        await queueDirect(
          repos,
          actor.workspaceId,
          subjectOf('management-review', review.id),
          action.ownerPersonId,
          MR_NOTICES.actionYours,
          at,
        );
      return action;
    });
  }

  /** Sets who attended and the chair, who must hold the leadership role. */
  async setAttendees(actor: Actor, number: number, raw: unknown, submissionKey?: string): Promise<ManagementReview> {
    const at = this.clock.now().toISOString();
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, number, raw }) : undefined;
    return await this.store.write(async (repos) => {
      const review = await this.guardOpen(repos, actor, number, 'record who attended a management review');
      if (await replayOf(repos.dedupe, bound, () => reviewKey(review))) return review;
      const parsed = attendeesInputSchema.safeParse(raw);
      if (!parsed.success) throw invalidInput(fieldErrorsOf(parsed.error.issues));
      const { attendeePersonIds, chairPersonId } = parsed.data;
      const found = await repos.people.findByIds(actor.workspaceId, [...new Set([...attendeePersonIds, chairPersonId])]);
      if (found.length !== new Set([...attendeePersonIds, chairPersonId]).size)
        throw invalidInput({ attendeePersonIds: 'Choose people of this workspace.' });
      if (!(await repos.roles.rolesOf(actor.workspaceId, chairPersonId)).includes('leadership'))
        throw invalidInput({ chairPersonId: CHAIR_NOT_LEADER });
      const attendees = [...new Set([chairPersonId, ...attendeePersonIds])];
      const changes = { attendeePersonIds: attendees, chairPersonId, updatedAt: at };
      await repos.managementReviews.update(actor.workspaceId, review.id, changes);
      await claimBound(repos.dedupe, bound, actor.workspaceId, at, { reviewId: review.id });
      await this.touch(
        repos,
        actor,
        review,
        MR_AUDIT.attendees,
        { attendees: review.attendeePersonIds, chair: review.chairPersonId },
        { attendees, chair: chairPersonId },
        at,
        false,
      );
      return { ...review, ...changes };
    });
  }

  /** Closes the review: only its chair, who still holds the leadership role. Closed, it is locked. */
  async close(actor: Actor, number: number): Promise<{ review: ManagementReview; changed: boolean }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const review = await this.mustFind(repos, actor.workspaceId, number);
      const key = reviewKey(review);
      if (review.status === 'closed') {
        // The chair's second click is answered as the first; anyone else learns it is locked.
        if (review.closedByPersonId === actor.personId) return { review, changed: false };
        this.requireOpen(
          review,
          review.closedByPersonId ? await repos.people.findById(actor.workspaceId, review.closedByPersonId) : undefined,
        );
      }
      if (review.chairPersonId === null) {
        const leaders = await repos.roles.holders(actor.workspaceId, 'leadership');
        throw new AimsError(
          'conflict',
          leaders.length === 0
            ? `${key} has no chair, and no one holds the leadership role: an admin grants it (role grant @name leadership), then the chair is named in ${key} attendees.`
            : `${key} has no chair: name one (a leadership role holder) in ${key} attendees before closing it.`,
        );
      }
      const chair = await repos.people.findById(actor.workspaceId, review.chairPersonId);
      const chairName = chair?.displayName ?? chair?.externalId ?? `person #${review.chairPersonId}`;
      if (actor.personId !== review.chairPersonId)
        throw new AimsError('forbidden', `Only the chair of ${key}, ${chairName}, can close it.`);
      if (!actor.roles.includes('leadership'))
        throw new AimsError('forbidden', `The chair closes ${key} while holding the leadership role, and you no longer hold it.`);
      const changes = { status: 'closed' as const, closedAt: at, closedByPersonId: actor.personId, updatedAt: at };
      await repos.managementReviews.update(actor.workspaceId, review.id, changes);
      await this.touch(repos, actor, review, MR_AUDIT.closed, { status: review.status }, changes, at, false);
      return { review: { ...review, ...changes }, changed: true };
    });
  }

  /**
   * Marks an action done: its owner, leadership or an admin. The follow-up of an action is not part of the
   * minutes, so it stays possible after the review is locked (the next review reports it).
   */
  async actionDone(
    actor: Actor,
    number: number,
    actionNumber: number,
  ): Promise<{ review: ManagementReview; action: ReviewAction; changed: boolean }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const review = await this.mustFind(repos, actor.workspaceId, number);
      const action = (await repos.managementReviews.actions(actor.workspaceId, { reviewId: review.id })).find(
        (a) => a.number === actionNumber,
      );
      if (!action) throw new AimsError('not_found', `${reviewKey(review)} has no action ${actionNumber}.`);
      if (action.status === 'done') return { review, action, changed: false };
      if (action.ownerPersonId !== actor.personId && !mayRun(actor))
        throw new AimsError('forbidden', `Only the owner of ${actionKey(review, action)}, leadership or an admin can mark it done.`);
      await repos.managementReviews.markActionDone(actor.workspaceId, action.id, at);
      const done = { ...action, status: 'done' as const, doneAt: at };
      await appendAuditBy(
        repos,
        actor,
        {
          workspaceId: actor.workspaceId,
          action: MR_AUDIT.actionDone,
          subject: `management-review:${review.id}`,
          before: { action: action.id, status: action.status },
          after: { action: action.id, status: 'done', doneAt: at },
        },
        at,
      );
      await queueRefresh(repos, actor.workspaceId, subjectOf('management-review', review.id), at);
      return { review, action: done, changed: true };
    });
  }

  /** Audits a change of the review's minutes and refreshes its cards. */
  private async touch(
    repos: Repositories,
    actor: Actor,
    review: ManagementReview,
    action: string,
    before: unknown,
    after: unknown,
    at: string,
    bump = true,
  ): Promise<void> {
    if (bump) await repos.managementReviews.update(actor.workspaceId, review.id, { updatedAt: at });
    await appendAuditBy(
      repos,
      actor,
      { workspaceId: actor.workspaceId, action, subject: `management-review:${review.id}`, before, after },
      at,
    );
    await queueRefresh(repos, actor.workspaceId, subjectOf('management-review', review.id), at);
  }
}
