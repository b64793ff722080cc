import type { Feature } from '../chat/feature.ts';
import { csvLines } from '../core/export/csv.ts';
import type { ExportColumn, ExportRow, ExportSource } from '../core/export/export-source.ts';
import { fileSink, type ExportSink } from '../core/export/file-sink.ts';
import { writeXlsx } from '../core/export/xlsx.ts';
import type { Workspace } from '../core/identity.ts';
import type { GovernanceStore } from '../store/governance-store.ts';
import { UsageError, type ParsedArgs } from './cli-args.ts';

/** What `aims <name> export` can export: every area that declares an export in its feature.ts. */
export function exportSourcesOf(features: readonly Feature[]): Map<string, ExportSource> {
  return new Map(features.flatMap((feature) => (feature.export ? [[feature.export.name, feature.export] as const] : [])));
}

export const EXPORT_OPTIONS = ['--format', '--out', '--workspace', '--at'];

/** The store does not say which workspace to export: printed alone (not with the usage), exit 2. */
export class WorkspaceChoice extends Error {}

/** The workspace to export: the only one, or the one --workspace names (id, platform id or name). */
export function chooseWorkspace(workspaces: readonly Workspace[], wanted: string | undefined): Workspace {
  const list = workspaces.map((w) => `#${w.id} ${w.platform}:${w.externalId}${w.name ? ` (${w.name})` : ''}`).join(', ');
  if (wanted !== undefined) {
    const key = wanted.trim().toLowerCase();
    const found = workspaces.find(
      (w) => String(w.id) === key.replace(/^#/, '') || w.externalId.toLowerCase() === key || w.name?.toLowerCase() === key,
    );
    if (!found) throw new WorkspaceChoice(`No workspace "${wanted}" in the store. Workspaces: ${list || 'none'}.`);
    return found;
  }
  if (workspaces.length === 0) throw new WorkspaceChoice('The store has no workspace yet: install the bot in Slack or Teams first.');
  if (workspaces.length > 1)
    throw new WorkspaceChoice(`The store holds ${workspaces.length} workspaces: choose one with --workspace. Workspaces: ${list}.`);
  return workspaces[0] as Workspace;
}

/**
 * Writes rows as they come, as CSV (to `sink`, or line by line to `line` when there is no sink) or as xlsx
 * (to `sink`). Returns how many rows were written.
 */
export async function writeRows(
  format: 'csv' | 'xlsx',
  title: string,
  columns: readonly ExportColumn[],
  rows: Iterable<ExportRow> | AsyncIterable<ExportRow>,
  sink: ExportSink | undefined,
  line: (text: string) => void,
): Promise<number> {
  let count = 0;
  async function* counted() {
    for await (const row of rows) {
      count += 1;
      yield row;
    }
  }
  if (format === 'xlsx') {
    if (!sink) throw new Error('an xlsx export needs a file');
    await writeXlsx(title, columns, counted(), (chunk) => sink.write(chunk));
  } else
    for await (const text of csvLines(columns, counted())) {
      if (sink) sink.write(`${text}\r\n`);
      else line(text);
    }
  return count;
}

/**
 * `aims <name> export --format csv|xlsx [--out FILE] [--workspace W] [--at ISO]`: one workspace's rows of one
 * area, streamed from one read unit (a snapshot) a page at a time. CSV goes to standard output unless --out is
 * given; xlsx is written to --out (default <name>.xlsx).
 */
export async function runExport(
  source: ExportSource,
  store: GovernanceStore,
  parsed: ParsedArgs,
  io: { out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  const format = (parsed.values.get('--format')?.[0] ?? '').toLowerCase();
  if (format !== 'csv' && format !== 'xlsx') throw new UsageError(`aims ${source.name} export needs --format csv or --format xlsx.`);
  const atText = parsed.values.get('--at')?.[0];
  const now = atText === undefined ? new Date() : new Date(atText);
  if (Number.isNaN(now.getTime())) throw new UsageError('--at needs an ISO date-time such as 2026-11-23T09:00:00Z');
  const file = format === 'xlsx' ? (parsed.values.get('--out')?.[0] ?? `${source.name}.xlsx`) : parsed.values.get('--out')?.[0];
  let written;
  try {
    written = await store.read(async (repos) => {
      const workspace = chooseWorkspace(await repos.workspaces.all(), parsed.values.get('--workspace')?.[0]);
      const sink = file === undefined ? undefined : fileSink(file);
      try {
        const rows = await writeRows(format, source.title, source.columns, source.rows(repos, workspace.id, { now }), sink, io.out);
        sink?.close();
        return { workspace, rows };
      } catch (error) {
        sink?.close(true);
        throw error;
      }
    });
  } catch (error) {
    if (!(error instanceof WorkspaceChoice)) throw error;
    io.err(error.message);
    return 2;
  }
  if (file === undefined) return 0;
  io.out(`Wrote ${written.rows} row(s) of the ${source.title} of workspace #${written.workspace.id} to ${file}.`);
  return 0;
}
