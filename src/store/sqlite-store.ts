import type Database from 'better-sqlite3';
import type { ChainsVerification, ExpectedHead, NamedChainHead, PublishedAnchor, ReleaseGate } from '../core/audit.ts';
import type { Repositories } from '../core/ports.ts';
import type { AuditReport } from './audit/cross-check.ts';
import { openDatabase, openDatabaseCopy, type OpenDatabase } from './database.ts';
import type { GovernanceStore } from './governance-store.ts';
import { applyMigrations } from './migrate.ts';
import { startChainsSqlite } from './audit/start-chains-sqlite.ts';
import { storeRepositories } from './repositories-over.ts';
import type { StoreDb } from './store-db.ts';
import { UnitScope } from './unit-scope.ts';
import { wholeStoreReads } from './whole-store-reads.ts';

/** How long a write unit waits for another connection's write lock before it fails (busy_timeout as was). */
const WRITE_LOCK_WAIT_MS = 5000;

/** A unit of work in progress: what it may do, and whether it is still open. */
interface Unit {
  mode: 'read' | 'write';
  open: boolean;
}

/**
 * The governance store on SQLite: one connection, the repositories over it, and units of work.
 * better-sqlite3 cannot run an async function as a transaction, so the store opens and closes the
 * transaction itself around the unit and runs units one at a time (see oneAtATime).
 */
export class SqliteStore implements GovernanceStore {
  readonly dialect = 'sqlite' as const;
  private readonly s: StoreDb;
  private readonly repos: Repositories;
  private readonly units = new UnitScope<Unit>();
  // The admin reads run in a read unit: a consistent snapshot, queued behind writes on the shared connection.
  private readonly admin = wholeStoreReads(async (work) => await this.read(async () => await work(this.s)));
  private queue: Promise<void> = Promise.resolve();
  private savepoints = 0;
  // Prepared once: they run around every unit of work. Not the query_only pragma: SQLite applies a flag
  // pragma when the statement is prepared, not when it runs, so a prepared `query_only = ON` did nothing on
  // its first run (preparing `= OFF` after it had undone it) and the first read unit could write.
  private readonly statements: Record<'beginImmediate' | 'beginDeferred' | 'commit' | 'rollback' | 'changeMark', Database.Statement>;

  private constructor(
    private readonly handle: OpenDatabase,
    private readonly path: string,
  ) {
    this.s = { db: handle.db, dialect: 'sqlite' };
    this.repos = storeRepositories(
      this.s,
      () => this.currentUnit()?.mode === 'write',
      () => {
        const unit = this.currentUnit();
        return unit?.mode === 'read' ? unit : undefined;
      },
    );
    // Units wait for the write lock themselves (takeWriteLock); the pragma's wait stays for opening and migrating.
    handle.sqlite.pragma('busy_timeout = 0');
    const prepare = (sql: string) => handle.sqlite.prepare(sql);
    this.statements = {
      beginImmediate: prepare('BEGIN IMMEDIATE'),
      beginDeferred: prepare('BEGIN DEFERRED'),
      commit: prepare('COMMIT'),
      rollback: prepare('ROLLBACK'),
      // total_changes(): rows this connection inserted, updated or deleted since it opened (rolled back or
      // not); data_version: moves when another connection (another process, the CLI) commits.
      changeMark: prepare('SELECT total_changes() AS own, (SELECT data_version FROM pragma_data_version) AS others'),
    };
  }

  /** A mark that moves with every row written through this connection and every commit of another one. */
  changeMark(): string {
    const { own, others } = this.statements.changeMark.get() as { own: number; others: number };
    return `${own}:${others}`;
  }

  /**
   * Opens the file (or ':memory:') and brings its schema up to date, then its audit chains: a store
   * migrated from the one global chain gets each chain's genesis event (startChains).
   */
  static open(path: string, options: { migrate?: boolean } = {}): SqliteStore {
    const handle = openDatabase(path);
    try {
      if (options.migrate !== false) {
        applyMigrations(handle.sqlite);
        startChainsSqlite(handle.sqlite);
      }
    } catch (error) {
      handle.close();
      throw error;
    }
    return new SqliteStore(handle, path);
  }

  /** A store in memory that starts as a copy of `image` (another store's `sqlite.serialize()`), already migrated. */
  static openCopy(image: Buffer): SqliteStore {
    return new SqliteStore(openDatabaseCopy(image), ':memory:');
  }

  async write<T>(work: (repos: Repositories) => Promise<T> | T): Promise<T> {
    const unit = this.currentUnit();
    if (unit?.mode === 'read') throw new Error('a write unit cannot start inside a read unit');
    // A nested write is a savepoint of the unit it runs in: it may fail alone without undoing the rest.
    if (unit) return await this.savepoint(work);
    return await this.oneAtATime(async () => await this.transaction('write', work));
  }

  async read<T>(work: (repos: Repositories) => Promise<T> | T): Promise<T> {
    if (this.currentUnit()) return await work(this.repos);
    return await this.oneAtATime(async () => await this.transaction('read', work));
  }

  private currentUnit(): Unit | undefined {
    return this.units.current();
  }

  /**
   * Units share one connection, so they run one after the other: an `await` inside a unit can never let
   * another unit's statements into its transaction. Each unit's statements are synchronous, so a unit
   * holds the queue only for the time its own queries take.
   */
  private oneAtATime<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run);
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private async transaction<T>(mode: Unit['mode'], work: (repos: Repositories) => Promise<T> | T): Promise<T> {
    const unit: Unit = { mode, open: true };
    // IMMEDIATE takes the write lock before the first read, so the audit head cannot move under us (and
    // another connection on the same file is waited for in takeWriteLock). query_only makes a stray write inside a
    // read fail loudly instead of committing.
    if (mode === 'write') await this.takeWriteLock();
    else {
      this.handle.sqlite.pragma('query_only = ON');
      this.statements.beginDeferred.run();
    }
    try {
      const result = await this.units.run(unit, async () => await work(this.repos));
      this.statements.commit.run();
      return result;
    } catch (error) {
      if (this.handle.sqlite.inTransaction) this.statements.rollback.run();
      throw error;
    } finally {
      if (mode === 'read') this.handle.sqlite.pragma('query_only = OFF');
    }
  }

  /**
   * BEGIN IMMEDIATE, waiting for another connection's write to finish without blocking the event loop:
   * SQLite's busy_timeout would spin inside the call, freezing this process (and every Slack ack it owes)
   * for as long as the other writer holds the lock, and deadlocking two connections of one process.
   */
  private async takeWriteLock(): Promise<void> {
    const started = Date.now();
    for (let attempt = 0; ; attempt += 1) {
      try {
        this.statements.beginImmediate.run();
        return;
      } catch (error) {
        const busy = (error as { code?: string }).code?.startsWith('SQLITE_BUSY') ?? false;
        if (!busy || Date.now() - started > WRITE_LOCK_WAIT_MS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(2 ** attempt, 25)));
      }
    }
  }

  private async savepoint<T>(work: (repos: Repositories) => Promise<T> | T): Promise<T> {
    const name = `unit_${(this.savepoints += 1)}`;
    this.handle.sqlite.exec(`SAVEPOINT ${name}`);
    try {
      const result = await work(this.repos);
      this.handle.sqlite.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.handle.sqlite.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw error;
    }
  }

  /** How /healthz and the CLI name the store: the dialect and the file. */
  describe(): string {
    return `sqlite ${this.path}`;
  }

  /** True when the database answers a trivial query (for /healthz). */
  async isReachable(): Promise<boolean> {
    try {
      return this.handle.sqlite.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  /** The CI gate for a release by its id, across workspaces (the admin CLI reads the whole store). */
  async releaseStatus(id: number): Promise<ReleaseGate | undefined> {
    return await this.admin.releaseStatus(id);
  }

  /** The chain walk, the expected heads, and the state tables cross-checked against the chain. */
  async auditReport(expected: readonly ExpectedHead[] = [], chain?: number): Promise<AuditReport> {
    return await this.admin.auditReport(expected, chain);
  }

  /** Every published head, oldest first, across workspaces (for the admin CLI). */
  async publishedAnchors(): Promise<Array<PublishedAnchor & { workspace: string }>> {
    return await this.admin.publishedAnchors();
  }

  async auditHeads(chain?: number): Promise<NamedChainHead[]> {
    return await this.admin.auditHeads(chain);
  }

  async verifyAudit(chain?: number): Promise<ChainsVerification> {
    return await this.admin.verifyAudit(chain);
  }

  get sqlite(): OpenDatabase['sqlite'] {
    return this.handle.sqlite;
  }

  close(): void {
    if (this.handle.sqlite.open) this.handle.close();
  }
}
