import type { AuditEventInput, AuditHead } from './audit.ts';
import type { Person, Platform, Workspace } from './identity.ts';
import type { GrantableRole, RoleHolder } from './roles.ts';

export interface WorkspaceRepository {
  findByExternalId(platform: Platform, externalId: string): Workspace | undefined;
  findById(id: number): Workspace | undefined;
  insert(input: { platform: Platform; externalId: string; name: string | null; createdAt: string }): Workspace;
  rename(id: number, name: string): void;
}

export interface PeopleRepository {
  find(workspaceId: number, externalId: string): Person | undefined;
  insert(input: Omit<Person, 'id'>): Person;
  rename(id: number, displayName: string): void;
  count(workspaceId: number): number;
}

export interface RoleRepository {
  rolesOf(workspaceId: number, personId: number): GrantableRole[];
  holders(workspaceId: number, role?: GrantableRole): RoleHolder[];
  grant(input: { workspaceId: number; personId: number; role: GrantableRole; grantedBy: number | null; grantedAt: string }): void;
  countAssignments(workspaceId: number): number;
}

export interface AuditLog {
  /** Appends to the hash chain; must run inside the caller's write transaction. */
  append(event: AuditEventInput, at: string): AuditHead;
  head(): AuditHead | null;
  count(workspaceId?: number): number;
}

export interface DedupeRepository {
  /** Records an inbound key; false when it was seen before (a retry or a double click). */
  claim(key: string, workspaceId: number | null, at: string): boolean;
  pruneBefore(at: string): number;
}

export interface Repositories {
  workspaces: WorkspaceRepository;
  people: PeopleRepository;
  roles: RoleRepository;
  audit: AuditLog;
  dedupe: DedupeRepository;
}

/** The store as core sees it: synchronous units of work over the repositories. */
export interface UnitOfWork {
  /** Runs `work` in one write transaction (taken immediately, so chain appends never race). */
  write<T>(work: (repos: Repositories) => T): T;
  /** Runs `work` in one read transaction (a consistent snapshot). */
  read<T>(work: (repos: Repositories) => T): T;
}
