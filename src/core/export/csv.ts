import type { ExportCell, ExportColumn, ExportRow } from './export-source.ts';

/** A cell as CSV text: booleans as yes/no, empty for null; text a spreadsheet would run as a formula is quoted with a leading apostrophe. */
export function csvCell(value: ExportCell): string {
  if (value === null) return '';
  const text = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
  const safe = typeof value === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The CSV header line (no line end). */
export const csvHeader = (columns: readonly ExportColumn[]): string => columns.map((column) => csvCell(column.header)).join(',');

/** One row as an RFC 4180 CSV line (no line end). Line breaks inside a cell stay inside its quotes. */
export const csvLine = (columns: readonly ExportColumn[], row: ExportRow): string =>
  columns.map((column) => csvCell(row[column.key] ?? null)).join(',');

/** RFC 4180 CSV lines (no line ends), streamed: the header, then one line per row as the rows come. */
export async function* csvLines(
  columns: readonly ExportColumn[],
  rows: Iterable<ExportRow> | AsyncIterable<ExportRow>,
): AsyncGenerator<string> {
  yield csvHeader(columns);
  for await (const row of rows) yield csvLine(columns, row);
}
