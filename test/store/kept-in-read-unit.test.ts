import { afterEach, describe, expect, it } from 'vitest';
import { seedLargeStore } from '../../scripts/bench/seed-large-store.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { openTestStore, STORE_KINDS } from '../helpers/store-kinds.ts';
import { sqlOf } from '../helpers/test-sql.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe.each(STORE_KINDS)('a figure kept for the rest of a read unit (keptInReadUnit) on %s', () => {
  it('is read once within a read unit, again in the next one after a change, and never kept in a write unit', async () => {
    store = await openTestStore();
    const { workspaceId: ws } = await seedLargeStore(store, {
      people: 5,
      aiSystems: 6,
      incidents: 2,
      correctiveActions: 1,
      releases: 2,
      reviews: 2,
      courses: 1,
      trainingCompletions: 4,
      auditEvents: 10,
      otherWorkspaces: 0,
    });
    const inOne = await store.read(async (repos) => [await repos.aiSystems.counts(ws), await repos.aiSystems.counts(ws)]);
    expect(inOne[1]).toBe(inOne[0]);
    // Another workspace's figure is its own.
    const other = await store.read(async (repos) => [await repos.aiSystems.counts(ws), await repos.aiSystems.counts(ws + 1000)]);
    expect(other[1]?.byStage.production).toBe(0);

    const active = (c: (typeof inOne)[number] | undefined) => (c?.byStage.development ?? 0) + (c?.byStage.production ?? 0);
    const before = active(inOne[0]);
    await sqlOf(store).run("UPDATE ai_systems SET stage = 'retired' WHERE workspace_id = ? AND stage <> 'retired'", ws);
    const next = await store.read(async (repos) => await repos.aiSystems.counts(ws));
    expect(next).not.toBe(inOne[0]);
    expect(before).toBeGreaterThan(0);
    expect(active(next)).toBe(0);

    // A write unit reads each time: what it changed itself is seen by its next read.
    await store.write(async (repos) => {
      const first = await repos.aiSystems.counts(ws);
      const { items } = await repos.aiSystems.list(ws, { stage: 'retired' }, { limit: 1, offset: 0 });
      const one = items[0];
      if (!one) throw new Error('the seed made no system');
      await repos.aiSystems.update(ws, one.id, { stage: 'production', updatedAt: new Date().toISOString() });
      const second = await repos.aiSystems.counts(ws);
      expect(second).not.toBe(first);
      expect(active(second)).toBe(1);
    });
  });
});
