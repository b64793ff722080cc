// npm run bench: figures for the hot paths, printed, never asserted (machines here are shared and noisy).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ChatRouter } from '../src/chat/chat-router.ts';
import { actorOf } from '../src/core/actor.ts';
import { systemClock } from '../src/core/clock.ts';
import { DirectoryService } from '../src/core/directory-service.ts';
import { createLogger } from '../src/logger.ts';
import { createServices } from '../src/services.ts';
import { features } from '../src/features/index.ts';
import { renderMessage } from '../src/slack/render-blocks.ts';
import { SqliteStore } from '../src/store/sqlite-store.ts';
import { renderCard } from '../src/teams/render-card.ts';

const dir = mkdtempSync(join(tmpdir(), 'aims-bench-'));

function measure(label: string, runs: number, work: (i: number) => unknown): number {
  for (let i = 0; i < Math.min(50, runs); i++) work(i); // warm-up
  const start = performance.now();
  for (let i = 0; i < runs; i++) work(i);
  const perOp = (performance.now() - start) / runs;
  console.log(
    `${label.padEnd(52)} ${(perOp * 1000).toFixed(1).padStart(9)} µs/op  ${Math.round(1000 / perOp)
      .toString()
      .padStart(8)} op/s`,
  );
  return perOp;
}

async function storeWithPeople(name: string, people: number): Promise<{ store: SqliteStore; directory: DirectoryService }> {
  const store = SqliteStore.open(join(dir, `${name}.db`));
  const directory = new DirectoryService(store, systemClock, {
    seedAdmins: [{ platform: 'slack', userId: 'U0' }],
    firstContactBecomesAdmin: false,
  });
  for (let i = 0; i < people; i++)
    await directory.contact({ platform: 'slack', workspaceExternalId: 'T1', userExternalId: `U${i}`, displayName: `person ${i}` });
  return { store, directory };
}

console.log(`aims-bot bench · node ${process.version} · ${new Date().toISOString()}\n`);

// 1. Writes: first contact = workspace/person insert + audit append, in one IMMEDIATE transaction on a WAL file.
const { store, directory } = await storeWithPeople('writes', 0);
const firstContact = measure(
  'first contact (person + audit event, file, WAL)',
  2000,
  async (i) => await directory.contact({ platform: 'slack', workspaceExternalId: 'T1', userExternalId: `N${i}`, displayName: `new ${i}` }),
);
const knownContact = measure(
  'known contact (read only, no write lock)',
  5000,
  async (i) =>
    await directory.contact({
      platform: 'slack',
      workspaceExternalId: 'T1',
      userExternalId: `N${i % 2000}`,
      displayName: `new ${i % 2000}`,
    }),
);
console.log(`  ratio first/known contact: ${(firstContact / knownContact).toFixed(1)}x\n`);

// 2. /aims status end to end through the router (without HTTP), small and large workspace.
async function statusPerOp(people: number): Promise<number> {
  const { store: s } = await storeWithPeople(`status-${people}`, people);
  const router = new ChatRouter(
    createServices({
      store: s,
      clock: systemClock,
      directory: { seedAdmins: [], firstContactBecomesAdmin: false },
      defaultTimeZone: 'UTC',
      logger: createLogger('silent'),
    }),
    features,
  );
  const request = {
    requestId: 'bench',
    source: 'command' as const,
    text: 'status',
    contact: { platform: 'slack' as const, workspaceExternalId: 'T1', userExternalId: 'U0' },
  };
  const runs = 1000;
  for (let i = 0; i < 50; i++) await router.handle(request);
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const response = await router.handle(request);
    if (response.kind === 'message') {
      renderMessage(response.view);
      renderCard(response.view);
    }
  }
  const perOp = (performance.now() - start) / runs;
  console.log(`${`/aims status + render both platforms, ${people} people`.padEnd(52)} ${(perOp * 1000).toFixed(1).padStart(9)} µs/op`);
  s.close();
  return perOp;
}
const small = await statusPerOp(10);
const large = await statusPerOp(5000);
console.log(`  ratio 5000/10 people: ${(large / small).toFixed(2)}x\n`);

// 3. Incidents: logging one (number, insert, timeline, audit) and listing a page out of thousands.
{
  const { store: s, directory: d } = await storeWithPeople('incidents', 1);
  const services = createServices({
    store: s,
    clock: systemClock,
    directory: { seedAdmins: [], firstContactBecomesAdmin: false },
    defaultTimeZone: 'UTC',
    logger: createLogger('silent'),
  });
  const reporter = actorOf(await d.contact({ platform: 'slack', workspaceExternalId: 'T1', userExternalId: 'U0' }));
  const input = (i: number) => ({
    systemName: 'Bench model',
    title: `Incident ${i}`,
    description: 'd',
    severity: 'S3',
    type: 'other',
    detectedAt: new Date().toISOString(),
    affected: 'a',
  });
  measure('report an incident (numbered, timeline, audit)', 2000, async (i) => await services.incidents.report(reporter, input(i)));
  const router = new ChatRouter(services, features);
  const request = {
    requestId: 'bench',
    source: 'command' as const,
    text: 'incident list open',
    contact: { platform: 'slack' as const, workspaceExternalId: 'T1', userExternalId: 'U0' },
  };
  const listed = performance.now();
  for (let i = 0; i < 200; i++) {
    const response = await router.handle(request);
    if (response.kind === 'message') renderMessage(response.view);
  }
  console.log(
    `${'incident list open (2050 incidents) + Block Kit'.padEnd(52)} ${(((performance.now() - listed) / 200) * 1000).toFixed(1).padStart(9)} µs/op\n`,
  );
  s.close();
}

// 4. Audit verification: linear in events, constant memory (rows are streamed).
for (const events of [2000, 20000]) {
  while ((await store.verifyAudit()).events < events) {
    await store.write(async (repos) => {
      for (let i = 0; i < 500; i++) {
        await repos.audit.append(
          {
            workspaceId: null,
            actorPersonId: null,
            actor: 'bench',
            action: 'bench.event',
            subject: `x:${i}`,
            before: null,
            after: { i, note: 'x'.repeat(200) },
          },
          new Date().toISOString(),
        );
      }
    });
  }
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const start = performance.now();
  const result = await store.verifyAudit();
  const ms = performance.now() - start;
  const rssGrowth = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
  console.log(
    `${`audit verify, ${result.events} events`.padEnd(52)} ${ms.toFixed(1).padStart(9)} ms      rss +${rssGrowth.toFixed(1)} MiB`,
  );
}

store.close();
rmSync(dir, { recursive: true, force: true });
