/**
 * Platform-neutral views. Text here is plain: adapters escape it for their markup and apply the
 * styles the spans ask for. Nothing in this file knows Block Kit or Adaptive Cards.
 */
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
  | { type: 'divider' };

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
