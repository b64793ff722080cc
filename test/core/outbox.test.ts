import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { actorOf } from '../../src/core/actor.ts';
import { IncidentService } from '../../src/features/incidents/service.ts';
import { OutboxService, recordCopy } from '../../src/core/outbox/outbox.ts';
import { SettingsService } from '../../src/core/settings/settings-service.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { PgStore } from '../../src/store/postgres/pg-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { openTestStore, TEST_STORE_KIND, testStoreUrl } from '../helpers/store-kinds.ts';
import { directoryFor, testClock } from '../helpers/test-store.ts';
import { mapInTurn } from '../../src/core/in-turn.ts';

// Two processes on one store: two connections to the same SQLite file, or to this project's PostgreSQL database.
async function twoConnections(): Promise<{ one: GovernanceStore; two: GovernanceStore; remove: () => void }> {
  if (TEST_STORE_KIND === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'aims-outbox-core-'));
    const dbPath = join(dir, 'aims.db');
    return { one: SqliteStore.open(dbPath), two: SqliteStore.open(dbPath), remove: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const first = await openTestStore();
  const url = testStoreUrl(first);
  if (!url) throw new Error('A PostgreSQL test store has a URL.');
  return { one: first, two: await PgStore.open(url, { migrate: false, poolSize: 2 }), remove: () => undefined };
}
const { one, two, remove } = await twoConnections();
afterAll(async () => {
  await one.close();
  await two.close();
  remove();
});

const clock = testClock();
const admin = actorOf(
  await directoryFor(one, { seedAdmins: [{ platform: 'slack', userId: 'U1' }] }).contact({
    platform: 'slack',
    workspaceExternalId: 'T1',
    userExternalId: 'U1',
  }),
);
await new SettingsService(one, clock, 'UTC').update(admin, {
  incidentsChannel: { id: 'C1' },
  leadershipChannel: { id: 'C2' },
  defaultApprovals: 2,
  timeZone: 'UTC',
});
const incidents = new IncidentService(one, clock);
const outboxes = [new OutboxService(one, clock), new OutboxService(two, clock)];
const report = async (severity: string, title: string) =>
  (
    await incidents.report(
      admin,
      { systemName: 'Bot', title, description: 'd', severity, type: 'other', detectedAt: '2026-11-22T08:00:00Z', affected: 'a' },
      `form:${title}`,
    )
  ).incident;
const now = new Date('2026-11-22T10:00:00Z');

describe('the outbox', () => {
  it('is written in the same transaction as the change: an S1 queues its incidents and leadership posts, a repeat submission nothing more', async () => {
    const incident = await report('S1', 'first');
    expect(((await outboxes[0]?.of(admin.workspaceId, `incident:${incident.id}`)) ?? []).map((m) => [m.kind, m.target, m.status])).toEqual([
      ['post', 'incidents', 'pending'],
      ['post', 'leadership', 'pending'],
    ]);
    await report('S1', 'first');
    expect(await outboxes[0]?.of(admin.workspaceId, `incident:${incident.id}`)).toHaveLength(2);
    // A change that is refused writes nothing, outbox included.
    await expect(incidents.transition(admin, incident.number, 'close')).rejects.toThrow();
    expect(await outboxes[0]?.of(admin.workspaceId, `incident:${incident.id}`)).toHaveLength(2);
  });

  it('each message is taken by one process only, even with two on one store', async () => {
    const incident = await report('S3', 'second');
    const [message] = (await outboxes[0]?.of(admin.workspaceId, `incident:${incident.id}`)) ?? [];
    const takes = await mapInTurn(outboxes, async (outbox, i) => await outbox.take(message?.id ?? 0, now, `host:${i}:x`));
    expect(takes.filter(Boolean)).toHaveLength(1);
    expect(takes.find(Boolean)).toMatchObject({ status: 'sending', attempts: 1 });
  });

  it('hands back what a process that is gone left "sending", and nothing of a live one', async () => {
    const incident = await report('S3', 'third');
    const [message] = (await outboxes[0]?.of(admin.workspaceId, `incident:${incident.id}`)) ?? [];
    expect(await outboxes[1]?.take(message?.id ?? 0, now, 'host:4242:dead')).toBeDefined();
    expect(await outboxes[0]?.take(message?.id ?? 0, now, 'host:1:alive')).toBeUndefined();
    expect(await outboxes[0]?.releaseAbandoned((takenBy) => takenBy === 'host:9:gone-but-took-nothing')).toBe(0);
    expect(await outboxes[0]?.releaseAbandoned((takenBy) => takenBy === 'host:4242:dead')).toBe(1);
    expect(await outboxes[0]?.take(message?.id ?? 0, now, 'host:1:alive')).toMatchObject({ attempts: 2, takenBy: 'host:1:alive' });
  });

  it('keeps one waiting refresh per posted copy: it renders the latest state when it goes out', async () => {
    const incident = await report('S3', 'fourth');
    await one.write(
      async (repos) =>
        await recordCopy(repos, {
          workspaceId: admin.workspaceId,
          subject: `incident:${incident.id}`,
          purpose: 'incidents',
          channelId: 'C1',
          messageId: '1.1',
          createdAt: now.toISOString(),
        }),
    );
    await incidents.comment(admin, incident.number, 'one');
    await incidents.comment(admin, incident.number, 'two');
    const updates = ((await outboxes[0]?.of(admin.workspaceId, `incident:${incident.id}`)) ?? []).filter((m) => m.kind === 'update') ?? [];
    expect(updates.map((m) => [m.target, m.detail, m.status])).toEqual([['C1', '1.1', 'pending']]);
  });

  it('sends the updates of one posted copy one at a time, in order; a failed one that a newer one replaced is superseded', async () => {
    const incident = await report('S3', 'fifth');
    await one.write(
      async (repos) =>
        await recordCopy(repos, {
          workspaceId: admin.workspaceId,
          subject: `incident:${incident.id}`,
          purpose: 'incidents',
          channelId: 'C1',
          messageId: '5.5',
          createdAt: now.toISOString(),
        }),
    );
    const updates = async () =>
      ((await outboxes[0]?.of(admin.workspaceId, `incident:${incident.id}`)) ?? []).filter((m) => m.kind === 'update') ?? [];
    await incidents.comment(admin, incident.number, 'one');
    const first = await outboxes[0]?.take((await updates())[0]?.id ?? 0, now, 'host:1:a');
    expect(first).toBeDefined();
    // A change while the first is on its way queues a second; it waits until the first is settled.
    await incidents.comment(admin, incident.number, 'two');
    const second = (await updates())[1];
    expect(second).toMatchObject({ status: 'pending' });
    expect(await outboxes[1]?.take(second?.id ?? 0, now, 'host:2:b')).toBeUndefined();
    await outboxes[0]?.retryLater(first!, 'HTTP 500', now);
    expect((await updates()).map((m) => m.status)).toEqual(['superseded', 'pending']);
    expect(await outboxes[1]?.take(second?.id ?? 0, now, 'host:2:b')).toMatchObject({ status: 'sending' });
  });
});
