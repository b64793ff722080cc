import { firstDayFrom } from '../../core/iso42001/evidence-coverage.ts';
import { ROUTER_ACTIONS, type Feature, type FeatureContext, type FormSpec, type OutboxSubjectSpec } from '../../chat/feature.ts';
import type { FormSubmission } from '../../chat/views/form.ts';
import type { FormResult } from '../../chat/views/view.ts';
import { personIdOf } from '../../chat/form-people.ts';
import { attendeesNote, botIdOf } from '../../chat/outbox-notes.ts';
import { subjectOf } from '../../core/outbox/outbox.ts';
import type { Repositories } from '../../core/ports.ts';
import { trainingCommand } from './commands.ts';
import { courseForm, courseInputFrom, sessionForm, TRAINING_FORMS, type TrainingFormId } from './forms.ts';
import { trainingReport, trainingTotals, TrainingService } from './service.ts';
import { courseListView } from './views.ts';
import { formatDate } from '../../chat/views/format-time.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import type { AreaServiceDeps } from '../area.ts';
import { mapInTurn } from '../../core/in-turn.ts';
import { TREND_KEYS } from '../../core/charts/trend-source.ts';
import { trainingExport } from './export.ts';

const TRAINING_FIELD_OF: Record<string, string> = { courseId: 'course', attendeePersonIds: 'attendees' };
const fieldOf = (field: string) => TRAINING_FIELD_OF[field] ?? field;

const forms: Array<FormSpec<TrainingFormId>> = [
  {
    id: TRAINING_FORMS.courseAdd,
    open: () => courseForm(),
    submit: async (ctx, submission) => await saveCourse(ctx, submission, undefined),
    fieldOf,
  },
  {
    id: TRAINING_FORMS.courseEdit,
    open: async ({ services, actor }, context) =>
      courseForm((await services.training.courses(actor.workspaceId, true)).find((c) => c.id === Number(context.course))),
    submit: async (ctx, submission) => await saveCourse(ctx, submission, Number(submission.context.course)),
    fieldOf,
  },
  {
    id: TRAINING_FORMS.session,
    open: async ({ services, actor }) =>
      sessionForm(
        await services.training.courses(actor.workspaceId),
        await services.directory.people(actor.workspaceId),
        await services.training.today(actor.workspaceId),
      ),
    submit: async (ctx, submission) => {
      const { services, actor } = ctx;
      const { values } = submission;
      const attendees = await mapInTurn(
        (values.attendees ?? '').split(',').filter(Boolean),
        async (externalId) => (await personIdOf(ctx, submission, externalId)) ?? 0,
      );
      const result = await services.training.recordSession(
        actor,
        {
          courseId: values.course ? Number(values.course) : undefined,
          date: values.date,
          trainer: values.trainer,
          attendeePersonIds: attendees,
          evidence: values.evidence,
        },
        `form:${submission.instanceKey}`,
      );
      const course = (await services.training.courses(actor.workspaceId, true)).find((c) => c.id === result.courseId);
      // Each newly recorded attendee is told through the outbox (queued with the session); say honestly who was reached.
      const subject = subjectOf('training-session', result.sessionId);
      const told = result.repeated
        ? ''
        : ` ${await attendeesNote(services, actor.workspaceId, subject, await ctx.outbox.sendFor(subject), botIdOf(ctx.origin))}`;
      const total = result.recorded.length + result.already.length;
      const note = result.repeated
        ? 'This session was already recorded.'
        : `Recorded ${course?.name ?? 'the session'} on ${values.date ? formatDate(values.date) : ''} for ${total} ${total === 1 ? 'person' : 'people'}${result.already.length > 0 ? ` (${result.already.length} already had it for that day)` : ''}.${told}`;
      return { kind: 'done', view: { summary: note, blocks: [{ type: 'text', text: note }], visibility: 'private' } };
    },
    fieldOf,
  },
];

async function saveCourse(ctx: FeatureContext, submission: FormSubmission, id: number | undefined): Promise<FormResult> {
  const { services, actor } = ctx;
  const raw = courseInputFrom(submission.values);
  const course = id === undefined ? await services.training.addCourse(actor, raw) : await services.training.editCourse(actor, id, raw);
  return {
    kind: 'done',
    view: courseListView(await services.training.courses(actor.workspaceId, true), '', `Saved the course ${course.name}.`),
  };
}

/** Training sessions, attendance and who is due (7.2, 7.3, A.4.6, A.9.2). */
/** What the outbox sends about a training session: each newly recorded attendee's notice. */
const sessionOutbox: OutboxSubjectSpec = {
  type: 'training-session',
  label: (_repos, _workspaceId, id) => `training session #${id}`,
  async notice(services, workspaceId, id) {
    const notice = await services.training.attendanceNotice(workspaceId, id);
    if (!notice) return undefined;
    const text = `Your attendance at ${notice.course} on ${formatDate(notice.date)} was recorded by ${notice.recordedBy}.`;
    return { summary: 'Training recorded', blocks: [{ type: 'text', text }], visibility: 'private' };
  },
};

/** Required training below 90% done keeps the week from being healthy (the digest's rule). */
async function trainingShortfall(
  repos: Repositories,
  workspaceId: number,
  today: string,
): Promise<{ percent: number; peopleOverdue: number } | undefined> {
  const { required, valid, peopleOverdue } = await trainingTotals(repos, workspaceId, today);
  return required > 0 && valid / required < 0.9 ? { percent: Math.round((valid / required) * 100), peopleOverdue } : undefined;
}

export const trainingFeature: Feature = {
  name: 'training',
  export: trainingExport,
  outbox: [sessionOutbox],
  commands: [
    {
      word: 'training',
      usage: 'training | training me | training done <course> | training report | training course add',
      group: 'train',
      button: { label: 'Record training', form: TRAINING_FORMS.session },
      summary: 'Record a training session and who attended (admins and trainers, for others); who is due; courses (admins).',
      handle: trainingCommand,
    },
  ],
  forms,
  status: {
    section: async (repos, workspaceId, { today }) => {
      const totals = await trainingTotals(repos, workspaceId, today);
      return {
        title: 'Training',
        fields: [
          {
            label: 'Required training done',
            value:
              totals.required === 0
                ? 'nothing required yet'
                : `${Math.round((totals.valid / totals.required) * 100)}% (${totals.valid} of ${totals.required})`,
          },
          { label: 'People overdue', value: String(totals.peopleOverdue) },
        ],
      };
    },
  },
  digest: {
    fields: async (repos, workspaceId, { today }) => {
      const { required, valid, peopleOverdue } = await trainingTotals(repos, workspaceId, today);
      return [
        {
          label: 'Required training',
          value: required === 0 ? 'nothing required yet' : `${Math.round((valid / required) * 100)}% done, ${peopleOverdue} people overdue`,
        },
      ];
    },
    concerns: async (repos, workspaceId, { today }) => {
      const short = await trainingShortfall(repos, workspaceId, today);
      return short ? [`required training at ${short.percent}%`] : [];
    },
    // Behind the concern: who is missing what, one click away (admins and leadership may read the report).
    attention: async (repos, workspaceId, { today }) => {
      const short = await trainingShortfall(repos, workspaceId, today);
      if (!short) return [];
      return [
        {
          what: `Required training at ${short.percent}%`,
          why: `${short.peopleOverdue} ${short.peopleOverdue === 1 ? 'person' : 'people'} overdue`,
          button: { label: 'Training report', action: ROUTER_ACTIONS.runCommand, args: { text: 'training report' } },
        },
      ];
    },
  },
  // The digest's trend chart: required training done at each week's end, as the digest counted it that day (none while nothing is required).
  trend: {
    series: async (repos, workspaceId, weeks) => [
      {
        key: TREND_KEYS.trainingCompletion,
        label: 'Training completion',
        unit: 'percent',
        shape: 'line',
        values: await mapInTurn(weeks, async (week) => {
          const { required, valid } = await trainingTotals(repos, workspaceId, week.lastDay);
          return required === 0 ? null : Math.round((valid / required) * 100);
        }),
      },
    ],
  },
  nudges: {
    prefix: 'training',
    items: async (repos, workspaceId, { today, horizon, daysOverdue }) =>
      (await trainingReport(repos, workspaceId, today)).flatMap((report) => [
        ...report.missing.map((missing) => {
          const due = missing.expires ?? report.course.createdAt.slice(0, 10);
          return {
            personId: missing.person.id,
            item: {
              key: `training:${report.course.id}`,
              text: `Training: ${report.course.name} (${missing.state === 'expired' ? 'expired' : 'not done'})`,
              due,
              daysOverdue: daysOverdue(due),
            },
          };
        }),
        ...report.expiringSoon
          .filter((soon) => soon.expires <= horizon)
          .map((soon) => ({
            personId: soon.person.id,
            item: {
              key: `training:${report.course.id}`,
              text: `Training: ${report.course.name} (renew before ${formatDate(soon.expires)})`,
              due: soon.expires,
              daysOverdue: daysOverdue(soon.expires),
            },
          })),
      ]),
  },
  evidence: {
    kinds: ['training'],
    present: async (repos, workspaceId) => ((await repos.training.exists(workspaceId)) ? ['training'] : []),
    presentSince: async (repos, workspaceId, from) => ((await repos.training.exists(workspaceId, firstDayFrom(from))) ? ['training'] : []),
    // Counted in the database (a completion's day counts when its midnight, UTC, lies in the period: inPeriod's rule).
    count: async (repos, workspaceId, period) => ({
      training: await repos.training.countCompletions(workspaceId, {
        ...(period.from === undefined ? {} : { from: firstDayFrom(period.from) }),
        ...(period.to === undefined ? {} : { before: firstDayFrom(period.to) }),
      }),
    }),
  },
};

/** The area's service, built over the kernel's store and clock (registered in src/features/index.ts). */
export const trainingServices = ({ store, clock, defaultTimeZone }: AreaServiceDeps): Pick<ChatServices, 'training'> => ({
  training: new TrainingService(store, clock, defaultTimeZone),
});

// The area adds its service to the ones the chat layer routes to; src/chat/chat-services.ts lists only the kernel's.
declare module '../../chat/chat-services.ts' {
  interface ChatServices {
    training: TrainingService;
  }
}
