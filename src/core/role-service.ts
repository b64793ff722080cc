import type { Actor } from './actor.ts';
import type { Clock } from './clock.ts';
import { AimsError } from './errors.ts';
import { personLabel, type Person } from './identity.ts';
import { requireAdmin } from './policies.ts';
import type { Repositories, UnitOfWork } from './ports.ts';
import { GRANTABLE_ROLES, type GrantableRole, type RoleHolder } from './roles.ts';

export interface RoleChange {
  person: Person;
  role: GrantableRole;
  changed: boolean;
}

/** Parses a role name as people type it ("Approver", "approvers"). */
export function parseRole(word: string | undefined): GrantableRole {
  const normalised = (word ?? '').trim().toLowerCase().replace(/s$/, '');
  const role = GRANTABLE_ROLES.find((candidate) => candidate === normalised);
  if (!role) {
    throw new AimsError('invalid_input', word ? `“${word}” is not a role.` : 'Say which role.', {
      hint: `Roles: ${GRANTABLE_ROLES.join(', ')} (everyone is a member).`,
    });
  }
  return role;
}

/** Who holds which role in a workspace (ISO/IEC 42001 A.3.2); only admins change it. */
export class RoleService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** Grants a role (admins only); granting a role someone holds changes nothing. */
  async grant(actor: Actor, targetPersonId: number, role: GrantableRole): Promise<RoleChange> {
    return await this.store.write(async (repos) => {
      await requireAdmin(repos, actor, 'grant roles');
      const person = await this.mustFindPerson(repos, actor, targetPersonId);
      const roles = await repos.roles.rolesOf(actor.workspaceId, person.id);
      if (roles.includes(role)) return { person, role, changed: false };
      const at = this.clock.now().toISOString();
      await repos.roles.grant({ workspaceId: actor.workspaceId, personId: person.id, role, grantedBy: actor.personId, grantedAt: at });
      await repos.audit.append(
        {
          workspaceId: actor.workspaceId,
          actorPersonId: actor.personId,
          actor: actor.label,
          action: 'role.granted',
          subject: `person:${person.id}`,
          before: { roles },
          after: { roles: [...roles, role] },
        },
        at,
      );
      return { person, role, changed: true };
    });
  }

  /** Revokes a role (admins only); the last admin of a workspace cannot be removed. */
  async revoke(actor: Actor, targetPersonId: number, role: GrantableRole): Promise<RoleChange> {
    return await this.store.write(async (repos) => {
      await requireAdmin(repos, actor, 'revoke roles');
      const person = await this.mustFindPerson(repos, actor, targetPersonId);
      const roles = await repos.roles.rolesOf(actor.workspaceId, person.id);
      if (!roles.includes(role)) return { person, role, changed: false };
      if (role === 'admin' && (await repos.roles.holders(actor.workspaceId, 'admin')).length <= 1) {
        throw new AimsError('conflict', `${personLabel(person)} is the last admin of this workspace, so the role stays.`, {
          hint: 'Grant admin to someone else first.',
        });
      }
      const at = this.clock.now().toISOString();
      await repos.roles.revoke(actor.workspaceId, person.id, role);
      await repos.audit.append(
        {
          workspaceId: actor.workspaceId,
          actorPersonId: actor.personId,
          actor: actor.label,
          action: 'role.revoked',
          subject: `person:${person.id}`,
          before: { roles },
          after: { roles: roles.filter((r) => r !== role) },
        },
        at,
      );
      return { person, role, changed: true };
    });
  }

  /** Refuses a non-admin before they start on an admin-only task (e.g. before a form opens). */
  async requireAdmin(actor: Actor, what: string): Promise<void> {
    await this.store.read(async (repos) => await requireAdmin(repos, actor, what));
  }

  async list(workspaceId: number): Promise<RoleHolder[]> {
    return await this.store.read(async (repos) => await repos.roles.holders(workspaceId));
  }

  private async mustFindPerson(repos: Repositories, actor: Actor, personId: number): Promise<Person> {
    const person = await repos.people.findById(actor.workspaceId, personId);
    if (!person) throw new AimsError('not_found', 'That person is not in this workspace.');
    return person;
  }
}
