import type { Clock } from './clock.ts';
import type { ContactRef, Person, Platform, Workspace } from './identity.ts';
import type { Repositories, UnitOfWork } from './ports.ts';
import type { GrantableRole } from './roles.ts';

export interface DirectoryOptions {
  /** People named in AIMS_ADMINS: admins of whichever workspace they appear in. */
  seedAdmins: ReadonlyArray<{ platform: Platform; userId: string }>;
  /** Local mode: the first person to talk to the bot in a workspace without admins becomes its admin. */
  firstContactBecomesAdmin: boolean;
}

export interface Contact {
  workspace: Workspace;
  person: Person;
  roles: GrantableRole[];
}

/** Creates workspaces and people on first contact and applies the admin seeding rules. */
export class DirectoryService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
    private readonly options: DirectoryOptions,
  ) {}

  /** Resolves the actor of a request, creating what is missing (audited) in one transaction. */
  async contact(ref: ContactRef): Promise<Contact> {
    // Most requests come from people we know: answer from a read, and only take the write lock
    // when something has to change.
    const known = await this.store.read(async (repos) => await this.lookup(repos, ref));
    if (known && !this.needsChange(known, ref)) return known;
    return await this.store.write(async (repos) => await this.ensure(repos, ref));
  }

  /**
   * Resolves someone named in a form or a command (a Slack user picker, a Teams @mention) to a
   * person of the workspace, creating them (audited) if the bot has not met them yet.
   */
  async ensurePerson(workspace: Workspace, externalId: string, displayName?: string, actorLabel = 'system'): Promise<Person> {
    const known = await this.store.read(async (repos) => await repos.people.find(workspace.id, externalId));
    if (known && (!displayName || known.displayName === displayName)) return known;
    return await this.store.write(async (repos) => {
      const existing = await repos.people.find(workspace.id, externalId);
      const at = this.clock.now().toISOString();
      if (existing) {
        if (!displayName || existing.displayName === displayName) return existing;
        await repos.people.rename(existing.id, displayName);
        await repos.audit.append(
          {
            workspaceId: workspace.id,
            actorPersonId: null,
            actor: actorLabel,
            action: 'person.renamed',
            subject: `person:${existing.id}`,
            before: { displayName: existing.displayName },
            after: { displayName },
          },
          at,
        );
        return { ...existing, displayName };
      }
      const person = await repos.people.insert({
        workspaceId: workspace.id,
        platform: workspace.platform,
        externalId,
        displayName: displayName ?? null,
        createdAt: at,
      });
      await repos.audit.append(
        {
          workspaceId: workspace.id,
          actorPersonId: null,
          actor: actorLabel,
          action: 'person.created',
          subject: `person:${person.id}`,
          before: null,
          after: person,
        },
        at,
      );
      return person;
    });
  }

  /** People of a workspace, for pickers that cannot search the platform's directory. */
  async people(workspaceId: number, limit = 500): Promise<Person[]> {
    return await this.store.read(async (repos) => await repos.people.list(workspaceId, limit));
  }

  /** The workspace a posted card (channel and message id) belongs to, if the bot posted it for a record. */
  async ownerOfPost(platform: Platform, channelId: string, messageId: string): Promise<Workspace | undefined> {
    return await this.store.read(async (repos) => await repos.workspaces.ownerOfPost(platform, channelId, messageId));
  }

  /** A workspace the bot has met, without creating it (read-only callers like the pipeline API). */
  async workspaceOf(platform: Platform, externalId: string): Promise<Workspace | undefined> {
    return await this.store.read(async (repos) => await repos.workspaces.findByExternalId(platform, externalId));
  }

  /** People whose name contains `query` (pickers that search). */
  async searchPeople(workspaceId: number, query: string, limit = 100): Promise<Person[]> {
    return await this.store.read(async (repos) => await repos.people.search(workspaceId, query.trim(), limit));
  }

  async personById(workspaceId: number, id: number): Promise<Person | undefined> {
    return await this.store.read(async (repos) => await repos.people.findById(workspaceId, id));
  }

  private async lookup(repos: Repositories, ref: ContactRef): Promise<Contact | undefined> {
    const workspace = await repos.workspaces.findByExternalId(ref.platform, ref.workspaceExternalId);
    if (!workspace) return undefined;
    const person = await repos.people.find(workspace.id, ref.userExternalId);
    if (!person) return undefined;
    return { workspace, person, roles: await repos.roles.rolesOf(workspace.id, person.id) };
  }

  private needsChange(known: Contact, ref: ContactRef): boolean {
    if (ref.workspaceName && ref.workspaceName !== known.workspace.name) return true;
    if (ref.displayName && ref.displayName !== known.person.displayName) return true;
    if (!ref.displayName && ref.fallbackName && known.person.displayName === null) return true;
    if (ref.directReference !== undefined && JSON.stringify(ref.directReference) !== JSON.stringify(known.person.directReference ?? null))
      return true;
    return this.isSeedAdmin(ref) && !known.roles.includes('admin');
  }

  private isSeedAdmin(ref: ContactRef): boolean {
    return this.options.seedAdmins.some((seed) => seed.platform === ref.platform && seed.userId === ref.userExternalId);
  }

  private async ensure(repos: Repositories, ref: ContactRef): Promise<Contact> {
    const at = this.clock.now().toISOString();
    const actorLabel = `${ref.platform}:${ref.userExternalId}`;

    let workspace = await repos.workspaces.findByExternalId(ref.platform, ref.workspaceExternalId);
    if (!workspace) {
      workspace = await repos.workspaces.insert({
        platform: ref.platform,
        externalId: ref.workspaceExternalId,
        name: ref.workspaceName ?? null,
        createdAt: at,
      });
      await repos.audit.append(
        {
          workspaceId: workspace.id,
          actorPersonId: null,
          actor: actorLabel,
          action: 'workspace.created',
          subject: `workspace:${workspace.id}`,
          before: null,
          after: workspace,
        },
        at,
      );
    } else if (ref.workspaceName && ref.workspaceName !== workspace.name) {
      await repos.workspaces.rename(workspace.id, ref.workspaceName);
      const after = { ...workspace, name: ref.workspaceName };
      await repos.audit.append(
        {
          workspaceId: workspace.id,
          actorPersonId: null,
          actor: actorLabel,
          action: 'workspace.renamed',
          subject: `workspace:${workspace.id}`,
          before: { name: workspace.name },
          after: { name: after.name },
        },
        at,
      );
      workspace = after;
    }

    let person = await repos.people.find(workspace.id, ref.userExternalId);
    if (!person) {
      person = await repos.people.insert({
        workspaceId: workspace.id,
        platform: ref.platform,
        externalId: ref.userExternalId,
        displayName: ref.displayName ?? ref.fallbackName ?? null,
        createdAt: at,
      });
      await repos.audit.append(
        {
          workspaceId: workspace.id,
          actorPersonId: person.id,
          actor: actorLabel,
          action: 'person.created',
          subject: `person:${person.id}`,
          before: null,
          after: person,
        },
        at,
      );
    } else if (
      (ref.displayName && ref.displayName !== person.displayName) ||
      (!ref.displayName && ref.fallbackName && person.displayName === null)
    ) {
      const name = ref.displayName ?? ref.fallbackName ?? '';
      await repos.people.rename(person.id, name);
      await repos.audit.append(
        {
          workspaceId: workspace.id,
          actorPersonId: person.id,
          actor: actorLabel,
          action: 'person.renamed',
          subject: `person:${person.id}`,
          before: { displayName: person.displayName },
          after: { displayName: name },
        },
        at,
      );
      person = { ...person, displayName: name };
    }

    if (ref.directReference !== undefined && JSON.stringify(ref.directReference) !== JSON.stringify(person.directReference ?? null)) {
      await repos.people.setDirectReference(person.id, ref.directReference);
      const conversation = (ref.directReference as { conversation?: { id?: string } }).conversation?.id ?? null;
      await repos.audit.append(
        {
          workspaceId: workspace.id,
          actorPersonId: person.id,
          actor: actorLabel,
          action: 'person.direct_chat_recorded',
          subject: `person:${person.id}`,
          before: null,
          after: { conversation },
        },
        at,
      );
      person = { ...person, directReference: ref.directReference };
    }

    const roles = await repos.roles.rolesOf(workspace.id, person.id);
    if (!roles.includes('admin')) {
      const reason = this.isSeedAdmin(ref)
        ? 'listed in AIMS_ADMINS'
        : this.options.firstContactBecomesAdmin && (await repos.roles.holders(workspace.id, 'admin')).length === 0
          ? 'first person in a workspace without admins (local mode)'
          : undefined;
      if (reason) {
        await repos.roles.grant({ workspaceId: workspace.id, personId: person.id, role: 'admin', grantedBy: null, grantedAt: at });
        await repos.audit.append(
          {
            workspaceId: workspace.id,
            actorPersonId: null,
            actor: 'system',
            action: 'role.granted',
            subject: `person:${person.id}`,
            before: { roles },
            after: { roles: [...roles, 'admin'], reason },
          },
          at,
        );
        roles.push('admin');
      }
    }
    return { workspace, person, roles };
  }
}
