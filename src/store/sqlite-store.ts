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

/**
 * The governance store: one SQLite connection, the repositories over it, and transactions.
 * better-sqlite3 is synchronous, so a unit of work is a plain function: no await can split it.
 */
export class SqliteStore implements UnitOfWork {
  private readonly repos: Repositories;
  private writeDepth = 0;
  // Built once: better-sqlite3 compiles BEGIN/COMMIT statements per wrapper.
  private readonly inTransaction: Database.Transaction<(work: (repos: Repositories) => unknown) => unknown>;
  private readonly queryOnlyOn: Database.Statement;
  private readonly queryOnlyOff: Database.Statement;

  private constructor(private readonly handle: OpenDatabase) {
    const { db } = handle;
    // The areas that moved into src/features/ bring their own repositories (their store.ts); the type
    // of the set is completed by each area's port.ts, so the cast only joins what they declared.
    this.repos = {
      ...areaRepositories(db),
      workspaces: new SqliteWorkspaceRepository(db),
      people: new SqlitePeopleRepository(db),
      roles: new SqliteRoleRepository(db),
      audit: new SqliteAuditLog(db, () => this.writeDepth > 0),
      dedupe: new SqliteDedupeRepository(db),
      settings: new SqliteSettingsRepository(db),
      jobs: new SqliteJobRepository(db),
      anchors: new SqliteAnchorRepository(db),
      outbox: new SqliteOutboxRepository(db),
      posted: new SqlitePostedMessageRepository(db),
    } as Repositories;
    this.inTransaction = handle.sqlite.transaction((work: (repos: Repositories) => unknown) => work(this.repos));
    this.queryOnlyOn = handle.sqlite.prepare('PRAGMA query_only = ON');
    this.queryOnlyOff = handle.sqlite.prepare('PRAGMA query_only = OFF');
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

  write<T>(work: (repos: Repositories) => T): T {
    // IMMEDIATE takes the write lock before the first read, so the audit head cannot move under us.
    // Nested calls become savepoints (better-sqlite3 handles that).
    this.writeDepth += 1;
    try {
      return this.inTransaction.immediate(work) as T;
    } finally {
      this.writeDepth -= 1;
    }
  }

  read<T>(work: (repos: Repositories) => T): T {
    if (this.writeDepth > 0) return work(this.repos);
    // query_only makes a stray write inside a read fail loudly instead of committing.
    this.queryOnlyOn.run();
    try {
      return this.inTransaction.deferred(work) as T;
    } finally {
      this.queryOnlyOff.run();
    }
  }

  /** True when the database answers a trivial query (for /healthz). */
  isReachable(): boolean {
    try {
      return this.handle.sqlite.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  /** The CI gate for a release by its id, across workspaces (the admin CLI reads the whole store). */
  releaseStatus(id: number): ReleaseGate | undefined {
    return releaseGate(this.handle.sqlite, id);
  }

  /** The chain walk, the expected heads, and the state tables cross-checked against the chain. */
  auditReport(expected: readonly ExpectedHead[] = []): AuditReport {
    return auditReport(this.handle.sqlite, expected);
  }

  /** Every published head, oldest first, across workspaces (for the admin CLI). */
  publishedAnchors(): Array<PublishedAnchor & { workspace: string }> {
    return this.handle.sqlite
      .prepare(
        `SELECT a.id, a.workspace_id AS workspaceId, a.sequence, a.hash, a.channel_id AS channelId, a.channel_name AS channelName, a.message_id AS messageId,
                a.source, a.published_at AS publishedAt, w.platform || ':' || coalesce(w.name, w.external_id) AS workspace
           FROM published_anchors a JOIN workspaces w ON w.id = a.workspace_id ORDER BY a.id`,
      )
      .all() as Array<PublishedAnchor & { workspace: string }>;
  }

  auditHead(): AuditHead | null {
    return this.read((repos) => repos.audit.head());
  }

  verifyAudit(): AuditVerification {
    return verifyAuditChain(this.handle.sqlite);
  }

  get sqlite(): OpenDatabase['sqlite'] {
    return this.handle.sqlite;
  }

  close(): void {
    if (this.handle.sqlite.open) this.handle.close();
  }
}
