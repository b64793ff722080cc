import ExcelJS from 'exceljs';
import type { ExportColumn, ExportRow } from './export-source.ts';

/** A workbook of one sheet: the header row bold and frozen, filters on every column, one row per record. */
export async function xlsxBuffer(title: string, columns: readonly ExportColumn[], rows: readonly ExportRow[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'aims-bot';
  // Sheet names are at most 31 characters and may not hold []:*?/\
  const sheet = workbook.addWorksheet(title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31), {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }],
  });
  sheet.columns = columns.map((column) => ({ header: column.header, key: column.key, width: column.width ?? 16 }));
  for (const row of rows) sheet.addRow(Object.fromEntries(columns.map((column) => [column.key, cellOf(row[column.key] ?? null)])));
  sheet.getRow(1).font = { bold: true };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const cellOf = (value: ExportRow[string]) => (typeof value === 'boolean' ? (value ? 'yes' : 'no') : value);
