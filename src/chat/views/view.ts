/**
 * Platform-neutral views. Text here is plain: adapters escape it for their markup and apply the
 * styles the spans ask for. Nothing in this file knows Block Kit or Adaptive Cards.
 */
import type { ButtonView, FormView } from './form.ts';
export type { FormView };

export interface Span {
  text: string;
  style?: 'bold' | 'code' | 'muted';
}

/** Plain text, or a run of styled spans. */
export type RichText = string | Span[];

export type Block =
  | { type: 'header'; text: string }
  | { type: 'text'; text: RichText }
  | { type: 'fields'; fields: Array<{ label: string; value: RichText }> }
  /** A list that adapters may cut to fit; `more` counts items not included at all. */
  | { type: 'list'; items: RichText[]; more?: number }
  | { type: 'context'; text: RichText }
  | { type: 'divider' }
  | { type: 'actions'; buttons: ButtonView[] };

export interface MessageView {
  /** Notification and fallback text: what a phone shows and what screen readers read first. */
  summary: string;
  blocks: Block[];
  /** Only the asker sees it (Slack ephemeral; on Teams, replies are in the asker's conversation). */
  visibility: 'private' | 'public';
}

export function plainText(text: RichText): string {
  return typeof text === 'string' ? text : text.map((span) => span.text).join('');
}

/** What the chat layer answers: a message, a form to open, or nothing (a repeat delivery). */
export type ChatResponse = MessageResponse | { kind: 'form'; form: FormView } | { kind: 'none' };

/**
 * A message answer. A click on a record's card says more, for platforms where the card clicked is
 * everyone's and the answer replaces it (Teams channels): the card in its true state, apart from
 * what the click says to the person who clicked.
 */
export interface MessageResponse {
  kind: 'message';
  /** What the asker or clicker sees: the note (if any) on top of the card. */
  view: MessageView;
  /** Nothing changed (refused, stale, failed): what `view` says is for the clicker alone. */
  refused?: boolean;
  /** The record's card without the note, and the note. */
  record?: { card: MessageView; note?: string };
}

/** A click's answer about one record: `note` on top of its card for the clicker; the bare card for everyone. */
export function recordAnswer(card: MessageView, note?: string, refused = false): MessageResponse {
  return {
    kind: 'message',
    view: note ? { ...card, blocks: [{ type: 'text', text: note }, ...card.blocks] } : card,
    ...(refused ? { refused } : {}),
    record: { card, ...(note ? { note } : {}) },
  };
}

/** What a form submission gets: errors to show at the fields, or the result to show instead of the form. */
export type FormResult =
  | { kind: 'errors'; errors: Record<string, string> }
  | {
      kind: 'done';
      view: MessageView;
      /** A form about one record (opened from its card): the card without the note, and the note, as for a click. */
      record?: { card: MessageView; note?: string };
    }
  | { kind: 'next'; form: FormView };

/** A saved form about one record: `note` on top of its card for the person who saved it, privately. */
export function recordSaved(card: MessageView, note: string): FormResult {
  return {
    kind: 'done',
    view: { ...card, blocks: [{ type: 'text', text: note }, ...card.blocks], visibility: 'private' },
    record: { card, note },
  };
}

export const message = (view: MessageView): ChatResponse => ({ kind: 'message', view });
