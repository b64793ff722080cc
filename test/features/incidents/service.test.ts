import { afterEach, describe, expect, it } from 'vitest';
import { actorOf, type Actor } from '../../../src/core/actor.ts';
import { AiSystemService } from '../../../src/features/ai-systems/service.ts';
import { TRANSITIONS, transitionsFrom, type Transition } from '../../../src/features/incidents/domain.ts';
import { IncidentService, parseIncidentRef } from '../../../src/features/incidents/service.ts';
import type { GovernanceStore } from '../../../src/store/governance-store.ts';
import { refusal } from '../../helpers/refusal.ts';
import { openTestStore } from '../../helpers/store-kinds.ts';
import { sqlOf } from '../../helpers/test-sql.ts';
import { directoryFor, testClock } from '../../helpers/test-store.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function world() {
  store = await openTestStore();
  const directory = directoryFor(store, { seedAdmins: [{ platform: 'slack', userId: 'UADMIN' }] });
  const meet = async (user: string, team = 'T1'): Promise<Actor> =>
    actorOf(
      await directory.contact({ platform: 'slack', workspaceExternalId: team, userExternalId: user, displayName: user.toLowerCase() }),
    );
  const clock = testClock('2026-11-22T10:00:00.000Z');
  const admin = await meet('UADMIN');
  const owner = await meet('UOWNER');
  const systems = new AiSystemService(store, clock);
  const { system } = await systems.add(admin, {
    name: 'Scorer',
    description: 'd',
    purpose: 'p',
    ownerPersonId: owner.personId,
    euRiskLevel: 'high',
    internalTier: 'tier-1',
    stage: 'production',
    provider: 'in-house',
  });
  return {
    admin,
    owner,
    member: await meet('UMEMBER'),
    stranger: await meet('USTRANGER', 'T2'),
    system,
    incidents: new IncidentService(store, clock),
  };
}

const report = (aiSystemId: number | null, overrides: Record<string, unknown> = {}) => ({
  aiSystemId,
  title: 'Drift',
  description: 'It drifted.',
  severity: 'S3',
  type: 'model-drift',
  detectedAt: '2026-11-22T09:00:00+01:00',
  affected: 'Users',
  ...overrides,
});

const actions = async () =>
  (await sqlOf(store!).all<{ action: string }>('SELECT action FROM audit_events ORDER BY sequence')).map((r) => r.action);

describe('incident lifecycle', () => {
  it('offers exactly the transitions of the issue: open → acknowledged → mitigated → resolved → closed, reopen from resolved or closed', () => {
    expect(transitionsFrom('open')).toEqual(['acknowledge']);
    expect(transitionsFrom('acknowledged')).toEqual(['mitigate', 'resolve']);
    expect(transitionsFrom('mitigated')).toEqual(['resolve']);
    expect(transitionsFrom('resolved')).toEqual(['close', 'reopen']);
    expect(transitionsFrom('closed')).toEqual(['reopen']);
    expect((Object.keys(TRANSITIONS) as Transition[]).filter((t) => TRANSITIONS[t].anyone)).toEqual(['acknowledge']);
  });

  it('numbers incidents per workspace and defaults the owner to the system’s owner', async () => {
    const { member, owner, stranger, system, incidents } = await world();
    const first = (await incidents.report(member, report(system.id))).incident;
    const second = (await incidents.report(member, report(null, { systemName: 'Shadow bot' }))).incident;
    const elsewhere = (await incidents.report(stranger, report(null, { systemName: 'Other' }))).incident;
    expect([first.number, second.number, elsewhere.number]).toEqual([1, 2, 1]);
    expect(first.ownerPersonId).toBe(owner.personId);
    expect(second.ownerPersonId).toBeNull();
    expect(first.detectedAt).toBe('2026-11-22T08:00:00.000Z');
  });

  it('refuses a retired or foreign system at its field', async () => {
    const { member, stranger, system, incidents } = await world();
    expect((await refusal(async () => await incidents.report(stranger, report(system.id)))).details.fieldErrors).toEqual({
      aiSystemId: 'Choose an AI system of this workspace that is not retired.',
    });
    expect((await refusal(async () => await incidents.report(member, report(null)))).details.fieldErrors?.aiSystemId).toContain(
      'Choose the AI system',
    );
  });

  it('lets anyone acknowledge, only the owner or an admin move on; refusals write nothing', async () => {
    const { admin, member, owner, system, incidents } = await world();
    await incidents.report(member, report(system.id));
    expect((await incidents.transition(member, 1, 'acknowledge')).changed).toBe(true);
    const before = (await actions()).length;
    expect(await refusal(async () => await incidents.transition(member, 1, 'mitigate'))).toMatchObject({
      code: 'forbidden',
      message: 'Only the owner of INC-1 or an admin can mitigate it.',
    });
    expect(await refusal(async () => await incidents.transition(owner, 1, 'close'))).toMatchObject({
      code: 'conflict',
      message: 'INC-1 is acknowledged: it cannot be closed from there.',
    });
    expect(await actions()).toHaveLength(before);
    expect((await incidents.transition(owner, 1, 'mitigate')).changed).toBe(true);
    expect((await incidents.transition(owner, 1, 'mitigate')).changed).toBe(false);
    expect(
      (
        await incidents.resolve(admin, 1, {
          rootCause: 'x',
          actions: [{ title: 'Fix', ownerPersonId: member.personId, dueDate: '2026-12-01' }],
        })
      ).changed,
    ).toBe(true);
    expect((await incidents.transition(admin, 1, 'close')).incident.closedAt).toBe('2026-11-22T10:00:00.000Z');
    expect((await incidents.transition(owner, 1, 'reopen')).incident).toMatchObject({ status: 'open', closedAt: null });
    expect((await actions()).filter((a) => a.startsWith('incident.') || a.startsWith('corrective_action.'))).toEqual([
      'incident.reported',
      'incident.acknowledged',
      'incident.mitigated',
      'incident.resolved',
      'corrective_action.created',
      'incident.closed',
      'incident.reopened',
    ]);
  });

  it('requires a root cause and at least one complete corrective action to resolve', async () => {
    const { owner, member, system, incidents } = await world();
    await incidents.report(member, report(system.id));
    await incidents.transition(owner, 1, 'acknowledge');
    expect((await refusal(async () => await incidents.resolve(owner, 1, { rootCause: ' ', actions: [] }))).details.fieldErrors).toEqual({
      rootCause: 'Root cause is required.',
      actions: 'Add at least one corrective action.',
    });
    expect(
      (
        await refusal(
          async () =>
            await incidents.resolve(owner, 1, { rootCause: 'x', actions: [{ title: 'Fix', ownerPersonId: member.personId, dueDate: '' }] }),
        )
      ).details.fieldErrors,
    ).toEqual({ 'actions.0.dueDate': 'Give a due date.' });
  });

  it('lets the action’s owner, the incident’s owner or an admin mark a corrective action done, once', async () => {
    const { admin, owner, member, system, incidents } = await world();
    await incidents.report(member, report(system.id));
    await incidents.transition(owner, 1, 'acknowledge');
    await incidents.resolve(owner, 1, {
      rootCause: 'x',
      actions: [{ title: 'Fix', ownerPersonId: admin.personId, dueDate: '2026-12-01' }],
    });
    const id = (await incidents.listActions(owner.workspaceId, {})).items[0]?.id ?? 0;
    expect((await refusal(async () => await incidents.markActionDone(member, id))).code).toBe('forbidden');
    expect((await incidents.markActionDone(owner, id)).changed).toBe(true);
    expect((await incidents.markActionDone(admin, id)).changed).toBe(false);
  });

  it('reads incident references as people type them', () => {
    expect(['INC-12', 'inc 12', '#12', '12', 'inc12'].map(parseIncidentRef)).toEqual([12, 12, 12, 12, 12]);
    expect(parseIncidentRef('twelve')).toBeUndefined();
  });
});
