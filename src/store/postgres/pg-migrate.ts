import { fileURLToPath } from 'node:url';
import { readMigrationFiles, type MigrationMeta } from 'drizzle-orm/migrator';
import type pg from 'pg';
import { MIGRATION_LOCK_KEY } from './advisory-locks.ts';

export const PG_MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations/postgres', import.meta.url));

/**
 * Applies pending drizzle-kit migrations, holding `pg_advisory_lock` on one connection from before the
 * applied list is read until the last one is recorded: a second replica starting at the same time waits,
 * then finds them applied. The bookkeeping is drizzle's own table ("drizzle"."__drizzle_migrations", same
 * columns, same rule: a migration is pending when it is newer than the newest recorded), so
 * `drizzle-kit migrate` and this runner agree. Each migration commits on its own: one that fails leaves
 * the earlier ones applied and recorded, and itself not at all.
 */
export async function applyPgMigrations(pool: pg.Pool, folder = PG_MIGRATIONS_FOLDER): Promise<{ applied: number }> {
  const migrations = readMigrationFiles({ migrationsFolder: folder });
  const client = await pool.connect();
  try {
    // The lock wait and a long migration are not the ordinary statements the pool's timeout bounds.
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await applyPending(client, migrations);
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    await client.query('RESET statement_timeout');
    client.release();
    return { applied };
  } catch (error) {
    // Destroyed, not returned to the pool: closing the connection ends any transaction left open and
    // releases the session lock, so a failure cannot keep other replicas waiting.
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}

async function applyPending(client: pg.PoolClient, migrations: MigrationMeta[]): Promise<number> {
  await client.query('CREATE SCHEMA IF NOT EXISTS "drizzle"');
  await client.query(
    'CREATE TABLE IF NOT EXISTS "drizzle"."__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)',
  );
  const last = await client.query<{ created_at: string }>(
    'SELECT created_at FROM "drizzle"."__drizzle_migrations" ORDER BY created_at DESC LIMIT 1',
  );
  const newest = last.rows[0] ? Number(last.rows[0].created_at) : undefined;
  let applied = 0;
  for (const migration of migrations) {
    if (newest !== undefined && newest >= migration.folderMillis) continue;
    await client.query('BEGIN');
    for (const statement of migration.sql) {
      if (statement.trim() !== '') await client.query(statement);
    }
    await client.query('INSERT INTO "drizzle"."__drizzle_migrations" ("hash", "created_at") VALUES ($1, $2)', [
      migration.hash,
      migration.folderMillis,
    ]);
    await client.query('COMMIT');
    applied += 1;
  }
  return applied;
}
