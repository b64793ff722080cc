import type { Clock } from './clock.ts';
import { KeptMap } from './kept-map.ts';
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

/** A contact as last read, with the workspace's audit sequence it was read at. */
interface KnownContact {
  contact: Contact;
  sequence: number | null;
  /** The store's change mark taken before it was read (undefined on a store that has none). */
  mark?: string | undefined;
}

/** People recognised without reading them again; the least recently seen goes first. An entry is a few hundred bytes. */
const KNOWN_CONTACTS = 10_000;

/** The cache key of a contact: who, in which workspace, on which platform. */
const contactKey = (ref: ContactRef): string => `${ref.platform}\u0000${ref.workspaceExternalId}\u0000${ref.userExternalId}`;

/** A copy a caller may change without changing the cached contact. */
const copyOf = (contact: Contact): Contact => ({ ...contact, roles: [...contact.roles] });

/** Creates workspaces and people on first contact and applies the admin seeding rules. */
export class DirectoryService {
  /**
   * Contacts recognised lately, each with its workspace's audit sequence when it was read. Every change to
   * a workspace, its people or their roles appends an audit event to the workspace's chain (in the same
   * unit of work), so while that sequence stands (one indexed seek, read on every request, so a change made
   * by another process is seen too) the workspace, the person and their roles are as cached.
   */
  private readonly known = new KeptMap<string, KnownContact>(KNOWN_CONTACTS);

  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
    private readonly options: DirectoryOptions,
  ) {}

  /** Resolves the actor of a request, creating what is missing (audited) in one transaction. */
  async contact(ref: ContactRef): Promise<Contact> {
    return (await this.recognise(ref)).contact;
  }

  /**
   * The contact and the workspace's audit sequence it is current at (undefined when it was just written).
   * A known person whose workspace has not changed since is answered from memory after one indexed read
   * of the sequence; otherwise from a read of the workspace, the person and their roles; the write lock is
   * taken only when something has to change.
   */
  async recognise(ref: ContactRef): Promise<{ contact: Contact; sequence?: number | null }> {
    const key = contactKey(ref);
    const unchanged = this.unchanged(key, ref);
    if (unchanged) return { contact: copyOf(unchanged.contact), sequence: unchanged.sequence };
    const mark = this.store.changeMark?.();
    const read = await this.store.read(async (repos) => {
      const found = (await this.fromMemory(repos, key, ref)) ?? (await this.readContact(repos, ref));
      return found && { ...found, mark };
    });
    if (read && !this.needsChange(read.contact, ref)) {
      this.remember(key, read);
      return { contact: copyOf(read.contact), sequence: read.sequence };
    }
    this.known.delete(key);
    return { contact: await this.store.write(async (repos) => await this.ensure(repos, ref)) };
  }

  /**
   * The contact from memory while its workspace's audit sequence stands and nothing the platform sent
   * differs from it, else undefined; never writes (callers run it inside their own read unit).
   */
  async recognised(ref: ContactRef): Promise<{ contact: Contact; sequence: number | null } | undefined> {
    const key = contactKey(ref);
    const unchanged = this.unchanged(key, ref);
    if (unchanged) return { contact: copyOf(unchanged.contact), sequence: unchanged.sequence };
    const mark = this.store.changeMark?.();
    const hit = await this.store.read(async (repos) => await this.fromMemory(repos, key, ref));
    if (!hit) return undefined;
    this.remember(key, { ...hit, mark });
    return { contact: copyOf(hit.contact), sequence: hit.sequence };
  }

  /**
   * The contact from memory with no read at all, while nothing in the store has changed since it was read
   * (the store's change mark; a store without one always reads) and nothing the platform sent differs from it.
   */
  private unchanged(key: string, ref: ContactRef): KnownContact | undefined {
    const cached = this.known.get(key);
    if (!cached || cached.mark === undefined || this.needsChange(cached.contact, ref)) return undefined;
    if (this.store.changeMark?.() !== cached.mark) return undefined;
    this.remember(key, cached);
    return cached;
  }

  /** Runs `work` in one read unit: the reads it makes through the services share one snapshot (and one BEGIN on PostgreSQL). */
  async together<T>(work: () => Promise<T>): Promise<T> {
    return await this.store.read(async () => await work());
  }

  private async fromMemory(repos: Repositories, key: string, ref: ContactRef): Promise<KnownContact | undefined> {
    const cached = this.known.get(key);
    if (!cached || this.needsChange(cached.contact, ref)) return undefined;
    const sequence = (await repos.audit.versions(cached.contact.workspace.id)).workspace;
    return sequence === cached.sequence ? cached : undefined;
  }

  private async readContact(repos: Repositories, ref: ContactRef): Promise<KnownContact | undefined> {
    // The sequence first: a change landing between the two reads can only make the entry newer than its key.
    const workspace = await repos.workspaces.findByExternalId(ref.platform, ref.workspaceExternalId);
    if (!workspace) return undefined;
    const sequence = (await repos.audit.versions(workspace.id)).workspace;
    const contact = await this.lookup(repos, ref);
    return contact ? { contact, sequence } : undefined;
  }

  private remember(key: string, entry: KnownContact): void {
    this.known.keep(key, entry);
  }

  /**
   * Resolves someone named in a form or a command (a Slack user picker, a Teams @mention) to a
   * person of the workspace, creating them (audited) if the bot has not met them yet.
   */
  async ensurePerson(workspace: Workspace, externalId: string, displayName?: string, actorLabel = 'system'): Promise<Person> {
    const known = await this.store.read(async (repos) => await this.findNamed(repos, workspace, externalId));
    if (known && (!displayName || known.displayName === displayName)) return known;
    return await this.store.write(async (repos) => {
      const existing = await this.findNamed(repos, workspace, externalId);
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

  /**
   * The person named by `externalId`. A Teams mention the connector could not resolve (in a personal chat
   * Teams knows only its two members) carries the 29:… id, not the AAD object id people are known by: that
   * id is the user of the person's personal-chat reference, so it finds them there.
   */
  private async findNamed(repos: Repositories, workspace: Workspace, externalId: string): Promise<Person | undefined> {
    const found = await repos.people.find(workspace.id, externalId);
    if (found || workspace.platform !== 'teams') return found;
    return await repos.people.findByDirectUser(workspace.id, externalId);
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
    // Someone first met through a Teams mention the connector could not resolve is known by their 29:… id
    // (their personal-chat reference's user): the same person now, given their stable id.
    const teamsId = (ref.directReference as { user?: { id?: unknown } } | undefined)?.user?.id;
    const mentioned =
      !person && ref.platform === 'teams' && typeof teamsId === 'string' && teamsId !== ref.userExternalId
        ? await repos.people.find(workspace.id, teamsId)
        : undefined;
    if (mentioned) {
      await repos.people.setExternalId(mentioned.id, ref.userExternalId);
      await repos.audit.append(
        {
          workspaceId: workspace.id,
          actorPersonId: mentioned.id,
          actor: actorLabel,
          action: 'person.identified',
          subject: `person:${mentioned.id}`,
          before: { externalId: mentioned.externalId },
          after: { externalId: ref.userExternalId },
        },
        at,
      );
      person = { ...mentioned, externalId: ref.userExternalId };
    }
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
