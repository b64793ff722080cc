// Markdown tables for the bench's report.

/** A figure with as many digits as it deserves: 0.94, 12.3, 1,516. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Two rounds as "a-b" (lowest first), or one figure when they agree to the digits shown. */
export function range(values: readonly number[], unit = ''): string {
  if (values.length === 0) return '-';
  const low = num(Math.min(...values));
  const high = num(Math.max(...values));
  return `${low === high ? low : `${low}-${high}`}${unit ? ` ${unit}` : ''}`;
}

/** The ratio of each round's bot figure to the same round's anchor figure, as a range. */
export function ratios(bot: readonly number[], anchor: readonly number[]): string {
  const each = bot.map((value, i) => value / (anchor[i] ?? Number.NaN)).filter(Number.isFinite);
  return each.length === 0 ? '-' : `${range(each)}x`;
}

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
