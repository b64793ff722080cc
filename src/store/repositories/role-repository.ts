import { and, asc, count, eq } from 'drizzle-orm';
import type { RoleRepository } from '../../core/ports.ts';
import type { GrantableRole, RoleHolder } from '../../core/roles.ts';
import { changedRows, first, type StoreDb } from '../store-db.ts';
import { tables } from './kernel-tables.ts';

export class RoleStore implements RoleRepository {
  constructor(private readonly s: StoreDb) {}

  async rolesOf(workspaceId: number, personId: number): Promise<GrantableRole[]> {
    const { roleAssignments } = tables(this.s);
    const rows = await this.s.db
      .select({ role: roleAssignments.role })
      .from(roleAssignments)
      .where(and(eq(roleAssignments.workspaceId, workspaceId), eq(roleAssignments.personId, personId)));
    return rows.map((row) => row.role);
  }

  async holders(workspaceId: number, role?: GrantableRole): Promise<RoleHolder[]> {
    const { people, roleAssignments } = tables(this.s);
    const scope = eq(roleAssignments.workspaceId, workspaceId);
    return await this.s.db
      .select({
        personId: people.id,
        externalId: people.externalId,
        displayName: people.displayName,
        role: roleAssignments.role,
      })
      .from(roleAssignments)
      .innerJoin(people, eq(people.id, roleAssignments.personId))
      .where(role ? and(scope, eq(roleAssignments.role, role)) : scope)
      .orderBy(asc(roleAssignments.role), asc(roleAssignments.grantedAt), asc(people.id));
  }

  async grant(input: {
    workspaceId: number;
    personId: number;
    role: GrantableRole;
    grantedBy: number | null;
    grantedAt: string;
  }): Promise<void> {
    const { roleAssignments } = tables(this.s);
    await this.s.db.insert(roleAssignments).values(input).onConflictDoNothing();
  }

  async revoke(workspaceId: number, personId: number, role: GrantableRole): Promise<boolean> {
    const { roleAssignments } = tables(this.s);
    const result = await this.s.db
      .delete(roleAssignments)
      .where(and(eq(roleAssignments.workspaceId, workspaceId), eq(roleAssignments.personId, personId), eq(roleAssignments.role, role)));
    return changedRows(result) === 1;
  }

  async countAssignments(workspaceId: number): Promise<number> {
    const { roleAssignments } = tables(this.s);
    return first(await this.s.db.select({ n: count() }).from(roleAssignments).where(eq(roleAssignments.workspaceId, workspaceId)))?.n ?? 0;
  }
}
