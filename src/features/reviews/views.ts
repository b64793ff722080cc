import { personLabel, type Person } from '../../core/identity.ts';
import { REVIEW_KIND_LABELS, type ReviewKind, type ReviewSchedule } from './domain.ts';
import { formatDate } from '../../chat/views/format-time.ts';
import type { Block, MessageView } from '../../chat/views/view.ts';
import { REVIEW_ACTIONS } from './forms.ts';

/** Review schedules with their next due dates, overdue first, and a Done button for each (25 at most). */
export function reviewListView(input: {
  schedules: ReviewSchedule[];
  people: Map<number, Person>;
  systems: Map<number, string>;
  today: string;
  title: string;
  prefix: string;
  note?: string;
}): MessageView {
  const { schedules, today } = input;
  const blocks: Block[] = [];
  if (input.note) blocks.push({ type: 'text', text: input.note });
  blocks.push({ type: 'header', text: input.title });
  if (schedules.length === 0) {
    blocks.push(
      { type: 'text', text: 'No reviews scheduled.' },
      { type: 'context', text: [{ text: 'Schedule one with ' }, { text: `${input.prefix}review add`, style: 'code' }] },
    );
    return { summary: 'No reviews', blocks, visibility: 'private' };
  }
  blocks.push({
    type: 'list',
    items: schedules.slice(0, 50).map((s) => [
      { text: `#${s.id} ${REVIEW_KIND_LABELS[s.kind]}`, style: 'bold' as const },
      {
        text: `${s.aiSystemId ? ` · ${input.systems.get(s.aiSystemId) ?? ''}` : ''} · ${input.people.get(s.ownerPersonId) ? personLabel(input.people.get(s.ownerPersonId) as Person) : '?'} · every ${s.cadenceDays} days · `,
      },
      s.nextDue < today
        ? { text: `OVERDUE since ${formatDate(s.nextDue)}`, style: 'bold' as const, tone: 'attention' as const }
        : { text: `next due ${formatDate(s.nextDue)}` },
    ]),
    ...(schedules.length > 50 ? { more: schedules.length - 50 } : {}),
    // Each of the first 25 rows opens its review's Done form, beside it.
    open: schedules.slice(0, 25).map((s) => ({
      label: `Done #${s.id}…`,
      action: REVIEW_ACTIONS.done,
      args: { review: String(s.id) },
      opensForm: true,
    })),
  });
  return { summary: `${schedules.length} reviews`, blocks, visibility: 'private' };
}

/** "2 drift review, 1 bias review": counts by kind, or "none". */
export function countsByKind(counts: Partial<Record<ReviewKind, number>>): string {
  const entries = Object.entries(counts) as Array<[ReviewKind, number]>;
  return entries.length === 0 ? 'none' : entries.map(([kind, n]) => `${n} ${REVIEW_KIND_LABELS[kind].toLowerCase()}`).join(', ');
}
