import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { startTestApp } from '../helpers/start-test-app.ts';

const dir = mkdtempSync(join(tmpdir(), 'aims-health-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A store whose schema reads fine but one of whose table pages is overwritten (a torn or damaged write). */
function damagedStore(path: string): void {
  const store = SqliteStore.open(path);
  store.sqlite.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, t TEXT)');
  const insert = store.sqlite.prepare('INSERT INTO filler (t) VALUES (?)');
  for (let i = 0; i < 500; i += 1) insert.run('x'.repeat(200));
  store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  const { rootpage } = store.sqlite.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'filler'").get() as { rootpage: number };
  const pageSize = store.sqlite.pragma('page_size', { simple: true }) as number;
  store.close();
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(64, 0xff), 0, 64, (rootpage - 1) * pageSize + 8);
  closeSync(fd);
}

describe('/healthz and the store’s pages (PRAGMA quick_check)', () => {
  it('a sound store: /healthz ok, and ?deep=1 says the quick check passed', async () => {
    const app = await startTestApp({ AIMS_DB: join(dir, 'sound.db') });
    try {
      expect(await (await fetch(`${app.url}/healthz`)).json()).toEqual({
        status: 'ok',
        database: { store: 'sqlite', reachable: true },
        platforms: { slack: 'off', teams: 'local' },
      });
      const deep = await fetch(`${app.url}/healthz?deep=1`);
      expect(deep.status).toBe(200);
      expect(await deep.json()).toMatchObject({ status: 'ok', database: { reachable: true, quickCheck: 'ok' } });
    } finally {
      await app.close();
    }
  });

  it('a store with a damaged page starts, but /healthz and ?deep=1 answer 503 degraded naming the problem', async () => {
    const path = join(dir, 'damaged.db');
    damagedStore(path);
    const app = await startTestApp({ AIMS_DB: path });
    try {
      for (const url of [`${app.url}/healthz`, `${app.url}/healthz?deep=1`]) {
        const response = await fetch(url);
        expect(response.status, url).toBe(503);
        const health = (await response.json()) as {
          status: string;
          database: { reachable: boolean; quickCheck: string; problems: string[] };
        };
        expect(health).toMatchObject({ status: 'degraded', database: { reachable: true, quickCheck: 'failed' } });
        expect(health.database.problems[0]).toMatch(/page \d+/i);
        expect(health.database.problems.length).toBeLessThanOrEqual(10);
      }
    } finally {
      await app.close();
    }
  });
});
