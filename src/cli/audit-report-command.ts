import { isAimsError } from '../core/errors.ts';
import { parseAuditRef } from '../features/internal-audits/domain.ts';
import { auditReportExport } from '../features/internal-audits/export.ts';
import type { GovernanceStore } from '../store/governance-store.ts';
import { UsageError, type ParsedArgs } from './cli-args.ts';
import { runExport } from './export-command.ts';

/**
 * `aims audit report AUD-n --format csv|xlsx [--out FILE] [--workspace W]`: one internal audit's findings
 * with the nonconformities they raised and their correction, as the area exports do. Exit 3: no such audit
 * in that workspace.
 */
export async function auditReport(
  store: GovernanceStore,
  parsed: ParsedArgs,
  io: { out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  const ref = parsed.positionals[2];
  const number = parseAuditRef(ref);
  if (number === undefined) throw new UsageError(`aims audit report needs an audit such as AUD-2${ref ? `, not "${ref}"` : ''}.`);
  try {
    return await runExport(auditReportExport(number), store, parsed, io);
  } catch (error) {
    if (!isAimsError(error) || error.code !== 'not_found') throw error;
    io.err(error.message);
    return 3;
  }
}
