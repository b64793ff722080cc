import { commandPrefix } from '../../chat/command-prefix.ts';
import type { ActionSpec, Feature, FeatureContext, FormSpec } from '../../chat/feature.ts';
import { personIdOf } from '../../chat/form-people.ts';
import type { FormSubmission } from '../../chat/views/form.ts';
import type { FormResult } from '../../chat/views/view.ts';
import { firstDayFrom } from '../../core/iso42001/evidence-coverage.ts';
import { reviewCommand, reviewDoneFormFor, reviewEditForm, reviewList } from './commands.ts';
import { REVIEW_EVIDENCE, REVIEW_KIND_LABELS, REVIEW_KINDS, type ReviewSchedule } from './domain.ts';
import type { OverdueItem } from '../../core/digest/digest-service.ts';
import type { Repositories } from '../../core/ports.ts';
import { reviewCounts, ReviewService } from './service.ts';
import { countsByKind } from './views.ts';
import { formatDate } from '../../chat/views/format-time.ts';
import {
  REVIEW_ACTIONS,
  REVIEW_FORMS,
  reviewDoneInputFrom,
  reviewForm,
  reviewInputFrom,
  type ReviewActionId,
  type ReviewFormId,
} from './forms.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import type { AreaServiceDeps } from '../area.ts';
import { reviewReviewInputs } from './review-inputs.ts';
import { reviewExport } from './export.ts';

async function saveSchedule(ctx: FeatureContext, submission: FormSubmission, id: number | undefined): Promise<FormResult> {
  const { services, actor } = ctx;
  const raw = reviewInputFrom(submission.values, await personIdOf(ctx, submission, submission.values.owner));
  const schedule =
    id === undefined
      ? await services.reviews.add(actor, raw, `form:${submission.instanceKey}`)
      : await services.reviews.edit(actor, id, raw);
  const note = `Saved review #${schedule.id}, next due ${formatDate(schedule.nextDue)}.`;
  const list = await reviewList(services, actor, false, '', note);
  return {
    kind: 'done',
    view: list.kind === 'message' ? list.view : { summary: note, blocks: [{ type: 'text', text: note }], visibility: 'private' },
  };
}

const forms: Array<FormSpec<ReviewFormId>> = [
  {
    id: REVIEW_FORMS.add,
    open: async ({ services, actor }) =>
      reviewForm({
        systems: await services.systems.search(actor.workspaceId, '', 1000),
        people: await services.directory.people(actor.workspaceId),
        today: await services.reviews.todayFor(actor.workspaceId),
      }),
    submit: async (ctx, submission) => await saveSchedule(ctx, submission, undefined),
  },
  {
    id: REVIEW_FORMS.edit,
    open: async ({ services, actor }, context) => await reviewEditForm(services, actor, Number(context.review)),
    submit: async (ctx, submission) => await saveSchedule(ctx, submission, Number(submission.context.review)),
  },
  {
    id: REVIEW_FORMS.done,
    open: async ({ services, actor }, context) => await reviewDoneFormFor(services, actor, Number(context.review)),
    submit: async (ctx, submission) => {
      const { schedule, actions } = await ctx.services.reviews.done(
        ctx.actor,
        Number(submission.context.review),
        await reviewDoneInputFrom(submission.values, async (externalId) => await personIdOf(ctx, submission, externalId)),
      );
      const note = `Recorded review #${schedule.id}. Next due ${formatDate(schedule.nextDue)}.${actions > 0 ? ` ${actions} corrective action(s) created.` : ''}`;
      return { kind: 'done', view: { summary: note, blocks: [{ type: 'text', text: note }], visibility: 'private' } };
    },
  },
];

const actions: Array<ActionSpec<ReviewActionId>> = [
  {
    id: REVIEW_ACTIONS.done,
    handle: async ({ services, actor }, args) => ({ kind: 'form', form: await reviewDoneFormFor(services, actor, Number(args.review)) }),
  },
  {
    id: REVIEW_ACTIONS.scheduleForSystem,
    handle: async ({ services, actor, platform }, args) => {
      const created = await services.reviews.addSystemReviews(actor, Number(args.systemId));
      const note =
        created.length > 0 ? `Scheduled ${created.length} review(s), every 90 days.` : 'Its drift and bias reviews were already scheduled.';
      return await reviewList(services, actor, false, commandPrefix(platform), note);
    },
  },
];

/** Overdue reviews as a digest's overdue items, with their owners (read in one query) and the button that records each done. */
async function overdueReviews(
  repos: Repositories,
  workspaceId: number,
  reviews: readonly ReviewSchedule[],
  daysOverdue: (due: string) => number,
): Promise<OverdueItem[]> {
  const owners = new Map(
    (await repos.people.findByIds(workspaceId, [...new Set(reviews.map((r) => r.ownerPersonId))])).map((p) => [p.id, p]),
  );
  return reviews.map((review) => ({
    what: `Review #${review.id} (${review.kind.replace(/-/g, ' ')})`,
    owner: owners.get(review.ownerPersonId),
    due: review.nextDue,
    daysOverdue: daysOverdue(review.nextDue),
    button: { label: `Done #${review.id}…`, action: REVIEW_ACTIONS.done, args: { review: String(review.id) } },
  }));
}

/** Reviews on a cadence: drift, bias, impact, policy, internal audit, management review (9.1, 9.2, 9.3, A.2.4, A.5, A.6.2.6, A.7.4). */
export const reviewsFeature: Feature = {
  name: 'reviews',
  reviewInputs: reviewReviewInputs,
  export: reviewExport,
  commands: [
    {
      word: 'review',
      usage: 'review add | list | mine | edit <n> | done <n>',
      group: 'review',
      button: { label: 'Schedule a review', form: REVIEW_FORMS.add },
      summary: 'Drift, bias, risk and management reviews on a cadence; record them done.',
      handle: reviewCommand,
    },
  ],
  forms,
  actions,
  status: {
    section: async (repos, workspaceId, { today }) => {
      const counts = await reviewCounts(repos, workspaceId, today);
      return {
        title: 'Reviews',
        fields: [
          { label: 'Overdue', value: countsByKind(counts.overdue) },
          { label: 'Due this week', value: countsByKind(counts.dueThisWeek) },
        ],
      };
    },
  },
  digest: {
    fields: async (repos, workspaceId, { from, today }) => [
      {
        label: 'Reviews',
        value: `${await repos.reviews.doneSince(workspaceId, from)} done this week; overdue: ${countsByKind((await reviewCounts(repos, workspaceId, today)).overdue)}`,
      },
    ],
    overdue: async (repos, workspaceId, { today, daysOverdue }) =>
      await overdueReviews(
        repos,
        workspaceId,
        (await repos.reviews.list(workspaceId, {})).filter((review) => review.nextDue < today),
        daysOverdue,
      ),
    // The count and the first few by the (workspace, next due) index: the owners of those few only.
    overdueTop: async (repos, workspaceId, { today, daysOverdue }, limit) => {
      const late = await repos.reviews.overdue(workspaceId, today, limit);
      return {
        count: late.count,
        items: await overdueReviews(repos, workspaceId, late.first, daysOverdue),
      };
    },
  },
  nudges: {
    prefix: 'review',
    items: async (repos, workspaceId, { horizon, daysOverdue }) =>
      (await repos.reviews.list(workspaceId, {}))
        .filter((review) => review.nextDue <= horizon)
        .map((review) => ({
          personId: review.ownerPersonId,
          item: {
            key: `review:${review.id}`,
            text: `Review #${review.id}: ${REVIEW_KIND_LABELS[review.kind]}`,
            due: review.nextDue,
            daysOverdue: daysOverdue(review.nextDue),
            done: { action: REVIEW_ACTIONS.done, args: { review: String(review.id) } },
          },
        })),
  },
  evidence: {
    kinds: [...new Set(REVIEW_KINDS.flatMap((kind) => REVIEW_EVIDENCE[kind] ?? []))],
    present: async (repos, workspaceId) =>
      (await repos.reviews.kindsDone(workspaceId)).flatMap((kind) => (REVIEW_EVIDENCE[kind] ? [REVIEW_EVIDENCE[kind]] : [])),
    presentSince: async (repos, workspaceId, from) =>
      (await repos.reviews.kindsDone(workspaceId, firstDayFrom(from))).flatMap((kind) =>
        REVIEW_EVIDENCE[kind] ? [REVIEW_EVIDENCE[kind]] : [],
      ),
    // A review counts as evidence once it is recorded done, not when it is scheduled.
    count: async (repos, workspaceId, period) => {
      const counts: Record<string, number> = {};
      const days = {
        ...(period.from === undefined ? {} : { from: firstDayFrom(period.from) }),
        ...(period.to === undefined ? {} : { before: firstDayFrom(period.to) }),
      };
      for (const done of await repos.reviews.completedCounts(workspaceId, days)) {
        const kind = REVIEW_EVIDENCE[done.kind];
        if (kind) counts[kind] = (counts[kind] ?? 0) + done.n;
      }
      return counts;
    },
  },
};

/** The area's service, built over the kernel's store and clock (registered in src/features/index.ts). */
export const reviewServices = ({ store, clock, defaultTimeZone }: AreaServiceDeps): Pick<ChatServices, 'reviews'> => ({
  reviews: new ReviewService(store, clock, defaultTimeZone),
});

// The area adds its service to the ones the chat layer routes to; src/chat/chat-services.ts lists only the kernel's.
declare module '../../chat/chat-services.ts' {
  interface ChatServices {
    reviews: ReviewService;
  }
}
