import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

const ROOT = join(import.meta.dirname, '../..');

export interface SpawnedBot {
  child: ChildProcess;
  url: string;
  exited: Promise<unknown>;
}

/**
 * The bot as `npm start` runs it (src/main.ts through tsx), in its own process group so that it can be
 * killed -9 with everything it started; its environment is `envFor(port)` alone (plus PATH and HOME).
 * Resolves once /healthz answers 200; `children` gets the child at once, for afterAll to kill.
 */
export async function spawnBot(envFor: (port: number) => Record<string, string>, children: ChildProcess[]): Promise<SpawnedBot> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...envFor(port) },
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  children.push(child);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a loaded 2-core machine tsx and the imports take many seconds (1200 × 50 ms).
  for (let i = 0; ; i++) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`bot exited before listening (${child.exitCode ?? child.signalCode})`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { child, url, exited };
    } catch (error) {
      if (i > 1200) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SIGKILL to the bot's whole process group, when it is still running. */
export function killGroup(child: ChildProcess): void {
  if (child.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
}
