// The bench process's side of scripts/bench/host.ts: forks a server host and talks to it over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export type HostKind = 'bot-slack' | 'bot-teams' | 'bare-bolt' | 'bare-teams';

export type HostStore = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export interface HostSpec {
  kind: HostKind;
  /** The fake Slack Web API (Bolt's auth.test at start, the bot's posts). */
  slackApiUrl: string;
  /** The bot's store (the anchors have none). */
  store?: HostStore;
}

export type HostCommand =
  | { cmd: 'memory' | 'gc' | 'delay-reset' | 'delay' | 'stop' }
  | { cmd: 'job'; job: 'digest' | 'nudges' | 'anchor'; at: string }
  | { cmd: 'sweep'; args: Record<string, unknown> };

export interface EventLoopDelay {
  p50: number;
  p99: number;
  max: number;
}

export interface Host {
  kind: HostKind;
  url: string;
  pid: number;
  call<T = unknown>(command: HostCommand): Promise<T>;
  stop(): Promise<void>;
}

const HOST = join(import.meta.dirname, 'host.ts');

/** Forks a host (node --import tsx) and waits for it to listen. */
export async function startHost(spec: HostSpec): Promise<Host> {
  const child: ChildProcess = fork(HOST, [JSON.stringify(spec)], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let next = 0;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${spec.kind} host exited before listening (${code})`)));
    child.on('message', (message: { ready?: string; id?: number; result?: unknown; error?: string }) => {
      if (message.ready) return resolve(message.ready);
      const waiting = pending.get(message.id ?? -1);
      if (!waiting) return;
      pending.delete(message.id ?? -1);
      if (message.error) waiting.reject(new Error(`${spec.kind} host: ${message.error}`));
      else waiting.resolve(message.result);
    });
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      // A host that dies mid-run fails what was asked of it instead of leaving the bench waiting.
      for (const waiting of pending.values()) waiting.reject(new Error(`${spec.kind} host exited (${code ?? signal})`));
      pending.clear();
      resolve();
    }),
  );
  const call = <T>(command: HostCommand) =>
    new Promise<T>((resolve, reject) => {
      next += 1;
      pending.set(next, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...command, id: next });
    });
  return {
    kind: spec.kind,
    url,
    pid: child.pid ?? 0,
    call,
    async stop() {
      if (child.exitCode !== null) return;
      await call({ cmd: 'stop' }).catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
