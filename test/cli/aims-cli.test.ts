import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/aims-cli.ts';
import { maskSecrets } from '../../src/core/mask-secrets.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { MIGRATION_COUNT } from '../helpers/migration-count.ts';
import { freshPgDatabase } from '../helpers/pg-test-db.ts';
import { openTestStore, testStoreUrl, TEST_STORE_KIND } from '../helpers/store-kinds.ts';
import { sqlOf } from '../helpers/test-sql.ts';
import { directoryFor } from '../helpers/test-store.ts';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'aims-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (line) => out.push(line), err: (line) => err.push(line), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** `npx aims ...` exactly as an admin or a pipeline would run it: the one test of the real binary, every other runs in-process. */
function npxAims(args: string[], env: Record<string, string>) {
  const result = spawnSync('npx', ['--no-install', 'aims', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  return { code: result.status, stdout: result.stdout };
}

/** How many PostgreSQL migrations are committed (their drizzle-kit journal). */
const PG_MIGRATION_COUNT = (
  JSON.parse(readFileSync(join(ROOT, 'migrations/postgres/meta/_journal.json'), 'utf8')) as { entries: unknown[] }
).entries.length;

/** The store the CLI is pointed at, per the project: its --db (a file, or a PostgreSQL URL) and the environment naming it. */
interface CliStore {
  db: string;
  env: Record<string, string>;
  /** Runs a statement on it behind the CLI's back (an attacker's edit); the rows changed. */
  run(sql: string, ...params: unknown[]): Promise<number>;
}

const envFor = (db: string): Record<string, string> => (TEST_STORE_KIND === 'sqlite' ? { AIMS_DB: db } : { AIMS_DATABASE_URL: db });

/** A store where two people of one Slack workspace were met (4 audit events): a SQLite file, or a PostgreSQL database. */
async function seededStore(name: string): Promise<CliStore> {
  const store: GovernanceStore = TEST_STORE_KIND === 'sqlite' ? SqliteStore.open(join(dir, `${name}.db`)) : await openTestStore();
  const db = TEST_STORE_KIND === 'sqlite' ? join(dir, `${name}.db`) : (testStoreUrl(store) ?? '');
  try {
    const directory = directoryFor(store, { seedAdmins: [{ platform: 'slack', userId: 'U1' }] });
    await directory.contact({ platform: 'slack', workspaceExternalId: 'T1', userExternalId: 'U1', displayName: 'ada' });
    await directory.contact({ platform: 'slack', workspaceExternalId: 'T1', userExternalId: 'U2', displayName: 'bob' });
  } finally {
    await store.close();
  }
  return {
    db,
    env: envFor(db),
    async run(sql, ...params) {
      if (!(store instanceof SqliteStore)) return await sqlOf(store).run(sql, ...params);
      const file = SqliteStore.open(db);
      try {
        return await sqlOf(file).run(sql, ...params);
      } finally {
        file.close();
      }
    },
  };
}

/** Where a new store goes: a file not there yet, or an empty PostgreSQL database (nothing migrated). */
const newStore = async (path: string) => (TEST_STORE_KIND === 'sqlite' ? path : await freshPgDatabase());

describe('aims CLI', () => {
  it('audit verify refuses a store file that does not exist (exit 2), and prints OK on a fresh migrated one', async () => {
    const path = join(dir, 'fresh.db');
    const missing = await cli(['audit', 'verify'], { AIMS_DB: path });
    expect(missing.code).toBe(2);
    expect(missing.out).toBe('');
    expect(missing.err).toContain(`No store at ${path}`);
    expect(existsSync(path)).toBe(false);
    // The fresh store is this project's: the file, or an empty PostgreSQL database.
    const fresh = await newStore(path);
    expect((await cli(['migrate'], envFor(fresh))).code).toBe(0);
    const result = await cli(['audit', 'verify'], envFor(fresh));
    expect(result.out).toContain('OK: audit chain intact, no events yet');
    expect(result.code).toBe(0);
  });

  it('prints OK with the head (sequence and hash) on an intact store', async () => {
    const intact = await seededStore('intact');
    const result = await cli(['audit', 'verify', '--db', intact.db]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^OK: audit (system chain|chain of workspace \S+) intact, 4 events, head #4 [0-9a-f]{64}$/m);
  });

  it('smoke test of the binary: npx aims audit verify fails with exit 1 and the first bad sequence on a store whose audit row was edited', async () => {
    const tampered = await seededStore('tampered');
    expect(await tampered.run('UPDATE audit_events SET payload = replace(payload, \'"bob"\', \'"mallory"\') WHERE sequence = 4')).toBe(1);
    const result = npxAims(['audit', 'verify'], tampered.env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAILED: audit (system chain|chain of workspace \S+) broken at sequence 4/);
  });

  it('migrate creates and migrates a store, then reports it up to date', async () => {
    const path = await newStore(join(dir, 'sub', 'migrated.db'));
    const count = TEST_STORE_KIND === 'sqlite' ? MIGRATION_COUNT : PG_MIGRATION_COUNT;
    // As the CLI names it: a path, or the URL with any password masked.
    expect(await cli(['migrate'], envFor(path))).toMatchObject({
      code: 0,
      out: `Applied ${count} migration(s) to ${maskSecrets(path)}.`,
    });
    expect(await cli(['migrate'], envFor(path))).toMatchObject({ code: 0, out: `Store ${maskSecrets(path)} is up to date.` });
  });

  it('explains itself on help and on an unknown command', async () => {
    expect(await cli(['help'])).toMatchObject({ code: 0 });
    expect((await cli(['help'])).out).toContain('audit verify');
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown command: frobnicate');
  });

  it('never prints a database password, whatever a command line from a newer version holds (aims db copy --to …)', async () => {
    const url = 'postgres://u:pw@host/db';
    const lines = [
      ['db', 'copy', '--to', url],
      ['db', 'copy', `--to=${url}`, '--from', './data/aims.db'],
      ['db', 'copy', url],
      ['migrate', url],
      ['audit', 'verify', '--db', url],
      ['jobs', 'list', '--db', 'postgres://u:pw@host/db?password=pw'],
    ];
    for (const args of lines) {
      const result = await cli(args);
      expect(result.code).toBe(2);
      expect(`${result.out}\n${result.err}`).not.toContain('pw');
    }
    // The argument is still shown, only its password masked, so the user sees what was refused.
    expect((await cli(['db', 'copy', url])).err).toContain('Unexpected argument "postgres://u:***@host/db" for "aims db copy"');
    expect((await cli(['audit', 'verify', '--db', url])).err).toContain('the store postgres://u:***@host/db cannot be used (ENOTFOUND');
  });
});
