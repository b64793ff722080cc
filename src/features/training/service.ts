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
import { isRequired, TRAINING_AUDIT, trainingState, type Completion, type Course, type TrainingState } from './domain.ts';
import { courseInputSchema, selfAttestationSchema, sessionInputSchema } from './input.ts';

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
  today(workspaceId: number): string {
    return this.store.read((repos) => todayIn(repos.settings.get(workspaceId)?.timeZone ?? this.defaultTimeZone, this.clock.now()));
  }

  private audit(repos: Repositories, actor: Actor, action: string, subject: string, before: unknown, after: unknown, at: string): void {
    repos.audit.append(
      { workspaceId: actor.workspaceId, actorPersonId: actor.personId, actor: actor.label, action, subject, before, after },
      at,
    );
  }

  private parseCourse(repos: Repositories, actor: Actor, raw: unknown, selfId?: number) {
    const parsed = courseInputSchema.safeParse(raw);
    const errors = parsed.success ? {} : fieldErrorsOf(parsed.error.issues);
    const name = (raw as { name?: unknown } | undefined)?.name;
    if (typeof name === 'string' && name.trim() !== '') {
      const clash = repos.training.courses(actor.workspaceId, true).find((course) => course.id !== selfId && looksAlike(course.name, name));
      if (clash) errors.name ??= `A course named “${clash.name}” already exists.`;
    }
    if (!parsed.success || Object.keys(errors).length > 0) throw invalidInput(errors);
    return parsed.data;
  }

  /** Adds a course (admins). */
  addCourse(actor: Actor, raw: unknown): Course {
    const at = this.clock.now().toISOString();
    return this.store.write((repos) => {
      requireAdmin(repos, actor, 'manage courses');
      const input = this.parseCourse(repos, actor, raw);
      const course = repos.training.insertCourse({
        ...input,
        workspaceId: actor.workspaceId,
        nameKey: keyOf(input.name),
        status: 'active',
        createdAt: at,
        updatedAt: at,
      });
      this.audit(repos, actor, TRAINING_AUDIT.courseCreated, `course:${course.id}`, null, course, at);
      return course;
    });
  }

  editCourse(actor: Actor, id: number, raw: unknown): Course {
    const at = this.clock.now().toISOString();
    return this.store.write((repos) => {
      requireAdmin(repos, actor, 'manage courses');
      const before = this.mustFindCourse(repos, actor.workspaceId, id);
      const input = this.parseCourse(repos, actor, raw, id);
      const after: Course = { ...before, ...input, nameKey: keyOf(input.name), updatedAt: at };
      repos.training.updateCourse(actor.workspaceId, id, { ...input, nameKey: after.nameKey, updatedAt: at });
      this.audit(repos, actor, TRAINING_AUDIT.courseUpdated, `course:${id}`, before, after, at);
      return after;
    });
  }

  retireCourse(actor: Actor, id: number): { course: Course; changed: boolean } {
    const at = this.clock.now().toISOString();
    return this.store.write((repos) => {
      requireAdmin(repos, actor, 'manage courses');
      const course = this.mustFindCourse(repos, actor.workspaceId, id);
      if (course.status === 'retired') return { course, changed: false };
      repos.training.updateCourse(actor.workspaceId, id, { status: 'retired', updatedAt: at });
      this.audit(repos, actor, TRAINING_AUDIT.courseRetired, `course:${id}`, { status: 'active' }, { status: 'retired' }, at);
      return { course: { ...course, status: 'retired', updatedAt: at }, changed: true };
    });
  }

  courses(workspaceId: number, includeRetired = false): Course[] {
    return this.store.read((repos) => repos.training.courses(workspaceId, includeRetired));
  }

  /** A course by name (any case) or #id. */
  findCourse(workspaceId: number, ref: string): Course {
    return this.store.read((repos) => {
      const byId = /^#?(\d+)$/.exec(ref.trim());
      const course = byId
        ? repos.training.findCourse(workspaceId, Number(byId[1]))
        : repos.training.findCourseByName(workspaceId, keyOf(ref));
      if (!course) {
        const names = repos.training.courses(workspaceId, false).map((c) => c.name);
        throw new AimsError('not_found', `There is no course “${ref.trim()}”.`, {
          hint: names.length > 0 ? `Courses: ${names.join(', ')}.` : 'An admin can add one with “training course add”.',
        });
      }
      return course;
    });
  }

  private checkCourse(repos: Repositories, workspaceId: number, courseId: number, errors: Record<string, string>): Course | undefined {
    const course = repos.training.findCourse(workspaceId, courseId);
    if (!course || course.status === 'retired') errors.courseId = 'Choose a course of this workspace that is not retired.';
    return course;
  }

  /**
   * Records a session and a completion for each attendee dated the session day. A member may record
   * their own attendance only; recording others takes an admin or a trainer (attendees are told).
   * A person already recorded for that course and day keeps one completion.
   */
  recordSession(
    actor: Actor,
    raw: unknown,
    submissionKey?: string,
  ): { sessionId: number; courseId: number; recorded: number[]; already: number[]; repeated: boolean } {
    const at = this.clock.now().toISOString();
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, raw }) : undefined;
    return this.store.write((repos) => {
      if (bound) {
        const earlier = replayOf<{ sessionId?: number; courseId?: number; recorded?: number[]; already?: number[] }>(
          repos.dedupe,
          bound,
          (outcome) => `training session #${outcome?.sessionId ?? '?'}`,
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
      if (typeof fields.courseId === 'number') this.checkCourse(repos, actor.workspaceId, fields.courseId, errors);
      const today = todayIn(repos.settings.get(actor.workspaceId)?.timeZone ?? this.defaultTimeZone, this.clock.now());
      if (typeof fields.date === 'string' && fields.date > today) errors.date ??= 'The session cannot be in the future.';
      if (parsed.success && parsed.data.attendeePersonIds.some((id) => !repos.people.findById(actor.workspaceId, id)))
        errors.attendeePersonIds ??= 'Every attendee must be a person of this workspace.';
      if (!parsed.success || Object.keys(errors).length > 0) throw invalidInput(errors);
      const input = parsed.data;
      if (input.attendeePersonIds.some((id) => id !== actor.personId)) requireTrainerOrAdmin(repos, actor);
      const session = repos.training.insertSession({
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
        const inserted = repos.training.insertCompletion({
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
      claimBound(repos.dedupe, bound, actor.workspaceId, at, { sessionId: session.id, courseId: session.courseId, recorded, already });
      this.audit(
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
        queueDirect(repos, actor.workspaceId, subjectOf('training-session', session.id), personId, 'training.recorded', at);
      return { sessionId: session.id, courseId: session.courseId, recorded, already, repeated: false };
    });
  }

  /** What an attendee of a session is told about: the course, the day (YYYY-MM-DD) and who recorded it. */
  attendanceNotice(workspaceId: number, sessionId: number): { course: string; date: string; recordedBy: string } | undefined {
    return this.store.read((repos) => {
      const session = repos.training.findSession(workspaceId, sessionId);
      if (!session) return undefined;
      const course = repos.training.findCourse(workspaceId, session.courseId);
      const recorder = repos.people.findById(workspaceId, session.recordedBy);
      return { course: course?.name ?? 'a training', date: session.date, recordedBy: recorder ? personLabel(recorder) : 'a colleague' };
    });
  }

  /** Records the actor's own completion of a self-paced course. */
  selfAttest(actor: Actor, raw: unknown): { recorded: boolean; course: Course } {
    const at = this.clock.now().toISOString();
    return this.store.write((repos) => {
      const parsed = selfAttestationSchema.safeParse(raw);
      if (!parsed.success) throw new AimsError('invalid_input', parsed.error.issues[0]?.message ?? 'That is not a valid completion.');
      const errors: Record<string, string> = {};
      const course = this.checkCourse(repos, actor.workspaceId, parsed.data.courseId, errors);
      const today = todayIn(repos.settings.get(actor.workspaceId)?.timeZone ?? this.defaultTimeZone, this.clock.now());
      if (parsed.data.date > today) errors.date = 'The date cannot be in the future.';
      if (!course || Object.keys(errors).length > 0)
        throw new AimsError('invalid_input', Object.values(errors)[0] ?? 'That course cannot be completed.');
      const recorded = repos.training.insertCompletion({
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
        this.audit(
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
  standing(workspaceId: number, personId: number, asOf: string): CourseStanding[] {
    return this.store.read((repos) => {
      const roles = repos.roles.rolesOf(workspaceId, personId);
      const completions = repos.training.completions(workspaceId, { personId });
      return repos.training.courses(workspaceId, false).map((course) => {
        const latest = completions.filter((c) => c.courseId === course.id && c.date <= asOf).at(-1);
        return { course, required: isRequired(course, roles), latest, ...trainingState(latest?.date, course.renewalMonths, asOf) };
      });
    });
  }

  /** The report for admins and leadership only. */
  reportFor(actor: Actor, asOf: string): CourseReport[] {
    this.store.read((repos) => requireAnyRole(repos, actor, ['admin', 'leadership'], 'see the training report'));
    return this.report(actor.workspaceId, asOf);
  }

  /** Per course that someone must take: completion rate, who is missing or expired, who expires soon. */
  report(workspaceId: number, asOf: string): CourseReport[] {
    return this.store.read((repos) => trainingReport(repos, workspaceId, asOf));
  }

  private mustFindCourse(repos: Repositories, workspaceId: number, id: number): Course {
    const course = repos.training.findCourse(workspaceId, id);
    if (!course) throw new AimsError('not_found', `There is no course #${id}.`);
    return course;
  }
}

/** Recording training for other people: admins and trainers only; the refusal names them. */
function requireTrainerOrAdmin(repos: Repositories, actor: Actor): void {
  if (actor.roles.includes('admin') || actor.roles.includes('trainer')) return;
  const names = (role: 'admin' | 'trainer') => repos.roles.holders(actor.workspaceId, role).map((holder) => personLabel(holder));
  const [admins, trainers] = [names('admin'), names('trainer')];
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
export function trainingReport(repos: Repositories, workspaceId: number, asOf: string): CourseReport[] {
  const courses = repos.training.courses(workspaceId, false);
  if (courses.length === 0) return [];
  // One query for everyone's roles and one per course for completions: status, nudges and the
  // digest call this on their hot paths, so nothing here may cost a query per person.
  const people = repos.people.list(workspaceId, 10_000);
  const rolesOf = new Map<number, string[]>();
  for (const holder of repos.roles.holders(workspaceId))
    rolesOf.set(holder.personId, [...(rolesOf.get(holder.personId) ?? []), holder.role]);
  return courses.map((course) => {
    const required = people.filter((p) => isRequired(course, rolesOf.get(p.id) ?? []));
    // Completions come ordered by date: the last one per person on or before the day is their latest.
    const latestOf = new Map<number, Completion>();
    for (const completion of repos.training.completions(workspaceId, { courseId: course.id })) {
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

/** Required training of a workspace as of a day: completions that count over the (person, course) pairs that need one, and who is overdue (status and digest). */
export function trainingTotals(
  repos: Repositories,
  workspaceId: number,
  asOf: string,
): { required: number; valid: number; peopleOverdue: number } {
  const report = trainingReport(repos, workspaceId, asOf);
  return {
    required: report.reduce((n, r) => n + r.requiredPeople, 0),
    valid: report.reduce((n, r) => n + r.valid, 0),
    peopleOverdue: new Set(report.flatMap((r) => r.missing.map((m) => m.person.id))).size,
  };
}
