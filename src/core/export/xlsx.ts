import ExcelJS from 'exceljs';
import { Writable } from 'node:stream';
import type { ExportColumn, ExportRow } from './export-source.ts';

const cellOf = (value: ExportRow[string]) => (typeof value === 'boolean' ? (value ? 'yes' : 'no') : value);

/**
 * A workbook of one sheet (the header row bold and frozen, filters on every column, one row per record),
 * written through exceljs' streaming writer: each row is committed (turned into sheet XML and zipped) as
 * it is added and its bytes handed to `write`, so neither the rows, the workbook model nor the finished
 * file sits in memory.
 */
export async function writeXlsx(
  title: string,
  columns: readonly ExportColumn[],
  rows: Iterable<ExportRow> | AsyncIterable<ExportRow>,
  write: (chunk: Uint8Array) => void,
): Promise<void> {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      try {
        write(chunk);
        done();
      } catch (error) {
        done(error instanceof Error ? error : new Error(String(error)));
      }
    },
  });
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  workbook.creator = 'aims-bot';
  const sheet = workbook.addWorksheet(title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31), {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }],
  });
  sheet.columns = columns.map((column) => ({ header: column.header, key: column.key, width: column.width ?? 16 }));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.commit();
  for await (const row of rows)
    sheet.addRow(Object.fromEntries(columns.map((column) => [column.key, cellOf(row[column.key] ?? null)]))).commit();
  sheet.commit();
  await workbook.commit();
  await finished;
}
