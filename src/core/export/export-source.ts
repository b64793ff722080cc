import type { Repositories } from '../ports.ts';

/** One column of an export: the key of its value in each row, and its header. */
export interface ExportColumn {
  key: string;
  header: string;
  /** Column width in characters in a spreadsheet. */
  width?: number;
}

export type ExportCell = string | number | boolean | null;
export type ExportRow = Record<string, ExportCell>;

/** When the export is made, and how many records it reads at a time (EXPORT_PAGE_SIZE unless told). */
export interface ExportAt {
  now: Date;
  pageSize?: number;
}

/**
 * What an area exports for auditors and spreadsheets (`aims <name> export --format csv|xlsx`, the evidence
 * pack): its columns and one row per record, streamed. `rows` reads a page of records at a time along an
 * index (keyset pagination) inside the caller's read unit of one workspace, with the page's lookups (people,
 * systems, child records) read in one query each per page, and lets the event loop run between pages: no
 * register is ever held whole in memory. The caller's read unit is one snapshot (SQLite: a read
 * transaction; PostgreSQL: REPEATABLE READ), so the pages describe one moment.
 */
export interface ExportSource {
  /** The CLI word: `aims soa export`. */
  name: string;
  /** The sheet's name and what the CLI calls it ("Statement of Applicability"). */
  title: string;
  columns: readonly ExportColumn[];
  rows(repos: Repositories, workspaceId: number, at: ExportAt): AsyncIterable<ExportRow>;
}
