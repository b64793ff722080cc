import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.ts';
import { runMainUntilExit } from '../helpers/run-main.ts';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'aims-start-'));
const children: ChildProcess[] = [];

afterAll(() => {
  // npm start runs npm -> sh -> node: stop the whole process group.
  for (const child of children) {
    if (!child.pid || child.exitCode !== null || child.signalCode !== null) continue;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The environment of a newcomer's shell: no platform credentials, nothing of ours. */
function bareEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}

function start(command: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(command[0] ?? 'npm', command.slice(1), { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForHealth(url: string, deadlineMs: number): Promise<Response> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The command lines of `pid` and every process below it (Linux /proc), with `parent` for each. */
function processTree(pid: number): string[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name in field 2 may hold spaces: the parent id is the second field after its ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i += 1) for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  return tree.flatMap((member) => {
    try {
      return [readFileSync(`/proc/${member}/cmdline`, 'utf8').split('\0').join(' ').trim()];
    } catch {
      return [];
    }
  });
}

function refusesConnection(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('npm start with an empty environment (local mode)', () => {
  it('answers GET /healthz with 200, on 127.0.0.1 only, with a SQLite file it created', async () => {
    const port = await freePort();
    const dbPath = join(dir, 'nested', 'folder', 'aims.db');
    const bot = start(['npm', 'start', '--silent'], bareEnv({ PORT: String(port), AIMS_DB: dbPath }));
    // A hang guard, not a speed bar (start-to-healthy is measured by npm run bench): `prestart` compiles
    // src/ first when it changed since the last build, which on a loaded machine can take a while.
    const response = await waitForHealth(`http://127.0.0.1:${port}/healthz`, 60_000);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      database: { store: 'sqlite', reachable: true },
      platforms: { slack: 'off', teams: 'local' },
    });
    // 127.0.0.2 is loopback too: a server bound to 0.0.0.0 would accept it, one bound to 127.0.0.1 does not.
    expect(await refusesConnection('127.0.0.2', port)).toBe(true);
    expect(bot.output()).toContain('LOCAL MODE');
    expect(bot.output()).toContain('authentication OFF');
    // Malformed JSON is a 400 JSON answer (no HTML page, no stack), and the body is never logged.
    const malformed = await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":"message","text":"body-marker',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: 'invalid_json', message: 'The request body is not valid JSON.' });
    await fetch(`http://127.0.0.1:${port}/healthz`);
    // Every line the bot wrote is a JSON log line (before it, npm's prestart says so when it had to
    // compile src/ again because a source changed since the last build).
    const lines = bot
      .output()
      .trim()
      .split('\n')
      .filter((line) => line !== 'aims-bot: compiled src/ into dist/');
    for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    expect(lines.some((line) => line.includes('http request refused'))).toBe(true);
    expect(bot.output()).not.toContain('body-marker');
    // Compiled JavaScript under plain node, one process: no tsx anywhere below npm, and one node serving.
    const tree = processTree(bot.child.pid ?? 0);
    expect(tree.filter((command) => command.includes('tsx'))).toEqual([]);
    expect(tree.filter((command) => /^\S*node( --\S+)* dist\/main\.js$/.test(command))).toHaveLength(1);
    process.kill(-(bot.child.pid ?? 0), 'SIGTERM');
    await bot.exited;
    expect(existsSync(dbPath)).toBe(true);
  });

  // The ways it stops before listening run src/main.ts in this process (the one `npm start` above is the smoke test).
  it('stops with a message naming the variable when a value is wrong', async () => {
    const bot = await runMainUntilExit(bareEnv({ PORT: 'eighty', AIMS_TIMEZONE: 'Mars/Olympus' }));
    expect(bot.exitCode).toBe(1);
    expect(bot.output).toContain('PORT');
    expect(bot.output).toContain('AIMS_TIMEZONE: must be an IANA time zone');
  });

  it('stops with one JSON line naming AIMS_DB and the reason when the store is not a database or cannot be created (no stack)', async () => {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'this is not a database\n');
    const cases = [
      { path: notes, reason: 'is not a SQLite database' },
      { path: join(notes, 'aims.db'), reason: 'is below a file, not a folder' },
    ];
    for (const { path, reason } of cases) {
      const bot = await runMainUntilExit(bareEnv({ AIMS_DB: path, PORT: '0' }));
      expect(bot.exitCode).toBe(1);
      const lines = bot.output.trim().split('\n');
      expect(lines).toHaveLength(1);
      const line = JSON.parse(lines[0] ?? '') as { level: string; msg: string };
      expect(line.level).toBe('error');
      expect(line.msg).toContain(`AIMS_DB (${path}) ${reason}`);
      expect(bot.output).not.toMatch(/\bat .*:\d+:\d+/);
    }
  });

  it('refuses to start in production with no platform configured', async () => {
    const bot = await runMainUntilExit(bareEnv({ NODE_ENV: 'production', AIMS_DB: join(dir, 'prod.db') }));
    expect(bot.exitCode).toBe(1);
    expect(bot.output).toContain('NODE_ENV: production needs at least one platform configured');
  });
});
