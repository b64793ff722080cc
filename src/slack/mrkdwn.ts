import type { RichText } from '../chat/views/view.ts';

/**
 * Zero-width space. Slack reads it as whitespace when it looks for formatting markers: a `*` with
 * one on each side can neither open ("followed by whitespace") nor close ("preceded by whitespace")
 * bold, so user text keeps its characters and shows them literally.
 */
const ZWSP = '\u200B';
/**
 * Every `*`, `~` and backtick; an underscore only where it touches a word boundary. Inside a word
 * (`latency_ms`, `f1_score`) Slack never reads it as italics, and identifiers stay searchable.
 */
const MARKERS = /[*~`]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;

/** Escapes user text for mrkdwn: `<!channel>` or `<@U123>` in a title must ping nobody. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * User text as mrkdwn data: no mentions or links (`&`, `<`, `>` escaped), no bold, italics,
 * strikethrough or code (`*`, `_`, `~` and backticks fenced by zero-width spaces), no quote
 * (a line starting with `>`), so a typed "*Status:* approved" cannot pass for the bot's own line.
 */
export function mrkdwnText(text: string): string {
  return escapeMrkdwn(text)
    .replace(MARKERS, (marker) => `${ZWSP}${marker}${ZWSP}`)
    .replace(/^(\s*)&gt;/gm, `$1${ZWSP}&gt;`);
}

/** Cuts to `max` characters with an ellipsis, never leaving half an `&amp;` entity or a fenced marker behind. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text
    .slice(0, max - 1)
    .replace(/&[a-z]{0,4}$/, '')
    .replace(/\u200B[*_~`]?$/, '')}…`;
}

/** Neutral rich text to mrkdwn: styles only from the spans, the text itself always data. */
export function toMrkdwn(text: RichText): string {
  if (typeof text === 'string') return mrkdwnText(text);
  return text
    .map((span) => {
      if (span.style === 'code') {
        // Inside backticks Slack formats nothing; only a backtick could end the span early.
        const escaped = escapeMrkdwn(span.text);
        if (escaped.trim() === '') return escaped;
        const [, lead = '', core = '', trail = ''] = /^(\s*)([\s\S]*?)(\s*)$/.exec(escaped) ?? [];
        return `${lead}\`${core.replace(/`/g, "'")}\`${trail}`;
      }
      // A marker of the span's own style inside it would end the style early: bold drops `*`, muted `_`.
      const own = span.style === 'bold' ? span.text.replace(/\*/g, '') : span.style === 'muted' ? span.text.replace(/_/g, ' ') : span.text;
      const escaped = mrkdwnText(own);
      if (escaped.trim() === '' || !span.style) return escaped;
      // Slack only styles "*bold*" with no space inside the markers: keep outer spaces outside.
      const [, lead = '', core = '', trail = ''] = /^(\s*)([\s\S]*?)(\s*)$/.exec(escaped) ?? [];
      return span.style === 'bold' ? `${lead}*${core}*${trail}` : `${lead}_${core}_${trail}`;
    })
    .join('');
}
