// Profiling aid (not part of npm run bench): what one `/aims status` / `help` / Teams-style request costs
// in process through the router on the seeded bench store: µs per request, read units, SQL statements.
// Usage: tsx scripts/bench/request-cost.ts [sqlite|postgres] [status|help] [runs]
import { performance } from 'node:perf_hooks';
import { ChatRouter } from '../../src/chat/chat-router.ts';
import { systemClock } from '../../src/core/clock.ts';
import { features } from '../../src/features/index.ts';
import { createLogger } from '../../src/logger.ts';
import { createServices } from '../../src/services.ts';
import { renderMessage } from '../../src/slack/render-blocks.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { cleanUpStores, newStoreLocation, openAt, seedBenchStore, type StoreKind } from './stores.ts';

const [kind = 'sqlite', text = 'status', runs = '2000'] = process.argv.slice(2);
const location = await newStoreLocation(kind as StoreKind);
const seeded = await openAt(location);
await seedBenchStore(seeded);
await seeded.close();
const store: GovernanceStore = await openAt(location);
let reads = 0;
let writes = 0;
const read = store.read.bind(store);
const write = store.write.bind(store);
store.read = (work) => ((reads += 1), read(work));
store.write = (work) => ((writes += 1), write(work));
const statements = new Map<string, number>();
const timed = new Map<string, number>();
const calls = new Map<string, number>();
if (kind === 'sqlite') {
  const sqlite = (store as unknown as { sqlite: { prepare(sql: string): unknown } }).sqlite;
  const proto = Object.getPrototypeOf(sqlite) as { prepare(sql: string): unknown };
  const prepare = proto.prepare;
  proto.prepare = function (this: unknown, sql: string) {
    statements.set(sql.slice(0, 90), (statements.get(sql.slice(0, 90)) ?? 0) + 1);
    return prepare.call(this, sql);
  };
  // Time spent in SQLite per statement text (what runs, prepared or not).
  const statementProto = Object.getPrototypeOf(sqlite.prepare('SELECT 1')) as Record<string, (...args: unknown[]) => unknown>;
  for (const method of ['all', 'get', 'run'] as const) {
    const original = statementProto[method] as (...args: unknown[]) => unknown;
    statementProto[method] = function (this: { source: string }, ...args: unknown[]) {
      const start = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const key = this.source.slice(0, 110);
        timed.set(key, (timed.get(key) ?? 0) + performance.now() - start);
        calls.set(key, (calls.get(key) ?? 0) + 1);
      }
    };
  }
}
const services = createServices({
  store,
  clock: systemClock,
  directory: { seedAdmins: [{ platform: 'slack', userId: 'U0ADA' }], firstContactBecomesAdmin: false },
  defaultTimeZone: 'UTC',
  logger: createLogger('silent'),
});
const router = new ChatRouter(services, features);
let n = 0;
const request = () => ({
  requestId: `r${++n}`,
  source: 'command' as const,
  text,
  dedupeKey: `slack:trigger:${n}`,
  contact: { platform: 'slack' as const, workspaceExternalId: 'T0TEST', userExternalId: 'U0ADA', fallbackName: 'u0ada' },
});
for (let i = 0; i < 200; i++) await router.handle(request());
reads = 0;
writes = 0;
statements.clear();
timed.clear();
calls.clear();
const total = Number(runs);
const start = performance.now();
for (let i = 0; i < total; i++) {
  const response = await router.handle(request());
  if (response.kind === 'message') renderMessage(response.view);
}
const ms = performance.now() - start;
console.log(
  `${text} on ${kind}: ${((ms / total) * 1000).toFixed(0)} µs/request, ${(reads / total).toFixed(2)} read units, ${(writes / total).toFixed(2)} write units`,
);
for (const [sql, count] of [...statements].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(`  ${(count / total).toFixed(2)} × ${sql}`);
for (const [sql, ms] of [...timed].sort((a, b) => b[1] - a[1]).slice(0, 20))
  console.log(`  ${((ms / total) * 1000).toFixed(1).padStart(7)} µs in ${((calls.get(sql) ?? 0) / total).toFixed(1)} × ${sql}`);
await store.close();
await cleanUpStores();
