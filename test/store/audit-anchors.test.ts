import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../../src/core/audit.ts';
import { AnchorService } from '../../src/core/audit-anchors.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { openTestStore } from '../helpers/store-kinds.ts';
import { sqlOf } from '../helpers/test-sql.ts';
import { directoryFor, TEST_NOW, testClock } from '../helpers/test-store.ts';

const stores: GovernanceStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

const event = (n: number, action = 'test.event', workspaceId: number | null = null): AuditEventInput => ({
  workspaceId,
  actorPersonId: null,
  actor: 'test',
  action,
  subject: `thing:${n}`,
  before: null,
  after: { n },
});

async function storeWith(events: number): Promise<GovernanceStore> {
  const store = await openTestStore();
  stores.push(store);
  for (let i = 1; i <= events; i++) await store.write(async (repos) => await repos.audit.append(event(i), TEST_NOW));
  return store;
}

const headOf = async (store: GovernanceStore) => {
  const head = (await store.auditHeads(0))[0]?.head;
  if (!head) throw new Error('no head');
  return { ...head, chain: 0, from: 'test' };
};

describe('expected heads', () => {
  it('hold while the chain holds exactly that event at that sequence', async () => {
    const store = await storeWith(8);
    const early = {
      sequence: 3,
      hash: (await sqlOf(store).get<{ hash: string }>('SELECT hash FROM audit_events WHERE sequence = 3'))?.hash ?? '',
      from: 'early',
    };
    expect(await store.auditReport([early, await headOf(store)])).toMatchObject({ chains: { ok: true }, anchors: [], disagreements: [] });
  });

  it.each([
    [
      'the last 5 events deleted',
      async (s: GovernanceStore) => await sqlOf(s).run('DELETE FROM audit_events WHERE sequence > 3'),
      'no event #8: the system chain ends at #3',
    ],
    ['all events deleted', async (s: GovernanceStore) => await sqlOf(s).run('DELETE FROM audit_events'), 'the system chain is empty'],
    [
      'the tail rewritten with valid hashes',
      async (s: GovernanceStore) => {
        await sqlOf(s).run('DELETE FROM audit_events WHERE sequence > 5');
        for (let i = 6; i <= 8; i++) await s.write(async (repos) => await repos.audit.append(event(i * 10), TEST_NOW));
      },
      'the system chain holds a different event at #8',
    ],
  ])('fail, naming the sequence, when %s (the chain walk alone passes)', async (_what, tamper, reason) => {
    const store = await storeWith(8);
    const head = await headOf(store);
    await tamper(store);
    const report = await store.auditReport([head]);
    expect(report.chains.ok).toBe(true);
    expect(report.anchors).toEqual([{ chain: 0, sequence: 8, from: 'test', reason: expect.stringContaining(reason) }]);
  });
});

describe('published anchors', () => {
  it('are recorded with their audit event; a workspace changed since its last anchor only by its own non-job events', async () => {
    const store = await openTestStore();
    stores.push(store);
    const clock = testClock();
    const { workspace } = await directoryFor(store, {}, clock).contact({
      platform: 'slack',
      workspaceExternalId: 'T1',
      userExternalId: 'U1',
      displayName: 'ada',
    });
    const other = (await directoryFor(store, {}, clock).contact({ platform: 'slack', workspaceExternalId: 'T2', userExternalId: 'U9' }))
      .workspace;
    const anchors = new AnchorService(store, clock);
    expect(await anchors.changedSinceLastAnchor(workspace.id)).toBe(true);
    const head = await anchors.head(workspace.id);
    if (!head) throw new Error('no head');
    const anchor = await anchors.record(
      workspace.id,
      head,
      { channelId: 'C0LEAD', channelName: 'ai-leadership', messageId: '1.2' },
      'anchor 2026-11-22',
    );
    expect(anchor).toMatchObject({
      workspaceId: workspace.id,
      sequence: head.sequence,
      hash: head.hash,
      channelId: 'C0LEAD',
      source: 'anchor 2026-11-22',
      publishedAt: TEST_NOW,
    });
    expect(await sqlOf(store).get("SELECT subject FROM audit_events WHERE action = 'audit.anchor_published'")).toEqual({
      subject: `anchor:${anchor.id}`,
    });
    // The anchor's own event and the jobs' bookkeeping are no change; another workspace's work neither.
    await store.write(async (repos) => await repos.audit.append(event(1, 'job.claimed', workspace.id), TEST_NOW));
    await store.write(async (repos) => await repos.audit.append(event(2, 'settings.updated', other.id), TEST_NOW));
    expect(await anchors.changedSinceLastAnchor(workspace.id)).toBe(false);
    await store.write(async (repos) => await repos.audit.append(event(3, 'settings.updated', workspace.id), TEST_NOW));
    expect(await anchors.changedSinceLastAnchor(workspace.id)).toBe(true);
    expect(await anchors.list(workspace.id)).toHaveLength(1);
    expect(await anchors.list(other.id)).toHaveLength(0);
    expect(await store.publishedAnchors()).toEqual([
      expect.objectContaining({ sequence: head.sequence, channelName: 'ai-leadership', workspace: 'slack:T1' }),
    ]);
    expect((await store.auditReport((await store.publishedAnchors()).map((a) => ({ ...a, from: a.source })))).anchors).toEqual([]);
  });
});
