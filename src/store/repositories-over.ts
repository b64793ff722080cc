import type { Repositories } from '../core/ports.ts';
import { AnchorStore } from './audit/anchor-repository.ts';
import { AuditChainStore } from './audit/audit-chain.ts';
import { DedupeStore } from './repositories/dedupe-repository.ts';
import { JobStore } from './repositories/job-repository.ts';
import { OutboxStore } from './repositories/outbox-repository.ts';
import { PeopleStore } from './repositories/people-repository.ts';
import { PostedMessageStore } from './repositories/posted-message-repository.ts';
import { RoleStore } from './repositories/role-repository.ts';
import { SettingsStore } from './repositories/settings-repository.ts';
import { WorkspaceStore } from './repositories/workspace-repository.ts';
import type { StoreDb } from './store-db.ts';
import { areaRepositories } from '../features/index.ts';

/**
 * Every repository, the kernel's and the areas', over one connection of either dialect. `inWriteUnit`
 * tells the audit log whether the caller runs inside a write unit: appends are refused anywhere else;
 * `readUnit` names the read unit it runs in (a snapshot: what it reads there cannot change).
 */
export function storeRepositories(s: StoreDb, inWriteUnit: () => boolean, readUnit?: () => object | undefined): Repositories {
  // The type of the set is completed by each area's port.ts, so the cast only joins what they declared.
  // The area stores see the read unit too (keptInReadUnit).
  const scoped: StoreDb = readUnit ? { ...s, readUnit } : s;
  return {
    ...areaRepositories(scoped),
    workspaces: new WorkspaceStore(s),
    people: new PeopleStore(s),
    roles: new RoleStore(s),
    audit: new AuditChainStore(s, inWriteUnit, readUnit),
    dedupe: new DedupeStore(s),
    settings: new SettingsStore(s),
    jobs: new JobStore(s),
    anchors: new AnchorStore(s),
    outbox: new OutboxStore(s),
    posted: new PostedMessageStore(s),
  } as Repositories;
}
