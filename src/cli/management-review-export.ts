import { writeFileSync } from 'node:fs';
import { fileSink } from '../core/export/file-sink.ts';
import { parseReviewRef, reviewKey } from '../features/management-review/domain.ts';
import { managementReviewExport, reviewMinutes, reviewRows } from '../features/management-review/export.ts';
import type { GovernanceStore } from '../store/governance-store.ts';
import { UsageError, type ParsedArgs } from './cli-args.ts';
import { chooseWorkspace, WorkspaceChoice, writeRows } from './export-command.ts';

/**
 * `aims management-review export MR-n --format csv|xlsx|md [--out FILE] [--workspace W]`: one review's pack
 * (inputs by section, attendees, decisions, actions) as rows, or its minutes as markdown.
 */
export async function runReviewExport(
  ref: string,
  store: GovernanceStore,
  parsed: ParsedArgs,
  io: { out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  const number = parseReviewRef(ref);
  if (number === undefined) throw new UsageError(`"${ref}" is not a management review (MR-1, MR-2 ...).`);
  const format = (parsed.values.get('--format')?.[0] ?? '').toLowerCase();
  if (format !== 'csv' && format !== 'xlsx' && format !== 'md')
    throw new UsageError('aims management-review export MR-n needs --format csv, --format xlsx or --format md.');
  const out = parsed.values.get('--out')?.[0];
  let chosen;
  try {
    chosen = await store.read(async (repos) => {
      const workspace = chooseWorkspace(await repos.workspaces.all(), parsed.values.get('--workspace')?.[0]);
      const review = await repos.managementReviews.findByNumber(workspace.id, number);
      if (!review) throw new WorkspaceChoice(`No MR-${number} in workspace #${workspace.id}.`);
      return {
        key: reviewKey(review),
        lines: format === 'md' ? await reviewMinutes(repos, workspace.id, review) : [],
        rows: format === 'md' ? [] : await reviewRows(repos, workspace.id, review),
      };
    });
  } catch (error) {
    if (!(error instanceof WorkspaceChoice)) throw error;
    io.err(error.message);
    return 2;
  }
  const { key, lines, rows } = chosen;
  if (format === 'md') {
    if (out === undefined) for (const line of lines) io.out(line);
    else {
      writeFileSync(out, `${lines.join('\n')}\n`);
      io.out(`Wrote the minutes of ${key} to ${out}.`);
    }
    return 0;
  }
  // One review's rows (its inputs snapshot, attendees, decisions and actions): written as they are turned into CSV or xlsx.
  const file = format === 'xlsx' ? (out ?? `${key}.xlsx`) : out;
  const sink = file === undefined ? undefined : fileSink(file);
  try {
    await writeRows(format, `${key} management review`, managementReviewExport.columns, rows, sink, io.out);
    sink?.close();
  } catch (error) {
    sink?.close(true);
    throw error;
  }
  if (file !== undefined) io.out(`Wrote ${rows.length} row(s) of ${key} to ${file}.`);
  return 0;
}
