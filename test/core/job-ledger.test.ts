import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.ts';
import { JobLedger, STALE_SENDING_MS } from '../../src/core/scheduling/job-ledger.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { openTestStore, STORE_KINDS, type StoreKind } from '../helpers/store-kinds.ts';
import { directoryFor } from '../helpers/test-store.ts';
import { sqlOf } from '../helpers/test-sql.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function ledgerAt(kind: StoreKind) {
  store = await openTestStore(kind);
  let now = new Date('2026-11-23T09:00:00Z');
  const clock: Clock = { now: () => new Date(now) };
  const workspaceId = (await directoryFor(store).contact({ platform: 'slack', workspaceExternalId: 'T1', userExternalId: 'U1' })).workspace
    .id;
  return {
    ledger: new JobLedger(store, clock),
    workspaceId,
    advance: (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000)),
  };
}

describe.each(STORE_KINDS)('JobLedger on %s', (kind) => {
  it('claims a run once per period and workspace, and a message once', async () => {
    const { ledger, workspaceId } = await ledgerAt(kind);
    const first = await ledger.claimRun('digest', '2026-W48', workspaceId);
    expect(first.fresh).toBe(true);
    expect(await ledger.claimRun('digest', '2026-W48', workspaceId)).toMatchObject({ fresh: false, run: { id: first.run.id } });
    const taken = await ledger.takeDelivery(first.run.id, 'channel:leadership', 'digest');
    expect(taken).toBeDefined();
    expect(await ledger.takeDelivery(first.run.id, 'channel:leadership', 'digest')).toBeUndefined();
    await ledger.settle(taken!, workspaceId, { ok: true });
    expect(await ledger.takeDelivery(first.run.id, 'channel:leadership', 'digest')).toBeUndefined();
  });

  it('a message left "sending" by a process that died is taken again once stale (10 minutes), not before', async () => {
    const { ledger, workspaceId, advance } = await ledgerAt(kind);
    const { run } = await ledger.claimRun('nudges', '2026-11-23', workspaceId);
    expect(await ledger.takeDelivery(run.id, 'person:1', 'x')).toBeDefined();
    // The process dies here, before settling.
    advance(5);
    expect(await ledger.takeDelivery(run.id, 'person:1', 'x')).toBeUndefined();
    advance(6);
    expect(await ledger.takeDelivery(run.id, 'person:1', 'x')).toMatchObject({ attempts: 2 });
  });

  it('a failed message is taken again by a later run', async () => {
    const { ledger, workspaceId } = await ledgerAt(kind);
    const { run } = await ledger.claimRun('digest', '2026-W48', workspaceId);
    const taken = await ledger.takeDelivery(run.id, 'channel:leadership', 'digest');
    await ledger.settle(taken!, workspaceId, { ok: false, error: 'channel_not_found' });
    expect(await ledger.failedEarlier('digest', workspaceId)).toMatchObject([{ recipient: 'channel:leadership', period: '2026-W48' }]);
    expect(await ledger.takeDelivery(run.id, 'channel:leadership', 'digest')).toBeDefined();
  });
  it('takes a batch in one write unit; two processes taking overlapping batches at once take each message once between them', async () => {
    const { ledger, workspaceId } = await ledgerAt(kind);
    const { run } = await ledger.claimRun('nudges', '2026-11-23', workspaceId);
    const batch = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, n) => ({ recipient: `person:${from + n}`, summary: `items of ${from + n}` }));
    // A second ledger (another replica) on its own connection where the store has one (PostgreSQL's pool).
    const other = new JobLedger(store!, { now: () => new Date('2026-11-23T09:00:00Z') });
    const [a, b] = await Promise.all([ledger.takeDeliveries(run.id, batch(0, 30)), other.takeDeliveries(run.id, batch(10, 40))]);
    const taken = [...a, ...b].map((delivery) => delivery.recipient).sort();
    expect(taken).toEqual(
      batch(0, 40)
        .map((message) => message.recipient)
        .sort(),
    );
    expect([...a, ...b].every((delivery) => delivery.status === 'sending' && delivery.attempts === 1)).toBe(true);
    // Taken, so neither takes them again.
    expect(await ledger.takeDeliveries(run.id, batch(0, 40))).toEqual([]);
    expect(await sqlOf(store!).count('job_deliveries')).toBe(40);
  });

  it('a process dies after settling part of its batch: the settled messages are never taken again, the rest once stale', async () => {
    const { ledger, workspaceId, advance } = await ledgerAt(kind);
    const { run } = await ledger.claimRun('nudges', '2026-11-23', workspaceId);
    const batch = Array.from({ length: 5 }, (_, n) => ({ recipient: `person:${n}`, summary: 'x' }));
    const taken = await ledger.takeDeliveries(run.id, batch);
    await ledger.settle(taken[0]!, workspaceId, { ok: true });
    await ledger.settle(taken[1]!, workspaceId, { ok: false, error: 'ratelimited' });
    // The process dies here: person:2..4 were reserved and never settled.
    advance(1);
    expect((await ledger.takeDeliveries(run.id, batch)).map((d) => d.recipient)).toEqual(['person:1']);
    advance(STALE_SENDING_MS / 60_000);
    expect((await ledger.takeDeliveries(run.id, batch)).map((d) => [d.recipient, d.attempts])).toEqual([
      ['person:2', 2],
      ['person:3', 2],
      ['person:4', 2],
    ]);
  });
});
