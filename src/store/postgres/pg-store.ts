import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import type { ChainsVerification, ExpectedHead, NamedChainHead, PublishedAnchor, ReleaseGate } from '../../core/audit.ts';
import { maskUrl } from '../../core/mask-secrets.ts';
import type { Repositories } from '../../core/ports.ts';
import type { AuditReport } from '../audit/cross-check.ts';
import { storeRepositories } from '../repositories-over.ts';
import { UnitScope } from '../unit-scope.ts';
import { wholeStoreReads, type WholeStoreReads } from '../whole-store-reads.ts';
import type { Db } from '../database.ts';
import type { GovernanceStore } from '../governance-store.ts';
import type { StoreDb } from '../store-db.ts';
import { AUDIT_CHAIN_LOCK_KEY } from './advisory-locks.ts';
import { openPgDatabase, type PgDatabase, type PgDatabaseOptions, type PgDb } from './pg-database.ts';
import { applyPgMigrations } from './pg-migrate.ts';
import { CHANGES_CHANNEL, ChangeListener } from './change-listener.ts';

/** A transaction (or a savepoint in one) that repositories run their statements through. */
type PgTx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

/** The repositories over one transaction; `inWriteUnit` tells the audit log whether it may append. */
export type RepositoriesFor = (s: StoreDb, inWriteUnit: () => boolean, readUnit?: () => object | undefined) => Repositories;

/** The admin CLI's whole-store reads, supplied by whoever knows how to run them on PostgreSQL. */
export type PgAdmin = Pick<GovernanceStore, 'releaseStatus' | 'auditReport' | 'publishedAnchors' | 'verifyAudit' | 'auditHeads'>;

export interface PgStoreOptions extends PgDatabaseOptions {
  /** The repositories over a transaction (default: every repository of the bot, storeRepositories). */
  repositoriesFor?: RepositoriesFor;
  /** Replaces admin reads, given the opened database (tests); the others run the store's own. */
  admin?: (database: PgDatabase) => Partial<PgAdmin>;
  /** Apply pending migrations at open (default true). */
  migrate?: boolean;
}

/** A unit of work in progress: what it may do, its transaction, and whether it is still open. */
interface Unit {
  mode: 'read' | 'write';
  tx: PgTx;
  open: boolean;
}

// serialization_failure and deadlock_detected: the server gave up on the unit, and running it again is safe.
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 3;

/**
 * The governance store on PostgreSQL: a pool, and units of work as transactions.
 *
 * Locking: every write unit takes `pg_advisory_xact_lock(AUDIT_CHAIN_LOCK_KEY)` as its first statement,
 * so write units run one at a time across every replica on the database, as SQLite's BEGIN IMMEDIATE
 * does in one process. Every write appends to the one audit chain, so writes are serialised at the chain
 * anyway; taking the lock first, before the unit reads anything, also makes read-decide-write safe
 * without per-row locks (INC numbers gapless, an approval counted once) and keeps repository code the
 * same on both dialects. Under the lock READ COMMITTED suffices: each statement sees every unit
 * committed before ours. The lock ends with the transaction, commit or rollback; waiting for it counts
 * against the statement timeout, so a unit stuck behind a hung one fails instead of queueing for ever.
 * Read units take no lock: a REPEATABLE READ, READ ONLY snapshot, so a stray write in one fails loudly.
 * A unit the server aborts (serialization failure, deadlock) runs again, up to 3 times; anything else fails.
 */
export class PgStore implements GovernanceStore {
  readonly dialect = 'postgres' as const;
  private readonly units = new UnitScope<Unit>();
  private readonly admin: Partial<PgAdmin>;
  private readonly inWriteUnit = (): boolean => this.currentUnit()?.mode === 'write';
  private readonly readUnit = (): object | undefined => {
    const unit = this.currentUnit();
    return unit?.mode === 'read' ? unit : undefined;
  };

  private constructor(
    private readonly database: PgDatabase,
    private readonly url: string,
    private readonly repositoriesFor: RepositoriesFor,
    admin: PgStoreOptions['admin'],
  ) {
    this.admin = admin?.(database) ?? {};
    this.changes = new ChangeListener(url);
  }

  private readonly changes: ChangeListener;

  /** Opens a pool on `url` and brings the schema up to date (under the migration lock). */
  static async open(url: string, options: PgStoreOptions = {}): Promise<PgStore> {
    const database = openPgDatabase(url, options);
    try {
      if (options.migrate !== false) await applyPgMigrations(database.pool);
    } catch (error) {
      await database.close();
      throw error;
    }
    const store = new PgStore(database, url, options.repositoriesFor ?? storeRepositories, options.admin);
    if (options.migrate !== false) {
      try {
        await store.startChains();
      } catch (error) {
        await database.close();
        throw error;
      }
    }
    return store;
  }

  /**
   * The cut-over on a store migrated from the one global chain: each workspace's (and the system chain's)
   * genesis event, in one write unit (under the lock, so replicas starting together write each once).
   */
  async startChains(): Promise<number> {
    return await this.write(async (repos) => {
      // Repositories given by the caller (tests) may have no audit log of ours.
      const audit = (repos as Partial<Repositories>).audit as Partial<{ startChains(at: string): Promise<number> }> | undefined;
      return (await audit?.startChains?.(new Date().toISOString())) ?? 0;
    });
  }

  async write<T>(work: (repos: Repositories) => Promise<T> | T): Promise<T> {
    const unit = this.currentUnit();
    if (unit?.mode === 'read') throw new Error('a write unit cannot start inside a read unit');
    // A nested write is a savepoint of the unit it runs in: it may fail alone without undoing the rest.
    if (unit) return await unit.tx.transaction(async (savepoint) => await this.run({ mode: 'write', tx: savepoint, open: true }, work));
    try {
      return await this.retrying(
        async () =>
          await this.database.db.transaction(async (tx) => {
            // The lock, and the notice every listening replica counts as a change once this commits (changeMark).
            await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY}), pg_notify(${CHANGES_CHANNEL}, '')`);
            return await this.run({ mode: 'write', tx, open: true }, work);
          }),
      );
    } finally {
      // Counted once it committed (or failed), without waiting for our own notice: this replica's next read sees it.
      this.changes.count();
    }
  }

  /**
   * A mark that moves with every write unit of this replica, with every other replica's commit as soon as
   * its notice arrives (LISTEN on a connection of its own, opened at the first call), and at least every
   * second, for whatever changed the database without a notice (a bulk load, an edit by hand). Undefined
   * until the listener is connected, and after it failed: then every request reads.
   */
  changeMark(): string | undefined {
    return this.changes.mark();
  }

  async read<T>(work: (repos: Repositories) => Promise<T> | T): Promise<T> {
    const unit = this.currentUnit();
    if (unit) return await this.run(unit, work);
    return await this.retrying(
      async () =>
        await this.database.db.transaction(async (tx) => await this.run({ mode: 'read', tx, open: true }, work), {
          isolationLevel: 'repeatable read',
          accessMode: 'read only',
        }),
    );
  }

  /** Runs `work` as `unit` with the repositories over its transaction; the unit is closed when `work` ends. */
  private async run<T>(unit: Unit, work: (repos: Repositories) => Promise<T> | T): Promise<T> {
    const repos = this.repositoriesFor({ db: unit.tx as unknown as Db, dialect: 'postgres' }, this.inWriteUnit, this.readUnit);
    if (unit === this.currentUnit()) return await work(repos);
    return await this.units.run(unit, async () => await work(repos));
  }

  private currentUnit(): Unit | undefined {
    return this.units.current();
  }

  private async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (tries >= ATTEMPTS || !RETRYABLE.has(sqlState(error) ?? '')) throw error;
        // Jittered, so that two units that collided do not collide again on the same beat.
        await sleep(5 * tries + Math.random() * 20);
      }
    }
  }

  /** "postgres " and the URL, its password masked (for /healthz and the CLI). */
  describe(): string {
    return `postgres ${maskUrl(this.url)}`;
  }

  /** True when the database answers a trivial query (for /healthz). */
  async isReachable(): Promise<boolean> {
    try {
      const result = await this.database.pool.query('SELECT 1 AS ok');
      return result.rows.length === 1;
    } catch {
      return false;
    }
  }

  async releaseStatus(id: number): Promise<ReleaseGate | undefined> {
    return await this.adminMethod('releaseStatus')(id);
  }

  async auditReport(expected: readonly ExpectedHead[] = [], chain?: number): Promise<AuditReport> {
    return await this.adminMethod('auditReport')(expected, chain);
  }

  async publishedAnchors(): Promise<Array<PublishedAnchor & { workspace: string }>> {
    return await this.adminMethod('publishedAnchors')();
  }

  async verifyAudit(chain?: number): Promise<ChainsVerification> {
    return await this.adminMethod('verifyAudit')(chain);
  }

  async auditHeads(chain?: number): Promise<NamedChainHead[]> {
    return await this.adminMethod('auditHeads')(chain);
  }

  private adminMethod<K extends keyof PgAdmin>(name: K): NonNullable<PgAdmin[K]> {
    const method = this.admin[name] ?? this.ownAdmin[name];
    return method.bind(this.admin) as NonNullable<PgAdmin[K]>;
  }

  /** The admin CLI's reads over the whole store, each in one read-only snapshot (the same code SQLite runs). */
  private readonly ownAdmin: PgAdmin = wholeStoreReads(async (work) => await this.snapshot(work)) satisfies WholeStoreReads;

  /** `work` over the connection of a read-only REPEATABLE READ transaction (a consistent snapshot). */
  private async snapshot<T>(work: (s: StoreDb) => Promise<T>): Promise<T> {
    return await this.database.db.transaction(async (tx) => await work({ db: tx as unknown as Db, dialect: 'postgres' }), {
      isolationLevel: 'repeatable read',
      accessMode: 'read only',
    });
  }

  /** The pool itself, for tools that load a store in bulk (src/store/bulk-insert.ts), never for the bot's units. */
  get pool(): PgDatabase['pool'] {
    return this.database.pool;
  }

  async close(): Promise<void> {
    await this.changes.close();
    await this.database.close();
  }
}

/** The SQLSTATE of a PostgreSQL error, also when drizzle wrapped it (DrizzleQueryError keeps it as `cause`). */
function sqlState(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}
