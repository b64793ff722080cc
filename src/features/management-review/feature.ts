import type { ChatServices } from '../../chat/chat-services.ts';
import type { ActionSpec, Feature, FormSpec, OutboxSubjectSpec } from '../../chat/feature.ts';
import { personalView } from '../../chat/outbox-personal-copy.ts';
import { addDays } from '../../core/calendar-days.ts';
import { mapInTurn } from '../../core/in-turn.ts';
import { inPeriod } from '../../core/iso42001/evidence-coverage.ts';
import type { Repositories } from '../../core/ports.ts';
import { reviewInputSourcesOf } from '../../chat/feature.ts';
import type { AreaServiceDeps } from '../area.ts';
import { openReviewForm, reviewAction, reviewCommand, submitReviewForm } from './commands.ts';
import { actionKey, DEFAULT_REVIEW_CADENCE_DAYS, reviewKey } from './domain.ts';
import { managementReviewExport } from './export.ts';
import { MR_ACTIONS, MR_FORMS, mrFieldOf, type MrActionId, type MrFormId } from './forms.ts';
import { managementReviewInputs } from './review-inputs.ts';
import { ManagementReviewService, MR_NOTICES } from './service.ts';
import { reviewCardView } from './views.ts';

const forms: Array<FormSpec<MrFormId>> = Object.values(MR_FORMS).map((id) => ({
  id,
  open: async ({ services, actor }, context) => await openReviewForm(services, actor, id, Number(context.review)),
  submit: submitReviewForm,
  fieldOf: mrFieldOf,
}));

const actions: Array<ActionSpec<MrActionId>> = [MR_ACTIONS.show, MR_ACTIONS.close, MR_ACTIONS.actionDone].map((id) => ({
  id,
  handle: async (ctx, args) => await reviewAction(ctx, id, args),
}));

/**
 * When the next review is due: the last one's opening plus the cadence of the reviews area's management-review
 * schedule (a year without one). Before the first review, that schedule (the reviews area's nudge) says when.
 */
async function nextReviewDue(repos: Repositories, workspaceId: number): Promise<{ due: string; text: string } | undefined> {
  const reviews = await repos.managementReviews.all(workspaceId);
  const last = reviews[0];
  if (!last || last.status === 'open') return undefined;
  const schedules = (await repos.reviews.list(workspaceId, {})).filter((s) => s.kind === 'management-review');
  const cadence = schedules.length > 0 ? Math.min(...schedules.map((s) => s.cadenceDays)) : DEFAULT_REVIEW_CADENCE_DAYS;
  const due = addDays(last.openedAt.slice(0, 10), cadence);
  return { due, text: `Management review due (every ${cadence} days; last: ${reviewKey(last)}, opened ${last.openedAt.slice(0, 10)})` };
}

/** What the outbox sends about a review: its card in the leadership channel, and the notice to an action's owner. */
const reviewOutbox: OutboxSubjectSpec = {
  type: 'management-review',
  label: async (repos, workspaceId, id) => `MR-${(await repos.managementReviews.findById(workspaceId, id))?.number ?? '?'}`,
  async card(services, workspaceId, id) {
    const details = await services.managementReviews.detailsById(workspaceId, id);
    return details ? reviewCardView(details, await services.settings.timeZoneOf(workspaceId)) : undefined;
  },
  async notice(services, workspaceId, id, notice) {
    const details = await services.managementReviews.detailsById(workspaceId, id);
    if (!details || notice !== MR_NOTICES.actionYours) return undefined;
    const view = reviewCardView(details, await services.settings.timeZoneOf(workspaceId));
    return personalView(view, `${reviewKey(details.review)} gave you an action: see it below, and mark it done when it is.`, true);
  },
};

export const managementReviewFeature: Feature = {
  name: 'management-review',
  outbox: [reviewOutbox],
  export: managementReviewExport,
  reviewInputs: managementReviewInputs,
  commands: [
    {
      word: 'management-review',
      aliases: ['mr'],
      usage: 'management-review (opens one) | mr list | mr MR-1 [decision | action | action 2 done | attendees | close]',
      group: 'review',
      button: { label: 'Open a review', command: 'management-review' },
      summary: 'Management review (9.3): inputs gathered from the store, attendees, decisions and actions; the chair closes and locks it.',
      handle: reviewCommand,
    },
  ],
  forms,
  actions,
  nudges: {
    prefix: 'mr',
    items: async (repos, workspaceId, { horizon, daysOverdue }) => {
      const numbers = new Map((await repos.managementReviews.all(workspaceId)).map((r) => [r.id, r.number]));
      const actionItems = (await repos.managementReviews.actions(workspaceId, { status: 'open' }))
        .filter((a) => a.dueDate <= horizon)
        .map((a) => {
          const review = String(numbers.get(a.reviewId) ?? 0);
          return {
            personId: a.ownerPersonId,
            item: {
              key: `mr:action:${a.id}`,
              text: `${actionKey({ number: Number(review) }, a)}: ${a.title}`,
              due: a.dueDate,
              daysOverdue: daysOverdue(a.dueDate),
              done: { action: MR_ACTIONS.actionDone, args: { review, action: String(a.number) } },
            },
          };
        });
      const next = await nextReviewDue(repos, workspaceId);
      const leaders = next && next.due <= horizon ? await repos.roles.holders(workspaceId, 'leadership') : [];
      const cadenceItems = leaders.map((holder) => ({
        personId: holder.personId,
        item: { key: `mr:due:${next?.due ?? ''}`, text: next?.text ?? '', due: next?.due ?? '', daysOverdue: daysOverdue(next?.due ?? '') },
      }));
      return [...actionItems, ...cadenceItems];
    },
  },
  status: {
    section: async (repos, workspaceId, { today }) => {
      const reviews = await repos.managementReviews.all(workspaceId);
      const open = await repos.managementReviews.actions(workspaceId, { status: 'open' });
      const next = await nextReviewDue(repos, workspaceId);
      const current = reviews.find((r) => r.status === 'open');
      return {
        title: 'Management review',
        fields: [
          {
            label: 'Last review',
            value: reviews[0] ? `${reviewKey(reviews[0])}, opened ${reviews[0].openedAt.slice(0, 10)} (${reviews[0].status})` : 'none yet',
          },
          { label: 'Open actions', value: `${open.length} (${open.filter((a) => a.dueDate < today).length} overdue)` },
          { label: 'Next review', value: current ? `${reviewKey(current)} is open` : next ? `due ${next.due}` : 'not scheduled' },
        ],
      };
    },
  },
  digest: {
    overdue: async (repos, workspaceId, { today, daysOverdue }) => {
      const numbers = new Map((await repos.managementReviews.all(workspaceId)).map((r) => [r.id, r.number]));
      const late = await mapInTurn(
        (await repos.managementReviews.actions(workspaceId, { status: 'open' })).filter((a) => a.dueDate < today),
        async (a) => {
          const review = String(numbers.get(a.reviewId) ?? 0);
          return {
            what: `${actionKey({ number: Number(review) }, a)}: ${a.title}`,
            owner: await repos.people.findById(workspaceId, a.ownerPersonId),
            due: a.dueDate,
            daysOverdue: daysOverdue(a.dueDate),
            button: {
              label: `Done ${actionKey({ number: Number(review) }, a)}`.slice(0, 75),
              action: MR_ACTIONS.actionDone,
              args: { review, action: String(a.number) },
            },
          };
        },
      );
      const next = await nextReviewDue(repos, workspaceId);
      const due =
        next && next.due < today ? [{ what: next.text, owner: undefined, due: next.due, daysOverdue: daysOverdue(next.due) }] : [];
      return [...late, ...due];
    },
  },
  evidence: {
    kinds: ['management-review'],
    // A review counts once held: closed, with its minutes locked.
    count: async (repos, workspaceId, period) => ({
      'management-review': (await repos.managementReviews.all(workspaceId)).filter(
        (r) => r.status === 'closed' && r.closedAt !== null && inPeriod(r.closedAt, period),
      ).length,
    }),
    present: async (repos, workspaceId) =>
      (await repos.managementReviews.all(workspaceId)).some((r) => r.status === 'closed') ? ['management-review'] : [],
  },
};

/** The area's service (registered in src/features/index.ts); it gathers its inputs from every area's `reviewInputs`. */
export const managementReviewServices = ({
  store,
  clock,
  defaultTimeZone,
  features,
}: AreaServiceDeps): Pick<ChatServices, 'managementReviews'> => ({
  managementReviews: new ManagementReviewService(
    store,
    clock,
    defaultTimeZone,
    reviewInputSourcesOf(features ?? [managementReviewFeature]),
  ),
});

declare module '../../chat/chat-services.ts' {
  interface ChatServices {
    managementReviews: ManagementReviewService;
  }
}
