import { and, asc, count, eq } from 'drizzle-orm';
import type { RoleRepository } from '../../core/ports.ts';
import type { GrantableRole, RoleHolder } from '../../core/roles.ts';
import type { Db } from '../database.ts';
import { people, roleAssignments } from '../schema/directory.ts';

export class SqliteRoleRepository implements RoleRepository {
  constructor(private readonly db: Db) {}

  async rolesOf(workspaceId: number, personId: number): Promise<GrantableRole[]> {
    return this.db
      .select({ role: roleAssignments.role })
      .from(roleAssignments)
      .where(and(eq(roleAssignments.workspaceId, workspaceId), eq(roleAssignments.personId, personId)))
      .all()
      .map((row) => row.role);
  }

  async holders(workspaceId: number, role?: GrantableRole): Promise<RoleHolder[]> {
    const scope = eq(roleAssignments.workspaceId, workspaceId);
    return this.db
      .select({
        personId: people.id,
        externalId: people.externalId,
        displayName: people.displayName,
        role: roleAssignments.role,
      })
      .from(roleAssignments)
      .innerJoin(people, eq(people.id, roleAssignments.personId))
      .where(role ? and(scope, eq(roleAssignments.role, role)) : scope)
      .orderBy(asc(roleAssignments.role), asc(roleAssignments.grantedAt), asc(people.id))
      .all();
  }

  async grant(input: {
    workspaceId: number;
    personId: number;
    role: GrantableRole;
    grantedBy: number | null;
    grantedAt: string;
  }): Promise<void> {
    this.db.insert(roleAssignments).values(input).onConflictDoNothing().run();
  }

  async revoke(workspaceId: number, personId: number, role: GrantableRole): Promise<boolean> {
    const result = this.db
      .delete(roleAssignments)
      .where(and(eq(roleAssignments.workspaceId, workspaceId), eq(roleAssignments.personId, personId), eq(roleAssignments.role, role)))
      .run();
    return result.changes === 1;
  }

  async countAssignments(workspaceId: number): Promise<number> {
    return this.db.select({ n: count() }).from(roleAssignments).where(eq(roleAssignments.workspaceId, workspaceId)).get()?.n ?? 0;
  }
}
