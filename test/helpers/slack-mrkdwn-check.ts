/**
 * What Slack's client would make of mrkdwn text, for tests: the runs it would style and the text a
 * person would read. Slack styles `*x*`, `_x_`, `~x~` and `` `x` `` when the opening marker starts a
 * word and is followed by a non-space, and the closing one is preceded by a non-space and ends a
 * word; a zero-width space counts as a space there.
 */
const SPACE = /[\s\u200B]/;
const WORD = /[\p{L}\p{N}]/u;

export function formattedRuns(text: string): string[] {
  const runs: string[] = [];
  for (const marker of ['*', '_', '~', '`']) {
    for (let i = 0; i < text.length; i++) {
      if (text[i] !== marker) continue;
      const before = text[i - 1];
      const after = text[i + 1];
      const opens = (before === undefined || !WORD.test(before)) && after !== undefined && !SPACE.test(after) && after !== marker;
      if (!opens) continue;
      for (let j = i + 2; j < text.length && text[j] !== '\n'; j++) {
        if (text[j] !== marker) continue;
        const last = text[j - 1] ?? ' ';
        const next = text[j + 1];
        if (!SPACE.test(last) && (next === undefined || !WORD.test(next))) {
          runs.push(text.slice(i + 1, j));
          i = j;
          break;
        }
      }
    }
  }
  return runs;
}

/** Lines Slack would show as a quote. */
export function quotedLines(text: string): string[] {
  return text.split('\n').filter((line) => /^\s*(>|&gt;)/.test(line));
}

/** The text a person reads: entities decoded, zero-width spaces gone. */
export function shownText(text: string): string {
  return text
    .replace(/\u200B/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
