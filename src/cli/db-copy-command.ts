import pg from 'pg';
import { copySqliteToPostgres, CopyTargetNotEmptyError } from '../store/copy/copy-to-postgres.ts';
import { isPostgresUrl, openPostgres } from '../store/open-store.ts';
import type { PgStore } from '../store/postgres/pg-store.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import { UsageError } from './cli-args.ts';

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * `aims db copy --from <sqlite file> --to <postgres url>`: moves an installation. The target is migrated,
 * must be empty, and gets every row in one transaction; then its audit chain is verified and its head
 * compared with the source's. Exit 0 copied and verified, 1 refused or not verified, 2 bad arguments.
 */
export async function dbCopy(
  from: string | undefined,
  to: string | undefined,
  sourceExists: (path: string) => boolean,
  io: Io,
): Promise<number> {
  if (!from || !to) throw new UsageError('aims db copy needs --from <SQLite file> and --to <postgres://… URL>.');
  if (!isPostgresUrl(to)) throw new UsageError(`--to must be a PostgreSQL URL (postgres://user:password@host:5432/db), got ${to}.`);
  if (isPostgresUrl(from) || !sourceExists(from)) throw new UsageError(`No SQLite store at ${from} (--from).`);
  const source = SqliteStore.open(from);
  let target: PgStore | undefined;
  const client = new pg.Client({ connectionString: to });
  try {
    target = await openPostgres(to);
    await client.connect();
    const report = await copySqliteToPostgres(source.sqlite, client);
    for (const { table, rows } of report.tables) io.out(`${table}: ${rows} row(s)`);
    io.out(`Copied ${report.tables.reduce((sum, t) => sum + t.rows, 0)} row(s) in ${report.tables.length} tables to ${target.describe()}.`);
    const verified = await target.verifyAudit();
    const expected = await source.auditHeads();
    for (const chain of verified.chains) {
      if (chain.ok) continue;
      io.err(`FAILED: the copy's audit ${chain.label} does not verify at #${chain.firstBadSequence}: ${chain.reason}`);
      return 1;
    }
    const copied = new Map(verified.chains.map((chain) => [chain.chain, chain.ok ? chain.head : null]));
    for (const { chain, label, head } of expected) {
      const head2 = copied.get(chain) ?? null;
      if ((head2?.hash ?? null) !== (head?.hash ?? null) || (head2?.sequence ?? 0) !== (head?.sequence ?? 0)) {
        io.err(`FAILED: the copy's head of the ${label} #${head2?.sequence ?? 0} differs from the source's #${head?.sequence ?? 0}.`);
        return 1;
      }
    }
    if (copied.size !== expected.length) {
      io.err(`FAILED: the copy holds ${copied.size} audit chain(s), the source ${expected.length}.`);
      return 1;
    }
    io.out(
      `OK: the copy's audit chains verify: ${verified.events} events in ${expected.length} chain(s), each head the same as the source's.`,
    );
    return 0;
  } catch (error) {
    if (error instanceof CopyTargetNotEmptyError) {
      io.err(`Refused: ${error.message}. Nothing was copied.`);
      return 1;
    }
    throw error;
  } finally {
    await client.end().catch(() => undefined);
    await target?.close();
    source.close();
  }
}
