import type { ButtonView } from '../../chat/views/form.ts';
import { formatInstant } from '../../chat/views/format-time.ts';
import type { Block, MessageView } from '../../chat/views/view.ts';
import { personLabel, type Person } from '../../core/identity.ts';
import { REVIEW_INPUT_SECTIONS, REVIEW_INPUT_TITLES } from '../../core/management-review/review-inputs.ts';
import { actionKey, reviewKey, type ManagementReview } from './domain.ts';
import { MR_ACTIONS } from './forms.ts';
import type { ReviewDetails } from './service.ts';

const who = (people: Map<number, Person>, id: number | null) => {
  if (id === null) return 'none yet';
  const person = people.get(id);
  return person ? personLabel(person) : `person #${id}`;
};

/** Inputs shown per section on the card; the rest are counted (the export and the minutes carry them all). */
const SHOWN_PER_SECTION = 15;

/** The review's card: what was presented (inputs by clause 9.3.2 section), who attended, what was decided and who does what. */
export function reviewCardView(details: ReviewDetails, timeZone: string, note?: string): MessageView {
  const { review, decisions, actions, people } = details;
  const key = reviewKey(review);
  const closed = review.status === 'closed';
  const blocks: Block[] = [];
  if (note) blocks.push({ type: 'text', text: note });
  blocks.push(
    { type: 'header', text: `${key} · Management review${closed ? ' (closed, locked)' : ''}` },
    {
      type: 'fields',
      fields: [
        { label: 'Chair', value: who(people, review.chairPersonId) },
        { label: 'Opened', value: `${formatInstant(review.openedAt, timeZone)} by ${who(people, review.openedByPersonId)}` },
        {
          label: 'Inputs since',
          value: review.periodSince ? formatInstant(review.periodSince, timeZone) : 'the beginning (first review)',
        },
        {
          label: 'Attendees',
          value:
            review.attendeePersonIds.length > 0
              ? review.attendeePersonIds
                  .map((id) => who(people, id))
                  .join(', ')
                  .slice(0, 1900)
              : 'none yet',
        },
        ...(closed && review.closedAt
          ? [{ label: 'Closed', value: `${formatInstant(review.closedAt, timeZone)} by ${who(people, review.closedByPersonId)}` }]
          : []),
      ],
    },
  );
  for (const section of REVIEW_INPUT_SECTIONS) {
    const items = review.inputs.filter((item) => item.section === section);
    blocks.push({ type: 'text', text: [{ text: REVIEW_INPUT_TITLES[section], style: 'bold' }, { text: ` (${items.length})` }] });
    if (items.length > 0)
      blocks.push({
        type: 'list',
        items: items.slice(0, SHOWN_PER_SECTION).map((item) => item.text),
        ...(items.length > SHOWN_PER_SECTION ? { more: items.length - SHOWN_PER_SECTION } : {}),
      });
  }
  blocks.push({ type: 'divider' }, { type: 'text', text: [{ text: `Decisions (${decisions.length})`, style: 'bold' }] });
  if (decisions.length > 0)
    blocks.push({
      type: 'list',
      items: decisions.slice(-20).map((d) => `${d.number}. ${d.text}`),
      more: Math.max(0, decisions.length - 20),
    });
  blocks.push({ type: 'text', text: [{ text: `Actions (${actions.length})`, style: 'bold' }] });
  if (actions.length > 0) {
    // Open ones first, each with its Done button beside it (one Slack section each: the card stays under 50 blocks).
    const shown = [...actions.filter((a) => a.status === 'open'), ...actions.filter((a) => a.status === 'done')].slice(0, 10);
    blocks.push({
      type: 'list',
      items: shown.map(
        (a) =>
          `${actionKey(review, a)}: ${a.title} · ${who(people, a.ownerPersonId)} · due ${a.dueDate} · ${a.status === 'done' ? `done ${a.doneAt?.slice(0, 10) ?? ''}` : 'open'}`,
      ),
      more: Math.max(0, actions.length - shown.length),
      open: shown.map((a) =>
        a.status === 'open'
          ? { label: `Done ${a.number}`, action: MR_ACTIONS.actionDone, args: { review: String(review.number), action: String(a.number) } }
          : undefined,
      ),
    });
  }
  if (!closed) {
    const args = { review: String(review.number) };
    const buttons: ButtonView[] = [
      { label: 'Record decision', action: MR_ACTIONS.decision, args, opensForm: true },
      { label: 'Add action', action: MR_ACTIONS.action, args, opensForm: true },
      { label: 'Attendees', action: MR_ACTIONS.attendees, args, opensForm: true },
      {
        label: 'Close review',
        action: MR_ACTIONS.close,
        args,
        style: 'danger',
        confirm: {
          title: `Close ${key}?`,
          text: 'Closing locks the minutes: no decision, action or attendee can be added afterwards.',
          confirm: 'Close',
          deny: 'Not yet',
          back: { action: MR_ACTIONS.show, args },
        },
      },
    ];
    blocks.push({ type: 'actions', buttons });
  }
  return {
    summary: `${key}: management review, ${review.inputs.length} inputs, ${decisions.length} decisions, ${actions.length} actions${closed ? ' (closed)' : ''}`,
    blocks,
    visibility: 'public',
  };
}

/** `mr list`: every review, newest first. */
export function reviewListView(reviews: ManagementReview[], prefix: string): MessageView {
  const shown = reviews.slice(0, 20);
  return {
    summary: `${reviews.length} management review(s)`,
    blocks: [
      { type: 'header', text: 'Management reviews' },
      reviews.length === 0
        ? { type: 'text', text: `No management review yet. ${prefix}management-review opens one (leadership or admin).` }
        : {
            type: 'list',
            items: shown.map(
              (r) =>
                `${reviewKey(r)} · opened ${r.openedAt.slice(0, 10)} · ${r.status === 'closed' ? `closed ${r.closedAt?.slice(0, 10) ?? ''}` : 'open'} · ${r.inputs.length} inputs`,
            ),
            more: reviews.length - shown.length,
            open: shown.map((r) => ({ label: 'Open', action: MR_ACTIONS.show, args: { review: String(r.number) } })),
          },
    ],
    visibility: 'private',
  };
}
