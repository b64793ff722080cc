import { PgStore } from '../../src/store/postgres/pg-store.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { createDatabaseAt, databaseUrl } from './pg-create-database.ts';
import { pgTestUrl } from './pg-test-db.ts';
import { memoryStore } from './test-store.ts';

export type StoreKind = 'sqlite' | 'postgres';

/**
 * The store this run's project tests on (vitest.config.ts): the `sqlite` project runs every file on
 * SQLite, the `postgres` project (there when PostgreSQL binaries are found) runs them again with
 * AIMS_TEST_STORE=postgres. Helpers that build a store or a bot (openTestStore, startTestApp) follow it.
 */
export const TEST_STORE_KIND: StoreKind = process.env.AIMS_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** The stores a describe.each runs on: this project's store (each project runs the file once). */
export const STORE_KINDS: readonly StoreKind[] = [TEST_STORE_KIND];

// One migrated template database per worker; each test's database is a copy of it (CREATE DATABASE … TEMPLATE).
let template: Promise<string> | undefined;

// Where each PostgreSQL test store lives, for test/helpers/test-sql.ts to read it behind the bot's back.
const urls = new WeakMap<GovernanceStore, string>();

async function migratedTemplate(server: string): Promise<string> {
  const url = await createDatabaseAt(server);
  const store = await PgStore.open(url);
  await store.close();
  return new URL(url).pathname.slice(1);
}

/** Lets sqlOf read a PostgreSQL store a test opened itself (PgStore.open on a database of its own). */
export function trackTestStore(store: GovernanceStore, url: string): void {
  urls.set(store, url);
}

/** The URL of a PostgreSQL store made by openTestStore, or undefined for any other store. */
export function testStoreUrl(store: GovernanceStore): string | undefined {
  return urls.get(store);
}

/** A fresh, migrated store of `kind` (this project's by default): a copy of the migrated SQLite image or PostgreSQL template. */
export async function openTestStore(kind: StoreKind = TEST_STORE_KIND, options: { poolSize?: number } = {}): Promise<GovernanceStore> {
  if (kind === 'sqlite') return memoryStore();
  const server = pgTestUrl();
  if (!server) throw new Error('No PostgreSQL for this run: the postgres project runs only where its binaries are.');
  template ??= migratedTemplate(server);
  const url = databaseUrl(server, new URL(await createDatabaseAt(server, undefined, await template)).pathname.slice(1));
  const store = await PgStore.open(url, { migrate: false, poolSize: options.poolSize ?? 2 });
  urls.set(store, url);
  return store;
}
