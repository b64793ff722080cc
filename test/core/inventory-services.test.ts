import { afterEach, describe, expect, it } from 'vitest';
import { actorOf, type Actor } from '../../src/core/actor.ts';
import { AiSystemService } from '../../src/features/ai-systems/service.ts';
import { RoleService } from '../../src/core/role-service.ts';
import { SettingsService } from '../../src/core/settings/settings-service.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { refusal } from '../helpers/refusal.ts';
import { openTestStore } from '../helpers/store-kinds.ts';
import { sqlOf } from '../helpers/test-sql.ts';
import { directoryFor, testClock } from '../helpers/test-store.ts';

let store: GovernanceStore;
afterEach(async () => await store.close());

async function world() {
  store = await openTestStore();
  const directory = directoryFor(store, { seedAdmins: [{ platform: 'slack', userId: 'UADMIN' }] });
  const meet = async (user: string, team = 'T1'): Promise<Actor> =>
    actorOf(
      await directory.contact({ platform: 'slack', workspaceExternalId: team, userExternalId: user, displayName: user.toLowerCase() }),
    );
  const clock = testClock();
  return {
    admin: await meet('UADMIN'),
    owner: await meet('UOWNER'),
    member: await meet('UMEMBER'),
    stranger: await meet('USTRANGER', 'T2'),
    systems: new AiSystemService(store, clock),
    roles: new RoleService(store, clock),
    settings: new SettingsService(store, clock, 'UTC'),
  };
}

const input = (ownerPersonId: number, overrides: Record<string, unknown> = {}) => ({
  name: 'Churn model',
  description: 'Predicts churn.',
  purpose: 'Retention offers.',
  ownerPersonId,
  euRiskLevel: 'limited',
  internalTier: 'tier-2',
  stage: 'production',
  provider: 'third-party',
  vendorName: 'Acme ML',
  ...overrides,
});

const events = async () =>
  (await sqlOf(store).all<{ action: string }>('SELECT action FROM audit_events ORDER BY sequence')).map((r) => r.action);

describe('AiSystemService', () => {
  it('adds, edits (owner or admin only) and retires, each audited once', async () => {
    const { admin, owner, member, systems } = await world();
    const { system } = await systems.add(member, input(owner.personId));
    expect(system).toMatchObject({ name: 'Churn model', nameKey: 'churn model', vendorName: 'Acme ML', stage: 'production' });
    expect((await refusal(async () => await systems.edit(member, system.id, input(owner.personId, { stage: 'development' })))).code).toBe(
      'forbidden',
    );
    expect((await systems.edit(owner, system.id, input(owner.personId, { stage: 'development' }))).changed).toEqual(['stage']);
    expect((await systems.edit(admin, system.id, input(owner.personId, { stage: 'development' }))).changed).toEqual([]);
    expect((await systems.retire(admin, system.id)).changed).toBe(true);
    expect((await systems.retire(admin, system.id)).changed).toBe(false);
    expect((await events()).filter((action) => action.startsWith('ai_system.'))).toEqual([
      'ai_system.created',
      'ai_system.updated',
      'ai_system.retired',
    ]);
  });

  it('drops the vendor of an in-house system and requires one for a third-party system', async () => {
    const { owner, systems } = await world();
    expect((await systems.add(owner, input(owner.personId, { provider: 'in-house' }))).system.vendorName).toBeNull();
    expect(
      (await refusal(async () => await systems.add(owner, input(owner.personId, { name: 'Other', vendorName: ' ' })))).details.fieldErrors,
    ).toEqual({
      vendorName: 'Name the vendor of a third-party system.',
    });
  });

  it('refuses an owner from another workspace, and a new system already retired', async () => {
    const { owner, stranger, systems } = await world();
    expect((await refusal(async () => await systems.add(owner, input(stranger.personId)))).details.fieldErrors).toEqual({
      ownerPersonId: 'The owner must be a person in this workspace.',
    });
    expect((await refusal(async () => await systems.add(owner, input(owner.personId, { stage: 'retired' })))).details.fieldErrors).toEqual({
      stage: 'A new system starts in development or production.',
    });
  });

  it('scopes everything to the workspace: find, list, search and ids', async () => {
    const { owner, stranger, systems } = await world();
    const { system } = await systems.add(owner, input(owner.personId));
    expect((await refusal(async () => await systems.find(stranger.workspaceId, 'churn model'))).code).toBe('not_found');
    expect((await refusal(async () => await systems.getById(stranger.workspaceId, system.id))).code).toBe('not_found');
    expect((await refusal(async () => await systems.retire(stranger, system.id))).code).toBe('not_found');
    expect((await systems.list(stranger.workspaceId, {})).total).toBe(0);
    expect(await systems.search(stranger.workspaceId, 'churn')).toEqual([]);
    expect((await systems.find(owner.workspaceId, `#${system.id}`)).name).toBe('Churn model');
  });

  it('searches names literally (LIKE wildcards are escaped) and pages the list', async () => {
    const { owner, systems } = await world();
    for (const name of ['100% recall', '100 percent', 'under_score', 'underXscore'])
      await systems.add(owner, input(owner.personId, { name }));
    expect((await systems.search(owner.workspaceId, '100%')).map((s) => s.name)).toEqual(['100% recall']);
    expect((await systems.search(owner.workspaceId, 'under_')).map((s) => s.name)).toEqual(['under_score']);
    for (let i = 0; i < 30; i++) await systems.add(owner, input(owner.personId, { name: `model ${String(i).padStart(2, '0')}` }));
    const second = await systems.list(owner.workspaceId, {}, 1);
    expect(second.total).toBe(34);
    expect(second.items).toHaveLength(9);
  });
});

describe('RoleService', () => {
  it('only admins grant; a refusal writes nothing and names the admins', async () => {
    const { member, owner, roles } = await world();
    const before = (await events()).length;
    const error = await refusal(async () => await roles.grant(member, owner.personId, 'approver'));
    expect(error).toMatchObject({ code: 'forbidden', message: 'Only admins can grant roles.' });
    expect(error.details.hint).toBe('Ask an admin: uadmin.');
    expect(await events()).toHaveLength(before);
  });

  it('keeps the last admin', async () => {
    const { admin, owner, roles } = await world();
    expect((await refusal(async () => await roles.revoke(admin, admin.personId, 'admin'))).code).toBe('conflict');
    await roles.grant(admin, owner.personId, 'admin');
    expect((await roles.revoke(admin, admin.personId, 'admin')).changed).toBe(true);
  });
});

describe('SettingsService', () => {
  it('features that post to a channel are refused plainly until setup chose one', async () => {
    const { admin, settings } = await world();
    const error = await refusal(async () => await settings.channelFor(admin.workspaceId, 'incidents'));
    expect(error).toMatchObject({ code: 'not_configured', message: 'No incidents channel is set up for this workspace yet.' });
    expect(error.details.hint).toContain('setup');
    await settings.setChannel(admin, 'incidents', { id: 'C1', name: 'ai-incidents' });
    expect(await settings.channelFor(admin.workspaceId, 'incidents')).toEqual({ id: 'C1', name: 'ai-incidents' });
    expect((await refusal(async () => await settings.channelFor(admin.workspaceId, 'approvals'))).code).toBe('not_configured');
  });

  it('validates approvals (1 to 5) and the time zone at their fields; only admins save', async () => {
    const { admin, member, settings } = await world();
    expect(
      (await refusal(async () => await settings.update(admin, { defaultApprovals: '9', timeZone: 'Nope/Nope' }))).details.fieldErrors,
    ).toEqual({
      defaultApprovals: 'A release can need at most 5 approvals.',
      timeZone: expect.stringContaining('Not a time zone we know'),
    });
    expect((await refusal(async () => await settings.update(member, { defaultApprovals: '2', timeZone: 'UTC' }))).code).toBe('forbidden');
    expect(await settings.update(admin, { defaultApprovals: '1', timeZone: 'Asia/Tokyo' })).toMatchObject({
      defaultApprovals: 1,
      timeZone: 'Asia/Tokyo',
    });
    expect(await settings.timeZoneOf(admin.workspaceId)).toBe('Asia/Tokyo');
  });
});
