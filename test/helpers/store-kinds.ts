import { PgStore } from '../../src/store/postgres/pg-store.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { createDatabaseAt, databaseUrl } from './pg-create-database.ts';
import { pgTestUrl } from './pg-test-db.ts';
import { memoryStore } from './test-store.ts';

export type StoreKind = 'sqlite' | 'postgres';

/** The stores a test runs on: SQLite always, PostgreSQL when the run has a server (test/global-pg.ts). */
export const STORE_KINDS: readonly StoreKind[] = pgTestUrl() ? ['sqlite', 'postgres'] : ['sqlite'];

// One migrated template database per worker; each test's database is a copy of it (CREATE DATABASE … TEMPLATE).
let template: Promise<string> | undefined;

async function migratedTemplate(server: string): Promise<string> {
  const url = await createDatabaseAt(server);
  const store = await PgStore.open(url);
  await store.close();
  return new URL(url).pathname.slice(1);
}

/** A fresh, migrated store of `kind`: a copy of the worker's migrated SQLite image, or a new PostgreSQL database. */
export async function openTestStore(kind: StoreKind): Promise<GovernanceStore> {
  if (kind === 'sqlite') return memoryStore();
  const server = pgTestUrl();
  if (!server) throw new Error('No PostgreSQL for this run: use STORE_KINDS.');
  template ??= migratedTemplate(server);
  const name = new URL(await createDatabaseAt(server, undefined, await template)).pathname.slice(1);
  return await PgStore.open(databaseUrl(server, name), { migrate: false, poolSize: 2 });
}
