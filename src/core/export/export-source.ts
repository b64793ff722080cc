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

/**
 * What an area exports for auditors and spreadsheets (`aims <name> export --format csv|xlsx`): its
 * columns and one row per record, read inside the caller's read of one workspace.
 */
export interface ExportSource {
  /** The CLI word: `aims soa export`. */
  name: string;
  /** The sheet's name and what the CLI calls it ("Statement of Applicability"). */
  title: string;
  columns: readonly ExportColumn[];
  exportRows(repos: Repositories, workspaceId: number, at: { now: Date }): Promise<ExportRow[]>;
}
