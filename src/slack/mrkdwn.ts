import type { RichText } from '../chat/views/view.ts';

/** Escapes user text for mrkdwn: `<!channel>` or `<@U123>` in a title must ping nobody. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts to `max` characters with an ellipsis, never leaving half an `&amp;` entity behind. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).replace(/&[a-z]{0,4}$/, '')}…`;
}

/** Neutral rich text to escaped mrkdwn. */
export function toMrkdwn(text: RichText): string {
  if (typeof text === 'string') return escapeMrkdwn(text);
  return text
    .map((span) => {
      const escaped = escapeMrkdwn(span.text);
      if (escaped.trim() === '' || !span.style) return escaped;
      // Slack only styles "*bold*" with no space inside the markers: keep outer spaces outside.
      const [, lead = '', core = '', trail = ''] = /^(\s*)([\s\S]*?)(\s*)$/.exec(escaped) ?? [];
      switch (span.style) {
        case 'bold':
          return `${lead}*${core.replace(/\*/g, '')}*${trail}`;
        case 'code':
          return `${lead}\`${core.replace(/`/g, "'")}\`${trail}`;
        case 'muted':
          return `${lead}_${core.replace(/_/g, ' ')}_${trail}`;
      }
    })
    .join('');
}
