import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { pgBinaries, startPgCluster, type PgCluster } from '../helpers/pg-cluster.ts';
import { freshPgDatabase, pgTestUrl } from '../helpers/pg-test-db.ts';

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

// CI installs PostgreSQL (.ci/run), so there these always run; elsewhere the skip shows in the output.
describe.runIf(pgBinaries())('throwaway PostgreSQL cluster', () => {
  let cluster: PgCluster | undefined;
  const clients: pg.Client[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await cluster?.stop();
  });

  it('starts, makes separate databases, and two connections see each other’s committed rows', async () => {
    cluster = await startPgCluster();
    expect(existsSync(cluster.dir)).toBe(true);
    const first = await cluster.createDatabase();
    const second = await cluster.createDatabase();
    expect(first).not.toBe(second);
    const [a, b, other] = await Promise.all([connect(first), connect(first), connect(second)]);
    clients.push(a, b, other);
    await a.query('CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL)');
    await a.query('BEGIN');
    await a.query("INSERT INTO notes VALUES (1, 'from a')");
    // Not yet committed: the other session must not see it.
    expect((await b.query('SELECT count(*)::int AS n FROM notes')).rows[0].n).toBe(0);
    await a.query('COMMIT');
    expect((await b.query('SELECT body FROM notes')).rows).toEqual([{ body: 'from a' }]);
    await b.query("INSERT INTO notes VALUES (2, 'from b')");
    expect((await a.query('SELECT body FROM notes ORDER BY id')).rows.map((row) => row.body)).toEqual(['from a', 'from b']);
    // The second database is its own: the table is not there.
    await expect(other.query('SELECT 1 FROM notes')).rejects.toThrow(/relation "notes" does not exist/);
  });

  it('pg_advisory_lock makes a second session wait until the first releases it', async () => {
    if (!cluster) throw new Error('the first test starts the cluster');
    const url = await cluster.createDatabase();
    const [holder, waiter] = await Promise.all([connect(url), connect(url)]);
    clients.push(holder, waiter);
    await holder.query('SELECT pg_advisory_lock(14)');
    const waiterPid = (await waiter.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    const events: string[] = [];
    const waiting = waiter.query('SELECT pg_advisory_lock(14)').then(() => events.push('waiter got the lock'));
    // The server itself says the waiter is blocked on the lock (not a guess from elapsed time).
    for (;;) {
      const blocked = await holder.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = 14 AND NOT granted AND pid = $1", [
        waiterPid,
      ]);
      if (blocked.rowCount === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(events).toEqual([]);
    events.push('holder released');
    await holder.query('SELECT pg_advisory_unlock(14)');
    await waiting;
    expect(events).toEqual(['holder released', 'waiter got the lock']);
  });

  it('stop() stops the server and removes its directory', async () => {
    if (!cluster) throw new Error('the first test starts the cluster');
    const { dir } = cluster;
    const url = cluster.url();
    await Promise.all(clients.splice(0).map((client) => client.end()));
    await cluster.stop();
    cluster = undefined;
    expect(existsSync(dir)).toBe(false);
    await expect(connect(url)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe.runIf(pgTestUrl())("the run's PostgreSQL (test/global-pg.ts)", () => {
  it('freshPgDatabase gives each call a new empty database', async () => {
    const [one, two] = await Promise.all([freshPgDatabase(), freshPgDatabase()]);
    expect(one).not.toBe(two);
    const client = await connect(one);
    try {
      const tables = await client.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
      expect(tables.rows[0].n).toBe(0);
      expect((await client.query('SELECT current_database() AS db')).rows[0].db).toBe(new URL(one).pathname.slice(1));
    } finally {
      await client.end();
    }
  });
});
