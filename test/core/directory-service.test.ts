import { afterEach, describe, expect, it } from 'vitest';
import type { ContactRef } from '../../src/core/identity.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { openTestStore } from '../helpers/store-kinds.ts';
import { sqlOf } from '../helpers/test-sql.ts';
import { directoryFor } from '../helpers/test-store.ts';

const ada: ContactRef = { platform: 'slack', workspaceExternalId: 'T1', workspaceName: 'acme', userExternalId: 'U1', displayName: 'ada' };
const bob: ContactRef = { ...ada, userExternalId: 'U2', displayName: 'bob' };

let store: GovernanceStore;
afterEach(async () => await store.close());

const actions = async () =>
  (await sqlOf(store).all<{ action: string }>('SELECT action FROM audit_events ORDER BY sequence')).map((r) => r.action);

describe('DirectoryService.contact', () => {
  it('creates the workspace and the person on first contact, each with an audit event', async () => {
    store = await openTestStore();
    const contact = await directoryFor(store).contact(ada);
    expect(contact.workspace).toMatchObject({ platform: 'slack', externalId: 'T1', name: 'acme' });
    expect(contact.person).toMatchObject({ platform: 'slack', externalId: 'U1', displayName: 'ada', workspaceId: contact.workspace.id });
    expect(contact.roles).toEqual([]);
    expect(await actions()).toEqual(['workspace.created', 'person.created']);
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it('changes nothing and writes no event when a known person comes back', async () => {
    store = await openTestStore();
    const directory = directoryFor(store);
    const first = await directory.contact(ada);
    const again = await directory.contact(ada);
    expect(again.person.id).toBe(first.person.id);
    expect(await actions()).toHaveLength(2);
  });

  it('keys people by platform user id, not by name: a rename is the same person, audited', async () => {
    store = await openTestStore();
    const directory = directoryFor(store);
    const first = await directory.contact(ada);
    const renamed = await directory.contact({ ...ada, displayName: 'Ada L.' });
    expect(renamed.person.id).toBe(first.person.id);
    expect(renamed.person.displayName).toBe('Ada L.');
    expect(await actions()).toEqual(['workspace.created', 'person.created', 'person.renamed']);
    const sameName = await directory.contact({ ...bob, displayName: 'Ada L.' });
    expect(sameName.person.id).not.toBe(first.person.id);
  });

  it('uses a fallback name (Slack’s legacy handle) only while no better name is known', async () => {
    store = await openTestStore();
    const directory = directoryFor(store);
    const handleOnly = { platform: 'slack' as const, workspaceExternalId: 'T1', userExternalId: 'U7', fallbackName: 'olivia' };
    expect((await directory.contact(handleOnly)).person.displayName).toBe('olivia');
    const workspace = (await directory.contact(handleOnly)).workspace;
    expect((await directory.ensurePerson(workspace, 'U7', 'Olivia Owner')).displayName).toBe('Olivia Owner');
    const events = (await actions()).length;
    // The handle arrives again with every slash command: it must not rename her back.
    expect((await directory.contact(handleOnly)).person.displayName).toBe('Olivia Owner');
    expect(await actions()).toHaveLength(events);
  });

  it('keeps workspaces apart: the same user id in another team is another person', async () => {
    store = await openTestStore();
    const directory = directoryFor(store);
    const inT1 = await directory.contact(ada);
    const inT2 = await directory.contact({ ...ada, workspaceExternalId: 'T2', workspaceName: 'globex' });
    expect(inT2.workspace.id).not.toBe(inT1.workspace.id);
    expect(inT2.person.id).not.toBe(inT1.person.id);
    const onTeams = await directory.contact({ ...ada, platform: 'teams' });
    expect(onTeams.workspace.id).not.toBe(inT1.workspace.id);
  });

  it('makes people listed in AIMS_ADMINS admins of the workspace they appear in, once', async () => {
    store = await openTestStore();
    const directory = directoryFor(store, { seedAdmins: [{ platform: 'slack', userId: 'U2' }] });
    expect((await directory.contact(ada)).roles).toEqual([]);
    expect((await directory.contact(bob)).roles).toEqual(['admin']);
    expect((await directory.contact(bob)).roles).toEqual(['admin']);
    expect((await actions()).filter((a) => a === 'role.granted')).toHaveLength(1);
    // A Teams user with the same id is not the Slack admin.
    expect((await directory.contact({ ...bob, platform: 'teams' })).roles).toEqual([]);
  });

  it('in local mode, the first person in a workspace without admins becomes its admin; the second does not', async () => {
    store = await openTestStore();
    const directory = directoryFor(store, { firstContactBecomesAdmin: true });
    expect((await directory.contact(ada)).roles).toEqual(['admin']);
    expect((await directory.contact(bob)).roles).toEqual([]);
    expect((await directory.contact({ ...bob, workspaceExternalId: 'T2' })).roles).toEqual(['admin']);
  });

  it('outside local mode nobody becomes admin by talking first', async () => {
    store = await openTestStore();
    expect((await directoryFor(store).contact(ada)).roles).toEqual([]);
    expect(await actions()).not.toContain('role.granted');
  });
});
