import { isWebUrl, type RichText, type Span, type Tone } from '../chat/views/view.ts';

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

/** Slack has no coloured text: a coloured emoji before the value says how it stands. */
export const TONE_EMOJI: Record<Tone, string> = { attention: '🔴', warning: '🟠', good: '🟢', accent: '🔵' };

/** Slack user and channel ids: anything else is shown as the name, never as markup. */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

/** A link's URL inside `<url|text>`: `&`, `<`, `>` escaped as Slack asks, and `|` encoded so it cannot end the URL. */
function linkUrl(url: string): string {
  return escapeMrkdwn(url).replace(/\|/g, '%7C');
}

/** A span that is a mention, a channel or a link, as Slack markup; undefined for plain styled text. */
function reference(span: Span): string | undefined {
  if (span.mention !== undefined && SLACK_USER_ID.test(span.mention)) return `<@${span.mention}>`;
  if (span.channel !== undefined && SLACK_CHANNEL_ID.test(span.channel)) return `<#${span.channel}>`;
  if (span.url !== undefined && isWebUrl(span.url)) {
    // The label is data: no markers, and `|` or `>` cannot end it early (`>` is escaped).
    const label = mrkdwnText(span.text.replace(/\|/g, '¦')).trim() || linkUrl(span.url);
    return `<${linkUrl(span.url)}|${label}>`;
  }
  return undefined;
}

/** Neutral rich text to mrkdwn: styles only from the spans, the text itself always data. */
export function toMrkdwn(text: RichText): string {
  if (typeof text === 'string') return mrkdwnText(text);
  return text
    .map((span) => {
      const rendered = spanMrkdwn(span);
      return span.tone ? `${TONE_EMOJI[span.tone]} ${rendered}` : rendered;
    })
    .join('');
}

function spanMrkdwn(span: Span): string {
  const ref = reference(span);
  if (ref !== undefined) return ref;
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
}
