import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import type { AuditHead, AuditVerification, ExpectedHead, PublishedAnchor, ReleaseGate } from '../core/audit.ts';
import { auditReport, type AuditReport } from './audit/cross-check.ts';
import { releaseGate } from './audit/release-gate.ts';
import type { Repositories, UnitOfWork } from '../core/ports.ts';
import { SqliteAuditLog, verifyAuditChain } from './audit/audit-chain.ts';
import { SqliteAnchorRepository } from './audit/anchor-repository.ts';
import { openDatabase, openDatabaseCopy, type OpenDatabase } from './database.ts';
import { applyMigrations } from './migrate.ts';
import { SqliteSettingsRepository } from './repositories/settings-repository.ts';
import { SqliteJobRepository } from './repositories/job-repository.ts';
import { SqliteOutboxRepository } from './repositories/outbox-repository.ts';
import { SqlitePostedMessageRepository } from './repositories/posted-message-repository.ts';
import { SqliteDedupeRepository } from './repositories/dedupe-repository.ts';
import { SqlitePeopleRepository } from './repositories/people-repository.ts';
import { SqliteRoleRepository } from './repositories/role-repository.ts';
import { SqliteWorkspaceRepository } from './repositories/workspace-repository.ts';
import { areaRepositories } from '../features/index.ts';

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
export class SqliteStore implements UnitOfWork {
  private readonly repos: Repositories;
  private readonly units = new AsyncLocalStorage<Unit>();
  private queue: Promise<void> = Promise.resolve();
  private savepoints = 0;
  // Prepared once: they run around every unit of work. Not the query_only pragma: SQLite applies a flag
  // pragma when the statement is prepared, not when it runs, so a prepared `query_only = ON` did nothing on
  // its first run (preparing `= OFF` after it had undone it) and the first read unit could write.
  private readonly statements: Record<'beginImmediate' | 'beginDeferred' | 'commit' | 'rollback', Database.Statement>;

  private constructor(private readonly handle: OpenDatabase) {
    const { db } = handle;
    // The areas that moved into src/features/ bring their own repositories (their store.ts); the type
    // of the set is completed by each area's port.ts, so the cast only joins what they declared.
    this.repos = {
      ...areaRepositories(db),
      workspaces: new SqliteWorkspaceRepository(db),
      people: new SqlitePeopleRepository(db),
      roles: new SqliteRoleRepository(db),
      audit: new SqliteAuditLog(db, () => this.currentUnit()?.mode === 'write'),
      dedupe: new SqliteDedupeRepository(db),
      settings: new SqliteSettingsRepository(db),
      jobs: new SqliteJobRepository(db),
      anchors: new SqliteAnchorRepository(db),
      outbox: new SqliteOutboxRepository(db),
      posted: new SqlitePostedMessageRepository(db),
    } as Repositories;
    // Units wait for the write lock themselves (takeWriteLock); the pragma's wait stays for opening and migrating.
    handle.sqlite.pragma('busy_timeout = 0');
    const prepare = (sql: string) => handle.sqlite.prepare(sql);
    this.statements = {
      beginImmediate: prepare('BEGIN IMMEDIATE'),
      beginDeferred: prepare('BEGIN DEFERRED'),
      commit: prepare('COMMIT'),
      rollback: prepare('ROLLBACK'),
    };
  }

  /** Opens the file (or ':memory:') and brings its schema up to date. */
  static open(path: string, options: { migrate?: boolean } = {}): SqliteStore {
    const handle = openDatabase(path);
    try {
      if (options.migrate !== false) applyMigrations(handle.sqlite);
    } catch (error) {
      handle.close();
      throw error;
    }
    return new SqliteStore(handle);
  }

  /** A store in memory that starts as a copy of `image` (another store's `sqlite.serialize()`), already migrated. */
  static openCopy(image: Buffer): SqliteStore {
    return new SqliteStore(openDatabaseCopy(image));
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

  /** The unit of work the caller runs in, if it is still open (a promise it left behind may outlive it). */
  private currentUnit(): Unit | undefined {
    const unit = this.units.getStore();
    return unit?.open ? unit : undefined;
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
      unit.open = false;
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
    return releaseGate(this.handle.sqlite, id);
  }

  /** The chain walk, the expected heads, and the state tables cross-checked against the chain. */
  async auditReport(expected: readonly ExpectedHead[] = []): Promise<AuditReport> {
    return auditReport(this.handle.sqlite, expected);
  }

  /** Every published head, oldest first, across workspaces (for the admin CLI). */
  async publishedAnchors(): Promise<Array<PublishedAnchor & { workspace: string }>> {
    return this.handle.sqlite
      .prepare(
        `SELECT a.id, a.workspace_id AS workspaceId, a.sequence, a.hash, a.channel_id AS channelId, a.channel_name AS channelName, a.message_id AS messageId,
                a.source, a.published_at AS publishedAt, w.platform || ':' || coalesce(w.name, w.external_id) AS workspace
           FROM published_anchors a JOIN workspaces w ON w.id = a.workspace_id ORDER BY a.id`,
      )
      .all() as Array<PublishedAnchor & { workspace: string }>;
  }

  async auditHead(): Promise<AuditHead | null> {
    return await this.read(async (repos) => await repos.audit.head());
  }

  async verifyAudit(): Promise<AuditVerification> {
    return verifyAuditChain(this.handle.sqlite);
  }

  get sqlite(): OpenDatabase['sqlite'] {
    return this.handle.sqlite;
  }

  close(): void {
    if (this.handle.sqlite.open) this.handle.close();
  }
}
