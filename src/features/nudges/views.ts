import { personLabel, type Person } from '../../core/identity.ts';
import { ESCALATE_TO_ADMINS_DAYS, ESCALATE_TO_LEADERSHIP_DAYS, type NudgeItem } from '../../core/scheduling/nudge-service.ts';
import type { ButtonView, FormView } from '../../chat/views/form.ts';
import { formatDate } from '../../chat/views/format-time.ts';
import type { Block, MessageView } from '../../chat/views/view.ts';

/** The snooze button and the week's snooze form ("why can it wait?"). */
export const NUDGE_SNOOZE = 'nudge.snooze';

/** Items with buttons per message; the rest are listed. Keeps every platform within its limits. */
const WITH_BUTTONS = 8;

function when(item: NudgeItem): string {
  if (item.daysOverdue > 0) return `${item.daysOverdue} day${item.daysOverdue === 1 ? '' : 's'} overdue (due ${formatDate(item.due)})`;
  if (item.daysOverdue === 0) return `due today`;
  return `due ${formatDate(item.due)}`;
}

/** The one daily message a person gets: everything of theirs overdue or due soon, with Done and Snooze. */
export function nudgeView(items: NudgeItem[], today: string): MessageView {
  const blocks: Block[] = [
    { type: 'header', text: `Your AIMS to-do · ${formatDate(today)}` },
    { type: 'text', text: `${items.length} item${items.length === 1 ? '' : 's'} overdue or due within 3 days.` },
  ];
  items.slice(0, WITH_BUTTONS).forEach((item) => {
    blocks.push({ type: 'text', text: [{ text: item.text, style: 'bold' }, { text: ` · ${when(item)}` }] });
    const buttons: ButtonView[] = [];
    if (item.done)
      buttons.push({
        label: item.key.startsWith('release:') ? 'Open' : 'Done…',
        action: item.done.action,
        args: item.done.args,
        style: 'primary',
      });
    buttons.push({ label: 'Snooze 1 day', action: NUDGE_SNOOZE, args: { item: item.key, days: '1' } });
    buttons.push({ label: 'Snooze 1 week…', action: NUDGE_SNOOZE, args: { item: item.key, days: '7' }, opensForm: true });
    blocks.push({ type: 'actions', buttons });
  });
  if (items.length > WITH_BUTTONS)
    blocks.push({ type: 'list', items: items.slice(WITH_BUTTONS).map((item) => `${item.text} · ${when(item)}`) });
  return { summary: `${items.length} AIMS item(s) need you`, blocks, visibility: 'private' };
}

/** What is overdue beyond a threshold, with whose it is (to admins, or to the leadership channel). */
export function escalationView(entries: Array<{ person: Person; item: NudgeItem }>, threshold: number, today: string): MessageView {
  return {
    summary: `${entries.length} AIMS item(s) overdue by more than ${threshold} days`,
    blocks: [
      { type: 'header', text: `Overdue by more than ${threshold} days · ${formatDate(today)}` },
      {
        type: 'list',
        items: entries.slice(0, 40).map((e) => `${e.item.text} · ${personLabel(e.person)} · ${when(e.item)}`),
        ...(entries.length > 40 ? { more: entries.length - 40 } : {}),
      },
    ],
    visibility: 'public',
  };
}

const STILL_ESCALATED = `A snooze quiets only your own nudge: the item still counts as overdue, and admins are told after ${ESCALATE_TO_ADMINS_DAYS} days overdue and leadership after ${ESCALATE_TO_LEADERSHIP_DAYS}, snoozed or not.`;

/** What a person is told when they snooze an item (the 1-day button and the 1-week form). */
export function snoozedView(until: string): MessageView {
  const text = `Snoozed until ${formatDate(until)}: it stays out of your nudges until then. ${STILL_ESCALATED}`;
  return { summary: `Snoozed until ${formatDate(until)}`, blocks: [{ type: 'text', text }], visibility: 'private' };
}

export function snoozeForm(itemKey: string): FormView {
  return {
    type: NUDGE_SNOOZE,
    title: 'Snooze for a week',
    submitLabel: 'Snooze',
    intro: [{ text: STILL_ESCALATED }],
    fields: [{ id: 'reason', label: 'Why can it wait a week?', kind: 'longText', required: true, maxLength: 500 }],
    context: { item: itemKey },
  };
}
