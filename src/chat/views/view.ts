/**
 * Platform-neutral views. Text here is plain: adapters escape it for their markup and apply the
 * styles the spans ask for. Nothing in this file knows Block Kit or Adaptive Cards.
 */
import type { ButtonView, FormView } from './form.ts';
export type { FormView };

/** A colour that says how a value stands: attention (red), warning (amber), good (green), accent (blue). */
export type Tone = 'attention' | 'warning' | 'good' | 'accent';

export interface Span {
  text: string;
  style?: 'bold' | 'code' | 'muted';
  /** Teams colours the run; Slack puts a coloured emoji before it. */
  tone?: Tone;
  /**
   * Makes the span a link. Only a URL the bot built or one a URL field's schema validated: build it
   * with `linkSpan`, which keeps only http(s). User free text never becomes a link.
   */
  url?: string;
  /** Mentions a person (their platform user id); `text` is their name, shown where mentions cannot be. */
  mention?: string;
  /** Names a channel by its platform id (Slack shows its name); `text` is the name to show elsewhere. */
  channel?: string;
}

/** Plain text, or a run of styled spans. */
export type RichText = string | Span[];

export type Block =
  | { type: 'header'; text: string }
  | { type: 'text'; text: RichText }
  /** Labelled values; `title` heads them (on Slack in the same section block: one block, not two). */
  | { type: 'fields'; title?: RichText; fields: Array<{ label: string; value: RichText }> }
  /**
   * A list that adapters may cut to fit; `more` counts items not included at all. `open[i]`, where
   * given, is the button that shows item i's record (one per row, beside it).
   */
  | { type: 'list'; items: RichText[]; more?: number; open?: Array<ButtonView | undefined> }
  | { type: 'context'; text: RichText }
  | { type: 'divider' }
  | { type: 'actions'; buttons: ButtonView[] }
  /**
   * A picture the bot drew (the digest's trend chart): Teams shows it in the card (a data URI), Slack
   * uploads it to the channel the message went to, as a file beside it.
   */
  | { type: 'image'; png: Uint8Array; width: number; height: number; alt: string; title: string; filename: string };

export interface MessageView {
  /** Notification and fallback text: what a phone shows and what screen readers read first. */
  summary: string;
  blocks: Block[];
  /** Only the asker sees it (Slack ephemeral; on Teams, replies are in the asker's conversation). */
  visibility: 'private' | 'public';
}

/** True for an absolute http(s) URL: the only links a card may carry. */
export function isWebUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/** A link to a validated http(s) URL, or the text alone when the URL is anything else. */
export function linkSpan(url: string, text = url): Span {
  return isWebUrl(url) ? { text, url } : { text };
}

/** A person mentioned by their platform id (with their name for where mentions cannot be shown). */
export function mentionSpan(externalId: string, name: string): Span {
  return { text: name, mention: externalId };
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
