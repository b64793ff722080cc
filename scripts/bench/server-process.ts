// The bot as its own server process, started the way `npm start` starts it: node with the start script's
// flags and dist/main.js when the compiled build exists, else node --import tsx src/main.ts. Start to healthy (spawn to the first 200 from
// /healthz) and resident memory (VmRSS of that process) idle after warm-up, after 1k and after 10k requests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '../../test/helpers/free-port.ts';
import { TEST_SIGNING_SECRET } from '../../test/helpers/slack-signing.ts';
import type { HostStore } from './hosts.ts';
import { load, slashCommand, type RequestMaker } from './load.ts';

const ROOT = join(import.meta.dirname, '../..');

/** As npm start's prestart does: the compiled build brought up to date when the project has one (scripts/build.js). */
export function buildIfStale(): string {
  if (!existsSync(join(ROOT, 'scripts/build.js'))) return '';
  const built = spawnSync(process.execPath, ['scripts/build.js', '--if-stale'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error(`node scripts/build.js --if-stale failed (${built.status ?? built.signal})`);
  return ', built first by node scripts/build.js --if-stale as npm start does';
}

/** The node flags of package.json's start script (`node --optimize-for-size dist/main.js`): the bench runs what npm start runs. */
export function startFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  const words = (scripts?.start ?? '').split(/\s+/).filter(Boolean);
  if (words[0] !== 'node') return [];
  return words.slice(1).filter((word) => word.startsWith('--'));
}

/** How the process is started, and in words for the report. */
export function serverCommand(built = ''): { args: string[]; how: string } {
  const flags = startFlags();
  if (existsSync(join(ROOT, 'dist/main.js')))
    return { args: [...flags, 'dist/main.js'], how: `node ${[...flags, 'dist/main.js'].join(' ')} (compiled${built})` };
  return {
    args: [...flags, '--import', 'tsx', 'src/main.ts'],
    how: `node ${[...flags, '--import', 'tsx', 'src/main.ts'].join(' ')} (no dist/main.js built)`,
  };
}

/** Resident memory of a process in MB, from /proc (Linux). */
export function rssOf(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(line?.[1] ?? Number.NaN) / 1024;
}

interface Spawned {
  child: ChildProcess;
  url: string;
  startMs: number;
  stop(): Promise<void>;
}

async function spawnServer(store: HostStore, slackApiUrl: string): Promise<Spawned> {
  const port = await freePort();
  const { args } = serverCommand();
  const start = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: slackApiUrl,
      AIMS_ADMINS: 'slack:U0ADA',
      ...(store.kind === 'postgres' ? { AIMS_DATABASE_URL: store.url } : { AIMS_DB: store.path }),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the bot exited before it was healthy (${child.exitCode ?? child.signalCode})`);
    const ok = await fetch(`${url}/healthz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) break;
    if (performance.now() - start > 120_000) throw new Error('the bot was not healthy within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const startMs = performance.now() - start;
  return {
    child,
    url,
    startMs,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface ServerProcessFigures {
  how: string;
  /** Spawn to first 200 from /healthz, each of three starts (ms). */
  startMs: number[];
  /** VmRSS in MB: idle after warm-up, after 1k and after 10k requests. */
  idle: number;
  after1k: number;
  after10k: number;
}

/** `/aims status` and `/aims help` in turn. */
function mixed(): RequestMaker {
  const status = slashCommand('status');
  const help = slashCommand('help');
  let i = 0;
  return () => (++i % 2 === 0 ? help() : status());
}

const CONCURRENCY = 16;
const settle = () => new Promise((resolve) => setTimeout(resolve, 2000));

/** Three starts (the last one kept for memory): warm-up of 200 requests, idle, then 1k and 10k requests, 16 at a time. */
export async function serverProcess(
  store: HostStore,
  slackApiUrl: string,
  progress: (line: string) => void,
): Promise<ServerProcessFigures> {
  const built = buildIfStale();
  const startMs: number[] = [];
  for (let i = 0; i < 2; i++) {
    const server = await spawnServer(store, slackApiUrl);
    startMs.push(server.startMs);
    await server.stop();
  }
  const server = await spawnServer(store, slackApiUrl);
  startMs.push(server.startMs);
  try {
    const pid = server.child.pid ?? 0;
    const make = mixed();
    await load(server.url, make, 200, CONCURRENCY);
    await settle();
    const idle = rssOf(pid);
    progress(`  server process idle after warm-up: ${idle.toFixed(0)} MB`);
    await load(server.url, make, 1000, CONCURRENCY);
    await settle();
    const after1k = rssOf(pid);
    progress(`  server process after 1k requests: ${after1k.toFixed(0)} MB`);
    await load(server.url, make, 9000, CONCURRENCY);
    await settle();
    const after10k = rssOf(pid);
    progress(`  server process after 10k requests: ${after10k.toFixed(0)} MB`);
    return { how: serverCommand(built).how, startMs, idle, after1k, after10k };
  } finally {
    await server.stop();
  }
}
