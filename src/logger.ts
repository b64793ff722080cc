import { maskSecrets } from './core/mask-secrets.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

// Field names whose values never reach a log line, whatever the caller passes.
const SECRET_KEY = /token|secret|password|authorization|signature|cookie/i;

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

function redact(value: unknown, depth = 0): unknown {
  // A database URL logged under any name (the store, an error message) keeps its password out of the log.
  if (typeof value === 'string') return maskSecrets(value);
  if (value instanceof Error) {
    return {
      name: value.name,
      message: maskSecrets(value.message),
      code: (value as { code?: unknown }).code,
      stack: value.stack === undefined ? undefined : maskSecrets(value.stack),
    };
  }
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? '[redacted]' : redact(inner, depth + 1);
  }
  return out;
}

/** One JSON object per line on stderr, so stdout stays free for CLI output. */
export function createLogger(
  level: LogLevel,
  base: Record<string, unknown> = {},
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Logger {
  const threshold = ORDER[level];
  const emit = (at: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>): void => {
    if (ORDER[at] < threshold) return;
    const record = { time: new Date().toISOString(), level: at, msg: message, ...base, ...fields };
    write(JSON.stringify(redact(record)));
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}
