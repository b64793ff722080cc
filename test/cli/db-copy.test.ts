import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governedStore, type GovernedStore } from '../helpers/governed-store.ts';
import { freshPgDatabase, pgTestUrl } from '../helpers/pg-test-db.ts';
import { runAims } from '../helpers/run-aims.ts';

describe.runIf(pgTestUrl())('aims db copy, then the admin commands on the PostgreSQL copy', () => {
  let dir: string;
  let file: string;
  let world: GovernedStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aims-db-copy-'));
    file = join(dir, 'aims.db');
    world = await governedStore(file);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copies every table, verifies the chain on the copy with the same head, and the CLI reads the copy as it read the file', async () => {
    const url = await freshPgDatabase();
    const copied = await runAims(['db', 'copy', '--from', file, '--to', url]);
    expect(copied.err).toBe('');
    expect(copied.code).toBe(0);
    expect(copied.out).toMatch(/^audit_events: \d+ row\(s\)$/m);
    expect(copied.out).toMatch(/^releases: 3 row\(s\)$/m);
    expect(copied.out).toMatch(/^OK: the copy's audit chain verifies: \d+ events, head #\d+ [0-9a-f]{64}, the same as the source\.$/m);

    const headOfFile = await runAims(['audit', 'head', '--db', file]);
    const headOfCopy = await runAims(['audit', 'head', '--db', url]);
    expect(headOfCopy.code).toBe(0);
    expect(headOfCopy.out).toBe(headOfFile.out);

    const verified = await runAims(['audit', 'verify', '--db', url]);
    expect(verified.code).toBe(0);
    expect(verified.out).toContain('OK');
    // The CI gate answers from the copy as from the file.
    expect((await runAims(['release', 'status', String(world.approved), '--db', url])).code).toBe(0);
    expect((await runAims(['release', 'status', String(world.pending), '--db', url])).code).toBe(2);
    expect((await runAims(['release', 'status', String(world.rejected), '--db', url])).code).toBe(1);
  });

  it('refuses a target that holds rows, copies nothing, and never prints the password', async () => {
    const url = new URL(await freshPgDatabase());
    url.password = 'pw-not-to-be-printed';
    expect((await runAims(['db', 'copy', '--from', file, '--to', url.toString()])).code).toBe(0);
    const again = await runAims(['db', 'copy', '--from', file, '--to', url.toString()]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^Refused: the target database already holds rows \(in .*audit_events.*\)/m);
    expect(again.out + again.err).not.toContain('pw-not-to-be-printed');
  });

  it('says what is missing: no --to, a --to that is not PostgreSQL, a --from that does not exist', async () => {
    expect((await runAims(['db', 'copy', '--from', file])).err).toContain('needs --from <SQLite file> and --to');
    expect((await runAims(['db', 'copy', '--from', file, '--to', join(dir, 'other.db')])).err).toContain('--to must be a PostgreSQL URL');
    const missing = await runAims(['db', 'copy', '--from', join(dir, 'nope.db'), '--to', 'postgres://u:secret@127.0.0.1:1/x']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('No SQLite store at');
    expect(missing.err).not.toContain('secret');
  });
});
