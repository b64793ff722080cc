/**
 * A small driver for the nudge sweep at size, apart from the whole bench (which takes ~20 minutes):
 *
 *   npx tsx scripts/bench/sweep-driver.ts [sqlite|postgres] [items=100000] [people=5000] [job=nudges]
 *
 * Seeds the items (nudge-sweep.ts) into a new store (SQLite: seeded once into a cached file and copied for
 * each run), starts the Slack bot in its own process (scripts/bench/host.ts) on the fake Slack Web API,
 * runs the job there while signed `/aims help` commands go on 4 at a time, and prints the job's duration,
 * the server's event-loop delay during it, the acks' p99, and the DMs per recipient. AIMS_SWEEP_CPU_PROF=dir
 * writes the host's CPU profile there (node --cpu-prof); AIMS_SWEEP_TURNS=1 also times each turn of the
 * host's loop in CPU time (sweep-host.ts; it slows the job, so its duration is not comparable then);
 * AIMS_SWEEP_NODE_FLAGS gives the host node flags (npm start's --optimize-for-size).
 */
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeSlackApi } from '../../test/helpers/fake-slack-api.ts';
import { fork } from 'node:child_process';
import type { EventLoopDelay, HostStore } from './hosts.ts';
import { loadWhile, PAUSE_MS, quantile, slashCommand } from './load.ts';
import { SWEEP_AT, seedNudgeItems } from './nudge-sweep.ts';
import { cleanUpStores, newStoreLocation, openAt, type StoreKind } from './stores.ts';

const kind = (process.argv[2] ?? 'sqlite') as StoreKind;
const items = Number(process.argv[3] ?? 100_000);
const people = Number(process.argv[4] ?? 5_000);
const job = (process.argv[5] ?? 'nudges') as 'nudges' | 'digest' | 'anchor';

async function seededLocation(): Promise<HostStore> {
  const started = performance.now();
  if (kind === 'sqlite') {
    const cached = join(tmpdir(), `aims-sweep-seed-${items}-${people}.db`);
    if (!existsSync(cached)) {
      const store = await openAt({ kind, path: cached });
      await seedNudgeItems(store, items, people);
      await store.close();
    }
    const path = join(mkdtempSync(join(tmpdir(), 'aims-sweep-')), 'sweep.db');
    copyFileSync(cached, path);
    console.log(`seeded (sqlite, cached) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return { kind, path };
  }
  const location = await newStoreLocation(kind);
  const store = await openAt(location);
  await seedNudgeItems(store, items, people);
  await store.close();
  console.log(`seeded (postgres) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return location;
}

/** scripts/bench/sweep-host.ts in its own process (AIMS_SWEEP_CPU_PROF=dir: with node --cpu-prof). */
async function startSweepHost(store: HostStore) {
  const profile = process.env.AIMS_SWEEP_CPU_PROF;
  const child = fork(
    join(import.meta.dirname, 'sweep-host.ts'),
    [JSON.stringify({ kind: 'bot-slack', slackApiUrl: slackApi.apiUrl, store })],
    {
      execArgv: [
        '--import',
        'tsx',
        ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
        // e.g. AIMS_SWEEP_NODE_FLAGS=--optimize-for-size, as npm start runs the server.
        ...(process.env.AIMS_SWEEP_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const pending = new Map<number, (message: { result?: unknown; error?: string }) => void>();
  let next = 0;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`sweep host exited (${code})`)));
    child.on('message', (message: { ready?: string; id?: number; result?: unknown; error?: string }) => {
      if (message.ready) resolve(message.ready);
      else pending.get(message.id ?? -1)?.(message);
    });
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const call = <T>(command: Record<string, unknown>) =>
    new Promise<T>((resolve, reject) => {
      next += 1;
      pending.set(next, (message) => (message.error ? reject(new Error(message.error)) : resolve(message.result as T)));
      child.send({ ...command, id: next });
    });
  return {
    url,
    call,
    async stop() {
      await call({ cmd: 'stop' });
      await exited;
    },
  };
}

const slackApi = await startFakeSlackApi();
try {
  const location = await seededLocation();
  const host = await startSweepHost(location);
  try {
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    const running = host.call<{ ms: number; cpuMs: number; delay: EventLoopDelay; gc: unknown; turns: unknown; result: unknown }>({
      cmd: 'job',
      job,
      at: SWEEP_AT.toISOString(),
    });
    const acks = await loadWhile(host.url, slashCommand('help'), 4, running, PAUSE_MS);
    const ran = await running;
    const posts = slackApi.callsTo('chat.postMessage');
    const perRecipient = new Map<string, number>();
    for (const call of posts) perRecipient.set(String(call.args.channel), (perRecipient.get(String(call.args.channel)) ?? 0) + 1);
    const repeated = [...perRecipient.values()].filter((count) => count > 1).length;
    console.log(
      JSON.stringify({
        kind,
        job,
        nodeFlags: process.env.AIMS_SWEEP_NODE_FLAGS ?? '',
        items,
        people,
        loadBefore: load,
        loadAfter: loadavg()
          .map((l) => l.toFixed(2))
          .join(' '),
        seconds: +(ran.ms / 1000).toFixed(1),
        cpuSeconds: +(ran.cpuMs / 1000).toFixed(1),
        delay: ran.delay,
        gc: ran.gc,
        turns: ran.turns,
        ackP50: +quantile(acks.latencies, 0.5).toFixed(1),
        ackP99: +quantile(acks.latencies, 0.99).toFixed(1),
        ackMax: +(acks.latencies.at(-1) ?? Number.NaN).toFixed(1),
        acks: acks.latencies.length,
        ackFailures: acks.failures,
        posts: posts.length,
        recipients: perRecipient.size,
        repeated,
        result: ran.result,
      }),
    );
  } finally {
    await host.stop();
  }
} finally {
  await slackApi.close();
  await cleanUpStores();
}
