import { CardFactory, type AdaptiveCardInvokeResponse, type TaskModuleResponse } from 'botbuilder';
import { plainText, type FormResult, type MessageResponse, type MessageView } from '../chat/views/view.ts';
import type { AdaptiveCard } from './render-card.ts';

/** The answers an invoke travels back with: a card in place, a line for the clicker, a dialog, or its close. */

export const cardResponse = (card: AdaptiveCard): AdaptiveCardInvokeResponse => ({
  statusCode: 200,
  type: 'application/vnd.microsoft.card.adaptive',
  value: card as never,
});

/** Universal Actions: a text shown to the person who clicked only; the card stays as it is for everyone. */
export const privateAnswer = (text: string): AdaptiveCardInvokeResponse => ({
  statusCode: 200,
  type: 'application/vnd.microsoft.activity.message',
  value: text as never,
});

/** A dialog showing `card`; Teams sizes are small, medium or large. */
export const dialog = (card: AdaptiveCard, title: string): TaskModuleResponse => ({
  task: { type: 'continue', value: { card: CardFactory.adaptiveCard(card), title, width: 'medium', height: 'large' } },
});

/** Closes the dialog with a short line Teams shows the person. */
export const closeWith = (text: string): TaskModuleResponse => ({ task: { type: 'message', value: text } });

/** What a view says, as plain lines (Teams shows invoke and dialog messages as text). */
export function viewText(view: MessageView): string {
  const lines = view.blocks.flatMap((block) => {
    switch (block.type) {
      case 'header':
      case 'text':
      case 'context':
        return [plainText(block.text)];
      case 'fields':
        return [
          ...(block.title !== undefined ? [plainText(block.title)] : []),
          ...block.fields.map((field) => `${field.label}: ${plainText(field.value)}`),
        ];
      case 'list':
        return block.items.map((item) => `• ${plainText(item)}`);
      default:
        return [];
    }
  });
  const text = lines.join('\n') || view.summary;
  return text.length > 1000 ? `${text.slice(0, 999)}…` : text;
}

/** What a click's answer says to the clicker: its note, or the whole (refusal) view. */
export const saidBy = (response: MessageResponse): string => response.record?.note ?? viewText(response.view);

/** What a saved form says to the person who saved it: its note, else the first line of its result, else its summary. */
export function doneText(done: FormResult & { kind: 'done' }): string {
  if (done.record?.note) return done.record.note;
  const first = done.view.blocks[0];
  return first?.type === 'text' ? plainText(first.text) : done.view.summary;
}
