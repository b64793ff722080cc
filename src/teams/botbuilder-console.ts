import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';
import type { Logger } from '../logger.ts';

const scope = new AsyncLocalStorage<{ logger: Logger; demoted: boolean }>();
let installed = false;

const LEVELS = { error: 'error', warn: 'warn', info: 'info', log: 'info', debug: 'debug' } as const;

// botbuilder writes some failures (token errors among them) with console.error; inside a Teams
// request those become JSON log lines of our logger. Outside one, console behaves as before.
function install(): void {
  if (installed) return;
  installed = true;
  for (const [method, level] of Object.entries(LEVELS) as Array<[keyof typeof LEVELS, (typeof LEVELS)[keyof typeof LEVELS]]>) {
    // eslint-disable-next-line no-console -- this is the one place that wraps console, to route botbuilder's output
    const original = console[method].bind(console);
    // eslint-disable-next-line no-console -- see above
    console[method] = (...args: unknown[]) => {
      const current = scope.getStore();
      if (!current) {
        original(...args);
        return;
      }
      const error = args.find((arg): arg is Error => arg instanceof Error);
      // Only the first line: botbuilder's messages carry no request bodies, but keep the line short.
      const text = format(...args.map((arg) => (arg instanceof Error ? arg.message : arg))).split('\n')[0] ?? '';
      current.logger[current.demoted ? 'debug' : level]('botbuilder said', {
        text,
        ...(error ? { error: { name: error.name, message: error.message } } : {}),
      });
    };
  }
}

/** Runs `work` with botbuilder's console output routed to `logger` as JSON lines. */
export function withBotbuilderConsole<T>(logger: Logger, work: () => Promise<T>): Promise<T> {
  install();
  return scope.run({ logger, demoted: false }, work);
}

/** Runs `work` with botbuilder's console output at debug level (the caller logs the outcome itself). */
export async function withBotbuilderConsoleDemoted<T>(work: () => Promise<T>): Promise<T> {
  const current = scope.getStore();
  return current ? scope.run({ ...current, demoted: true }, work) : await work();
}
