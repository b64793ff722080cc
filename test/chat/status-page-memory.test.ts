import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/chat/chat-request.ts';
import { ChatRouter } from '../../src/chat/chat-router.ts';
import type { ChatResponse, MessageView } from '../../src/chat/views/view.ts';
import type { Clock } from '../../src/core/clock.ts';
import { features } from '../../src/features/index.ts';
import { createLogger } from '../../src/logger.ts';
import { createServices } from '../../src/services.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { openTestStore, TEST_STORE_KIND } from '../helpers/store-kinds.ts';
import { TEST_NOW } from '../helpers/test-store.ts';

const open: GovernanceStore[] = [];
const folders: string[] = [];
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A clock the test moves. */
function movableClock(at: string): Clock & { move(ms: number): void } {
  let now = new Date(at).getTime();
  return { now: () => new Date(now), move: (ms) => void (now += ms) };
}

/** One process of the bot over `store`, counting the read units it opens. */
function botOver(store: GovernanceStore, clock: Clock) {
  let reads = 0;
  const counted = new Proxy(store, {
    get(target, name) {
      if (name === 'read') return async (work: Parameters<GovernanceStore['read']>[0]) => ((reads += 1), await target.read(work));
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const services = createServices({
    store: counted,
    clock,
    directory: { seedAdmins: [{ platform: 'slack', userId: 'U1' }], firstContactBecomesAdmin: false },
    defaultTimeZone: 'UTC',
    logger: createLogger('error', {}, () => undefined),
  });
  return { services, router: new ChatRouter(services, features), reads: () => reads };
}

let n = 0;
const status = (user = 'U1'): ChatRequest => ({
  requestId: `req-${++n}`,
  source: 'command',
  text: 'status',
  contact: { platform: 'slack', workspaceExternalId: 'T1', userExternalId: user },
  dedupeKey: `slack:trigger:${n}`,
});
const viewOf = (response: ChatResponse): MessageView => {
  if (response.kind !== 'message') throw new Error(`expected a message, got ${response.kind}`);
  return response.view;
};
const system = (name: string) => ({
  name,
  description: 'Scores payments.',
  purpose: 'Hold fraud.',
  euRiskLevel: 'high' as const,
  internalTier: 'tier-1' as const,
  stage: 'production' as const,
  provider: 'in-house',
});

describe(`the status page kept in memory on ${TEST_STORE_KIND}`, () => {
  it('is answered again with no read while nothing changed (SQLite), read every time where the store has no change mark (PostgreSQL)', async () => {
    const store = await openTestStore();
    open.push(store);
    const bot = botOver(store, movableClock(TEST_NOW));
    // Met (written) by the first request, read by the second and kept from then on.
    await bot.router.handle(status());
    const first = viewOf(await bot.router.handle(status()));
    const readsBefore = bot.reads();
    const again = viewOf(await bot.router.handle(status()));
    expect(again.summary).toBe(first.summary);
    if (TEST_STORE_KIND === 'sqlite') {
      expect(bot.reads()).toBe(readsBefore);
      expect(again).toBe(first);
    } else {
      expect(bot.reads()).toBeGreaterThan(readsBefore);
    }
  });

  it('a change through the same process and the minute turning are each seen by the next status', async () => {
    const store = await openTestStore();
    open.push(store);
    const clock = movableClock(TEST_NOW);
    const bot = botOver(store, clock);
    const admin = await bot.router.within(status(), (ctx) => ctx.actor);
    await bot.services.systems.add(admin, { ...system('Fraud Scorer'), ownerPersonId: admin.personId });
    expect(viewOf(await bot.router.handle(status())).summary).toContain('1 active AI system,');
    await bot.services.systems.add(admin, { ...system('Churn Model'), ownerPersonId: admin.personId });
    const after = viewOf(await bot.router.handle(status()));
    expect(after.summary).toContain('2 active AI systems');
    // The page says "As of <minute>": within the minute it is the same page, after it a new one.
    clock.move(1_000);
    const sameMinute = viewOf(await bot.router.handle(status()));
    if (TEST_STORE_KIND === 'sqlite') expect(sameMinute).toBe(after);
    else expect(sameMinute.summary).toBe(after.summary);
    clock.move(60_000);
    const later = viewOf(await bot.router.handle(status()));
    expect(later).not.toBe(after);
    expect(JSON.stringify(later)).not.toBe(JSON.stringify(after));
  });

  it('a change committed by another process on the same SQLite file is seen by the next status', async () => {
    if (TEST_STORE_KIND !== 'sqlite') {
      // PostgreSQL has no change mark: every status reads (the first test), so nothing is kept to go stale.
      const store = await openTestStore();
      open.push(store);
      expect(store.changeMark?.()).toBeUndefined();
      return;
    }
    const folder = mkdtempSync(join(tmpdir(), 'aims-page-'));
    folders.push(folder);
    const path = join(folder, 'aims.db');
    const here = SqliteStore.open(path);
    const there = SqliteStore.open(path);
    open.push(here, there);
    const clock = movableClock(TEST_NOW);
    const bot = botOver(here, clock);
    const other = botOver(there, clock);
    const admin = await bot.router.within(status(), (ctx) => ctx.actor);
    await bot.services.systems.add(admin, { ...system('Fraud Scorer'), ownerPersonId: admin.personId });
    const before = viewOf(await bot.router.handle(status()));
    expect(before.summary).toContain('1 active AI system,');
    expect(viewOf(await bot.router.handle(status()))).toBe(before);
    await other.services.systems.add(admin, { ...system('Churn Model'), ownerPersonId: admin.personId });
    expect(viewOf(await bot.router.handle(status())).summary).toContain('2 active AI systems');
  });
});
