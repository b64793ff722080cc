import type { Config } from '../config.ts';
import { maskSecrets, maskUrl } from '../core/mask-secrets.ts';
import { asStoreOpenError, StoreOpenError } from './database.ts';
import type { GovernanceStore } from './governance-store.ts';
import type { PgStore, PgStoreOptions } from './postgres/pg-store.ts';
import { SqliteStore } from './sqlite-store.ts';

/** Whether a `--db` value or a URL names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/**
 * The store the configuration names, migrated: PostgreSQL when AIMS_DATABASE_URL is set (every replica
 * applies pending migrations under one advisory lock), else the SQLite file at AIMS_DB. A SQLite file
 * that cannot be used is a StoreOpenError saying why (main prints it as one line).
 */
export async function openConfiguredStore(config: Pick<Config, 'dbPath' | 'postgres'>): Promise<GovernanceStore> {
  if (config.postgres) {
    const { url, poolSize, statementTimeoutMs } = config.postgres;
    return await openPostgres(url, { poolSize, statementTimeoutMs });
  }
  try {
    return SqliteStore.open(config.dbPath);
  } catch (error) {
    throw asStoreOpenError(config.dbPath, error);
  }
}

/** A PostgreSQL store, migrated; a server that refuses (wrong password, no such database, nobody listening) is a StoreOpenError. */
export async function openPostgres(url: string, options: PgStoreOptions = {}): Promise<PgStore> {
  try {
    // The PostgreSQL driver is loaded only where PostgreSQL is configured.
    const { PgStore } = await import('./postgres/pg-store.ts');
    return await PgStore.open(url, options);
  } catch (error) {
    throw postgresRefusal(url, error);
  }
}

/** A PostgreSQL server's refusal as one line an operator can act on, its URL's password masked. */
export function postgresRefusal(url: string, error: unknown): StoreOpenError {
  const cause = (error as { cause?: unknown }).cause ?? error;
  const { code, message } = cause as { code?: string; message?: string };
  return new StoreOpenError(maskUrl(url), `cannot be used (${code ?? 'error'}: ${maskSecrets(message ?? String(cause))})`);
}
