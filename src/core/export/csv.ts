import type { ExportCell, ExportColumn, ExportRow } from './export-source.ts';

/** A cell as CSV text: booleans as yes/no, empty for null; text a spreadsheet would run as a formula is quoted with a leading apostrophe. */
export function csvCell(value: ExportCell): string {
  if (value === null) return '';
  const text = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
  const safe = typeof value === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 CSV lines (no line ends): the header, then one line per row. Line breaks inside a cell stay inside its quotes. */
export function csvLines(columns: readonly ExportColumn[], rows: readonly ExportRow[]): string[] {
  return [
    columns.map((column) => csvCell(column.header)).join(','),
    ...rows.map((row) => columns.map((column) => csvCell(row[column.key] ?? null)).join(',')),
  ];
}
