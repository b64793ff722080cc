import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/aims-cli.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { MIGRATION_COUNT } from '../helpers/migration-count.ts';
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

async function seededStore(path: string): Promise<void> {
  const store = SqliteStore.open(path);
  const directory = directoryFor(store, { seedAdmins: [{ platform: 'slack', userId: 'U1' }] });
  await directory.contact({ platform: 'slack', workspaceExternalId: 'T1', userExternalId: 'U1', displayName: 'ada' });
  await directory.contact({ platform: 'slack', workspaceExternalId: 'T1', userExternalId: 'U2', displayName: 'bob' });
  store.close();
}

describe('aims CLI', () => {
  it('audit verify refuses a store file that does not exist (exit 2), and prints OK on a fresh migrated one', async () => {
    const path = join(dir, 'fresh.db');
    const missing = await cli(['audit', 'verify'], { AIMS_DB: path });
    expect(missing.code).toBe(2);
    expect(missing.out).toBe('');
    expect(missing.err).toContain(`No store at ${path}`);
    expect(existsSync(path)).toBe(false);
    expect((await cli(['migrate'], { AIMS_DB: path })).code).toBe(0);
    const result = await cli(['audit', 'verify'], { AIMS_DB: path });
    expect(result.out).toContain('OK: audit chain intact, no events yet');
    expect(result.code).toBe(0);
  });

  it('prints OK with the head (sequence and hash) on an intact store', async () => {
    const path = join(dir, 'intact.db');
    await seededStore(path);
    const result = await cli(['audit', 'verify', '--db', path]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^OK: audit chain intact, 4 events, head #4 [0-9a-f]{64}$/m);
  });

  it('smoke test of the binary: npx aims audit verify fails with exit 1 and the first bad sequence on a store whose audit row was edited', async () => {
    const path = join(dir, 'tampered.db');
    await seededStore(path);
    const store = SqliteStore.open(path);
    store.sqlite.prepare('UPDATE audit_events SET payload = replace(payload, \'"bob"\', \'"mallory"\') WHERE sequence = 4').run();
    store.close();
    const result = npxAims(['audit', 'verify'], { AIMS_DB: path });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAILED: audit chain broken at sequence 4');
  });

  it('migrate creates and migrates a store, then reports it up to date', async () => {
    const path = join(dir, 'sub', 'migrated.db');
    expect(await cli(['migrate'], { AIMS_DB: path })).toMatchObject({
      code: 0,
      out: `Applied ${MIGRATION_COUNT} migration(s) to ${path}.`,
    });
    expect(await cli(['migrate'], { AIMS_DB: path })).toMatchObject({ code: 0, out: `Store ${path} is up to date.` });
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
