import { vi } from 'vitest';

type Listener = (...args: unknown[]) => void;
const SIGNALS = ['uncaughtException', 'unhandledRejection', 'SIGINT', 'SIGTERM'];
const listenersOf = (signal: string) => process.listeners(signal as 'SIGINT') as Listener[];

/**
 * src/main.ts (what `npm start` runs) evaluated afresh in this process, for the ways it stops before
 * listening: its environment is `env` alone, process.exit is recorded instead of made, and what it
 * writes to stderr and stdout is collected. The listeners it adds to `process` are removed after.
 */
const MAIN = new URL('../../src/main.ts', import.meta.url).href;
let runs = 0;

export async function runMainUntilExit(env: NodeJS.ProcessEnv): Promise<{ exitCode: number | undefined; output: string }> {
  // A fresh copy of src/main.ts alone (what it imports stays loaded): its top level runs again on this environment.
  runs += 1;
  let exitCode: number | undefined;
  let output = '';
  const before = new Map(SIGNALS.map((signal) => [signal, listenersOf(signal)]));
  const savedEnv = process.env;
  const exit = vi.spyOn(process, 'exit').mockImplementation(((code?: number) => {
    exitCode ??= code ?? 0;
  }) as typeof process.exit);
  const collect = (chunk: string | Uint8Array) => {
    output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  };
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(collect);
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(collect);
  process.env = { ...env };
  try {
    await import(/* @vite-ignore */ `${MAIN}?run=${runs}`);
  } finally {
    process.env = savedEnv;
    exit.mockRestore();
    stderr.mockRestore();
    stdout.mockRestore();
    for (const signal of SIGNALS)
      for (const listener of listenersOf(signal)) if (!before.get(signal)?.includes(listener)) process.off(signal, listener);
  }
  return { exitCode, output };
}
