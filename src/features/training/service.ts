import { appendAuditBy } from '../../core/audit-trail.ts';
import type { Actor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import { AimsError, fieldErrorsOf, invalidInput } from '../../core/errors.ts';
import { bindKey, claimBound, replayOf } from '../../core/inbound-dedupe.ts';
import { personLabel, type Person } from '../../core/identity.ts';
import { requireAdmin, requireAnyRole } from '../../core/policies.ts';
import type { Repositories, UnitOfWork } from '../../core/ports.ts';
import { looksAlike, nameKeyOf } from '../../core/input/name-key.ts';
import { todayIn } from '../../core/zoned-time.ts';
import { queueDirect, subjectOf } from '../../core/outbox/outbox.ts';
import { countsFrom, isRequired, TRAINING_AUDIT, trainingState, type Completion, type Course, type TrainingState } from './domain.ts';
import { courseInputSchema, selfAttestationSchema, sessionInputSchema } from './input.ts';
import { mapInTurn, someInTurn } from '../../core/in-turn.ts';

const keyOf = (name: string) => nameKeyOf(name);

export interface CourseStanding {
  course: Course;
  required: boolean;
  latest: Completion | undefined;
  state: TrainingState;
  expires: string | null;
}

export interface CourseReport {
  course: Course;
  requiredPeople: number;
  valid: number;
  /** Share of the people who must take it whose completion counts as of the day. */
  rate: number;
  missing: Array<{ person: Person; state: 'missing' | 'expired'; expires: string | null }>;
  expiringSoon: Array<{ person: Person; expires: string }>;
  /** Whose counting completion they recorded themselves (for admins to sample). */
  selfAttested: Array<{ person: Person; date: string }>;
}

/** Courses, sessions and completions; who is due (ISO/IEC 42001 7.2, 7.3, A.4.6). */
export class TrainingService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
    private readonly defaultTimeZone: string,
  ) {}

  /** Today in the workspace's time zone. */
  async today(workspaceId: number): Promise<string> {
    return await this.store.read(async (repos) =>
      todayIn((await repos.settings.get(workspaceId))?.timeZone ?? this.defaultTimeZone, this.clock.now()),
    );
  }

  private async audit(
    repos: Repositories,
    actor: Actor,
    action: string,
    subject: string,
    before: unknown,
    after: unknown,
    at: string,
  ): Promise<void> {
    await appendAuditBy(repos, actor, { workspaceId: actor.workspaceId, action, subject, before, after }, at);
  }

  private async parseCourse(repos: Repositories, actor: Actor, raw: unknown, selfId?: number) {
    const parsed = courseInputSchema.safeParse(raw);
    const errors = parsed.success ? {} : fieldErrorsOf(parsed.error.issues);
    const name = (raw as { name?: unknown } | undefined)?.name;
    if (typeof name === 'string' && name.trim() !== '') {
      const clash = (await repos.training.courses(actor.workspaceId, true)).find(
        (course) => course.id !== selfId && looksAlike(course.name, name),
      );
      if (clash) errors.name ??= `A course named “${clash.name}” already exists.`;
    }
    if (!parsed.success || Object.keys(errors).length > 0) throw invalidInput(errors);
    return parsed.data;
  }

  /** Adds a course (admins). */
  async addCourse(actor: Actor, raw: unknown): Promise<Course> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      await requireAdmin(repos, actor, 'manage courses');
      const input = await this.parseCourse(repos, actor, raw);
      const course = await repos.training.insertCourse({
        ...input,
        workspaceId: actor.workspaceId,
        nameKey: keyOf(input.name),
        status: 'active',
        createdAt: at,
        updatedAt: at,
      });
      await this.audit(repos, actor, TRAINING_AUDIT.courseCreated, `course:${course.id}`, null, course, at);
      return course;
    });
  }

  async editCourse(actor: Actor, id: number, raw: unknown): Promise<Course> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      await requireAdmin(repos, actor, 'manage courses');
      const before = await this.mustFindCourse(repos, actor.workspaceId, id);
      const input = await this.parseCourse(repos, actor, raw, id);
      const after: Course = { ...before, ...input, nameKey: keyOf(input.name), updatedAt: at };
      await repos.training.updateCourse(actor.workspaceId, id, { ...input, nameKey: after.nameKey, updatedAt: at });
      await this.audit(repos, actor, TRAINING_AUDIT.courseUpdated, `course:${id}`, before, after, at);
      return after;
    });
  }

  async retireCourse(actor: Actor, id: number): Promise<{ course: Course; changed: boolean }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      await requireAdmin(repos, actor, 'manage courses');
      const course = await this.mustFindCourse(repos, actor.workspaceId, id);
      if (course.status === 'retired') return { course, changed: false };
      await repos.training.updateCourse(actor.workspaceId, id, { status: 'retired', updatedAt: at });
      await this.audit(repos, actor, TRAINING_AUDIT.courseRetired, `course:${id}`, { status: 'active' }, { status: 'retired' }, at);
      return { course: { ...course, status: 'retired', updatedAt: at }, changed: true };
    });
  }

  async courses(workspaceId: number, includeRetired = false): Promise<Course[]> {
    return await this.store.read(async (repos) => await repos.training.courses(workspaceId, includeRetired));
  }

  /** A course by name (any case) or #id. */
  async findCourse(workspaceId: number, ref: string): Promise<Course> {
    return await this.store.read(async (repos) => {
      const byId = /^#?(\d+)$/.exec(ref.trim());
      const course = byId
        ? await repos.training.findCourse(workspaceId, Number(byId[1]))
        : await repos.training.findCourseByName(workspaceId, keyOf(ref));
      if (!course) {
        const names = (await repos.training.courses(workspaceId, false)).map((c) => c.name);
        throw new AimsError('not_found', `There is no course “${ref.trim()}”.`, {
          hint: names.length > 0 ? `Courses: ${names.join(', ')}.` : 'An admin can add one with “training course add”.',
        });
      }
      return course;
    });
  }

  private async checkCourse(
    repos: Repositories,
    workspaceId: number,
    courseId: number,
    errors: Record<string, string>,
  ): Promise<Course | undefined> {
    const course = await repos.training.findCourse(workspaceId, courseId);
    if (!course || course.status === 'retired') errors.courseId = 'Choose a course of this workspace that is not retired.';
    return course;
  }

  /**
   * Records a session and a completion for each attendee dated the session day. A member may record
   * their own attendance only; recording others takes an admin or a trainer (attendees are told).
   * A person already recorded for that course and day keeps one completion.
   */
  async recordSession(
    actor: Actor,
    raw: unknown,
    submissionKey?: string,
  ): Promise<{ sessionId: number; courseId: number; recorded: number[]; already: number[]; repeated: boolean }> {
    const at = this.clock.now().toISOString();
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, raw }) : undefined;
    return await this.store.write(async (repos) => {
      if (bound) {
        const earlier = (
          await replayOf<{ sessionId?: number; courseId?: number; recorded?: number[]; already?: number[] }>(
            repos.dedupe,
            bound,
            (outcome) => `training session #${outcome?.sessionId ?? '?'}`,
          )
        )?.outcome;
        if (earlier?.sessionId !== undefined) {
          return {
            sessionId: earlier.sessionId,
            courseId: earlier.courseId ?? 0,
            recorded: [],
            already: [...(earlier.recorded ?? []), ...(earlier.already ?? [])],
            repeated: true,
          };
        }
      }
      const parsed = sessionInputSchema.safeParse(raw);
      const errors = parsed.success ? {} : fieldErrorsOf(parsed.error.issues);
      const fields = (raw ?? {}) as { courseId?: unknown; date?: unknown; attendeePersonIds?: unknown };
      if (typeof fields.courseId === 'number') await this.checkCourse(repos, actor.workspaceId, fields.courseId, errors);
      const today = todayIn((await repos.settings.get(actor.workspaceId))?.timeZone ?? this.defaultTimeZone, this.clock.now());
      if (typeof fields.date === 'string' && fields.date > today) errors.date ??= 'The session cannot be in the future.';
      if (
        parsed.success &&
        (await someInTurn(parsed.data.attendeePersonIds, async (id) => !(await repos.people.findById(actor.workspaceId, id))))
      )
        errors.attendeePersonIds ??= 'Every attendee must be a person of this workspace.';
      if (!parsed.success || Object.keys(errors).length > 0) throw invalidInput(errors);
      const input = parsed.data;
      if (input.attendeePersonIds.some((id) => id !== actor.personId)) await requireTrainerOrAdmin(repos, actor);
      const session = await repos.training.insertSession({
        workspaceId: actor.workspaceId,
        courseId: input.courseId,
        date: input.date,
        trainer: input.trainer,
        evidence: input.evidence,
        recordedBy: actor.personId,
        createdAt: at,
      });
      const recorded: number[] = [];
      const already: number[] = [];
      for (const personId of new Set(input.attendeePersonIds)) {
        const inserted = await repos.training.insertCompletion({
          workspaceId: actor.workspaceId,
          courseId: input.courseId,
          personId,
          date: input.date,
          sessionId: session.id,
          selfAttested: false,
          evidence: input.evidence,
          recordedBy: actor.personId,
          createdAt: at,
        });
        (inserted ? recorded : already).push(personId);
      }
      await claimBound(repos.dedupe, bound, actor.workspaceId, at, {
        sessionId: session.id,
        courseId: session.courseId,
        recorded,
        already,
      });
      await this.audit(
        repos,
        actor,
        TRAINING_AUDIT.sessionRecorded,
        `training_session:${session.id}`,
        null,
        { ...session, recorded, already },
        at,
      );
      // Each attendee newly recorded is told, after commit, through the outbox.
      for (const personId of recorded)
        await queueDirect(repos, actor.workspaceId, subjectOf('training-session', session.id), personId, 'training.recorded', at);
      return { sessionId: session.id, courseId: session.courseId, recorded, already, repeated: false };
    });
  }

  /** What an attendee of a session is told about: the course, the day (YYYY-MM-DD) and who recorded it. */
  async attendanceNotice(
    workspaceId: number,
    sessionId: number,
  ): Promise<{ course: string; date: string; recordedBy: string } | undefined> {
    return await this.store.read(async (repos) => {
      const session = await repos.training.findSession(workspaceId, sessionId);
      if (!session) return undefined;
      const course = await repos.training.findCourse(workspaceId, session.courseId);
      const recorder = await repos.people.findById(workspaceId, session.recordedBy);
      return { course: course?.name ?? 'a training', date: session.date, recordedBy: recorder ? personLabel(recorder) : 'a colleague' };
    });
  }

  /** Records the actor's own completion of a self-paced course. */
  async selfAttest(actor: Actor, raw: unknown): Promise<{ recorded: boolean; course: Course }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const parsed = selfAttestationSchema.safeParse(raw);
      if (!parsed.success) throw new AimsError('invalid_input', parsed.error.issues[0]?.message ?? 'That is not a valid completion.');
      const errors: Record<string, string> = {};
      const course = await this.checkCourse(repos, actor.workspaceId, parsed.data.courseId, errors);
      const today = todayIn((await repos.settings.get(actor.workspaceId))?.timeZone ?? this.defaultTimeZone, this.clock.now());
      if (parsed.data.date > today) errors.date = 'The date cannot be in the future.';
      if (!course || Object.keys(errors).length > 0)
        throw new AimsError('invalid_input', Object.values(errors)[0] ?? 'That course cannot be completed.');
      const recorded = await repos.training.insertCompletion({
        workspaceId: actor.workspaceId,
        courseId: course.id,
        personId: actor.personId,
        date: parsed.data.date,
        sessionId: null,
        selfAttested: true,
        evidence: parsed.data.evidence,
        recordedBy: actor.personId,
        createdAt: at,
      });
      if (recorded)
        await this.audit(
          repos,
          actor,
          TRAINING_AUDIT.selfAttested,
          `course:${course.id}`,
          null,
          { personId: actor.personId, date: parsed.data.date, evidence: parsed.data.evidence },
          at,
        );
      return { recorded, course };
    });
  }

  /** Where one person stands on every active course, as of a day. */
  async standing(workspaceId: number, personId: number, asOf: string): Promise<CourseStanding[]> {
    return await this.store.read(async (repos) => {
      const roles = await repos.roles.rolesOf(workspaceId, personId);
      const completions = await repos.training.completions(workspaceId, { personId });
      return (await repos.training.courses(workspaceId, false)).map((course) => {
        const latest = completions.filter((c) => c.courseId === course.id && c.date <= asOf).at(-1);
        return { course, required: isRequired(course, roles), latest, ...trainingState(latest?.date, course.renewalMonths, asOf) };
      });
    });
  }

  /** The report for admins and leadership only. */
  async reportFor(actor: Actor, asOf: string): Promise<CourseReport[]> {
    await this.store.read(async (repos) => await requireAnyRole(repos, actor, ['admin', 'leadership'], 'see the training report'));
    return await this.report(actor.workspaceId, asOf);
  }

  /** Per course that someone must take: completion rate, who is missing or expired, who expires soon. */
  async report(workspaceId: number, asOf: string): Promise<CourseReport[]> {
    return await this.store.read(async (repos) => await trainingReport(repos, workspaceId, asOf));
  }

  private async mustFindCourse(repos: Repositories, workspaceId: number, id: number): Promise<Course> {
    const course = await repos.training.findCourse(workspaceId, id);
    if (!course) throw new AimsError('not_found', `There is no course #${id}.`);
    return course;
  }
}

/** Recording training for other people: admins and trainers only; the refusal names them. */
async function requireTrainerOrAdmin(repos: Repositories, actor: Actor): Promise<void> {
  if (actor.roles.includes('admin') || actor.roles.includes('trainer')) return;
  const names = async (role: 'admin' | 'trainer') =>
    (await repos.roles.holders(actor.workspaceId, role)).map((holder) => personLabel(holder));
  const [admins, trainers] = [await names('admin'), await names('trainer')];
  const message = 'Only admins and trainers can record training for other people; you can record your own attendance.';
  const hint = [
    trainers.length > 0
      ? `Trainers: ${trainers.join(', ')}.`
      : 'There are no trainers yet: an admin grants the role with “role grant @person trainer”.',
    admins.length > 0 ? `Admins: ${admins.join(', ')}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  throw new AimsError('forbidden', message, { hint, fieldErrors: { attendeePersonIds: `${message} ${hint}` } });
}

/** The training report of a workspace as of a day, inside the caller's read (status uses it too). */
export async function trainingReport(repos: Repositories, workspaceId: number, asOf: string): Promise<CourseReport[]> {
  const courses = await repos.training.courses(workspaceId, false);
  if (courses.length === 0) return [];
  // One query for everyone's roles and one per course for completions: status, nudges and the
  // digest call this on their hot paths, so nothing here may cost a query per person.
  const people = await repos.people.list(workspaceId, 10_000);
  const rolesOf = new Map<number, string[]>();
  for (const holder of await repos.roles.holders(workspaceId))
    rolesOf.set(holder.personId, [...(rolesOf.get(holder.personId) ?? []), holder.role]);
  return await mapInTurn(courses, async (course) => {
    const required = people.filter((p) => isRequired(course, rolesOf.get(p.id) ?? []));
    // Completions come ordered by date: the last one per person on or before the day is their latest.
    const latestOf = new Map<number, Completion>();
    for (const completion of await repos.training.completions(workspaceId, { courseId: course.id })) {
      if (completion.date <= asOf) latestOf.set(completion.personId, completion);
    }
    const report: CourseReport = {
      course,
      requiredPeople: required.length,
      valid: 0,
      rate: 0,
      missing: [],
      expiringSoon: [],
      selfAttested: [],
    };
    for (const person of required) {
      const latest = latestOf.get(person.id);
      const { state, expires } = trainingState(latest?.date, course.renewalMonths, asOf);
      if (state === 'missing' || state === 'expired') report.missing.push({ person, state, expires });
      else report.valid += 1;
      if (state === 'due-soon' && expires) report.expiringSoon.push({ person, expires });
      if (latest?.selfAttested && state !== 'expired') report.selfAttested.push({ person, date: latest.date });
    }
    report.rate = required.length === 0 ? 1 : report.valid / required.length;
    return report;
  });
}

/** Required training of a workspace as of a day: completions that count over the (person, course) pairs that need one, and who is overdue (status and digest). Counted in the database: no completion row is read. */
export async function trainingTotals(
  repos: Repositories,
  workspaceId: number,
  asOf: string,
): Promise<{ required: number; valid: number; peopleOverdue: number }> {
  const courses = await repos.training.courses(workspaceId, false);
  return await repos.training.standing(
    workspaceId,
    asOf,
    courses.map((course) => ({ id: course.id, roles: course.requiredRoles, countsFrom: countsFrom(asOf, course.renewalMonths) })),
  );
}
