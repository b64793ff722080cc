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
import { PgStore } from '../../src/store/postgres/pg-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { openTestStore, TEST_STORE_KIND, testStoreUrl } from '../helpers/store-kinds.ts';
import { TEST_NOW } from '../helpers/test-store.ts';

const open: GovernanceStore[] = [];
const folders: string[] = [];
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Waits until the store gives a change mark (PostgreSQL: once its LISTEN connection is up). */
async function listening(store: GovernanceStore): Promise<void> {
  for (let i = 0; i < 200 && store.changeMark?.() === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(store.changeMark?.()).toBeDefined();
}

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
  it('is answered again with no read while nothing changed', async () => {
    const store = await openTestStore();
    open.push(store);
    await listening(store);
    const bot = botOver(store, movableClock(TEST_NOW));
    // Met (written) by the first request, read by the second and kept from then on.
    await bot.router.handle(status());
    // PostgreSQL's mark also turns each second (for changes made without a notice): ask early in one.
    while (Date.now() % 1000 > 100) await new Promise((resolve) => setTimeout(resolve, 5));
    const first = viewOf(await bot.router.handle(status()));
    const readsBefore = bot.reads();
    const again = viewOf(await bot.router.handle(status()));
    expect(again).toBe(first);
    expect(bot.reads()).toBe(readsBefore);
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
    expect(viewOf(await bot.router.handle(status())).summary).toBe(after.summary);
    clock.move(60_000);
    const later = viewOf(await bot.router.handle(status()));
    expect(later).not.toBe(after);
    expect(JSON.stringify(later)).not.toBe(JSON.stringify(after));
  });

  it('a change committed by another process (SQLite: on the same file; PostgreSQL: another replica, seen when its notice arrives) is seen by the next status', async () => {
    let here: GovernanceStore;
    let there: GovernanceStore;
    if (TEST_STORE_KIND === 'sqlite') {
      const folder = mkdtempSync(join(tmpdir(), 'aims-page-'));
      folders.push(folder);
      const path = join(folder, 'aims.db');
      here = SqliteStore.open(path);
      there = SqliteStore.open(path);
    } else {
      here = await openTestStore();
      open.push(here);
      there = await PgStore.open(testStoreUrl(here) ?? '');
    }
    open.push(here, there);
    await listening(here);
    const clock = movableClock(TEST_NOW);
    const bot = botOver(here, clock);
    const other = botOver(there, clock);
    const admin = await bot.router.within(status(), (ctx) => ctx.actor);
    await bot.services.systems.add(admin, { ...system('Fraud Scorer'), ownerPersonId: admin.personId });
    while (Date.now() % 1000 > 100) await new Promise((resolve) => setTimeout(resolve, 5));
    const before = viewOf(await bot.router.handle(status()));
    expect(before.summary).toContain('1 active AI system,');
    expect(viewOf(await bot.router.handle(status()))).toBe(before);
    await other.services.systems.add(admin, { ...system('Churn Model'), ownerPersonId: admin.personId });
    if (TEST_STORE_KIND === 'sqlite') {
      expect(viewOf(await bot.router.handle(status())).summary).toContain('2 active AI systems');
      return;
    }
    // The notice travels on its own connection: within a second (the mark's longest life) at the latest.
    let seen = '';
    for (let i = 0; i < 100 && !seen.includes('2 active'); i++) {
      seen = viewOf(await bot.router.handle(status())).summary;
      if (!seen.includes('2 active')) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(seen).toContain('2 active AI systems');
  });
});
