import type { Repositories } from '../core/ports.ts';
import { SqliteAnchorRepository } from './audit/anchor-repository.ts';
import { SqliteAuditLog } from './audit/audit-chain.ts';
import { SqliteDedupeRepository } from './repositories/dedupe-repository.ts';
import { SqliteJobRepository } from './repositories/job-repository.ts';
import { SqliteOutboxRepository } from './repositories/outbox-repository.ts';
import { SqlitePeopleRepository } from './repositories/people-repository.ts';
import { SqlitePostedMessageRepository } from './repositories/posted-message-repository.ts';
import { SqliteRoleRepository } from './repositories/role-repository.ts';
import { SqliteSettingsRepository } from './repositories/settings-repository.ts';
import { SqliteWorkspaceRepository } from './repositories/workspace-repository.ts';
import type { StoreDb } from './store-db.ts';
import { areaRepositories } from '../features/index.ts';

/**
 * Every repository, the kernel's and the areas', over one connection of either dialect. `inWriteUnit`
 * tells the audit log whether the caller runs inside a write unit: appends are refused anywhere else.
 */
export function storeRepositories(s: StoreDb, inWriteUnit: () => boolean): Repositories {
  // The type of the set is completed by each area's port.ts, so the cast only joins what they declared.
  return {
    ...areaRepositories(s),
    workspaces: new SqliteWorkspaceRepository(s),
    people: new SqlitePeopleRepository(s),
    roles: new SqliteRoleRepository(s),
    audit: new SqliteAuditLog(s, inWriteUnit),
    dedupe: new SqliteDedupeRepository(s),
    settings: new SqliteSettingsRepository(s),
    jobs: new SqliteJobRepository(s),
    anchors: new SqliteAnchorRepository(s),
    outbox: new SqliteOutboxRepository(s),
    posted: new SqlitePostedMessageRepository(s),
  } as Repositories;
}
