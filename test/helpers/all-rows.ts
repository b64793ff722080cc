import type { ExportRow } from '../../src/core/export/export-source.ts';

/** Every row of an export's stream, in order (tests only: exports themselves never hold a register whole). */
export async function allRows(rows: AsyncIterable<ExportRow>): Promise<ExportRow[]> {
  const all: ExportRow[] = [];
  for await (const row of rows) all.push(row);
  return all;
}
