import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/aims-cli.ts';
import { governedDb, type GovernedDb, type GovernedStore, type Tamper } from '../helpers/governed-store.ts';
import { TEST_STORE_KIND } from '../helpers/store-kinds.ts';
import type { TestSql } from '../helpers/test-sql.ts';

const dir = mkdtempSync(join(tmpdir(), 'aims-verify-'));
// The store the CLI checks: a SQLite file, or a PostgreSQL database (--db takes its URL), per the project.
let governed: GovernedDb;
let pristine: string;
let world: GovernedStore;
let head: { sequence: number; hash: string };

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (line) => out.push(line), err: (line) => err.push(line), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A fresh copy of the governed store, changed by `tamper` as someone with write access to the database would. */
const tampered = async (tamper: Tamper): Promise<string> => await governed.tampered(tamper);

const expectHead = () => `${head.sequence}:${head.hash}`;

beforeAll(async () => {
  governed = await governedDb(dir);
  pristine = governed.db;
  world = governed.world;
  const printed = await cli(['audit', 'head', '--db', pristine, '--workspace', 'slack:T1']);
  const match = /^#(\d+) ([0-9a-f]{64})$/.exec(printed.out);
  head = { sequence: Number(match?.[1]), hash: String(match?.[2]) };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('aims audit head', () => {
  it('prints a workspace chain\'s head as "#<sequence> <sha256>", and as JSON with --json; every chain\'s head without --workspace', async () => {
    expect(head.sequence).toBeGreaterThan(10);
    expect(await cli(['audit', 'head', '--db', pristine, '--workspace', 'slack:T1', '--json'])).toMatchObject({
      code: 0,
      out: JSON.stringify(head),
    });
    expect(await cli(['audit', 'head', '--db', pristine])).toMatchObject({
      code: 0,
      out: `chain of workspace slack:T1: #${head.sequence} ${head.hash}`,
    });
    expect(await cli(['audit', 'head', '--db', pristine, '--workspace', 'slack:T9'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--workspace: no workspace slack:T9 in the store.'),
    });
  });
});

describe('aims audit verify against a published head', () => {
  it('passes on the intact store, saying what it proved', async () => {
    const plain = await cli(['audit', 'verify', '--db', pristine]);
    expect(plain.code).toBe(0);
    expect(plain.out).toContain('OK: releases, incidents and training completions agree with the chain');
    expect(plain.out).toContain('this proves internal consistency only; a truncated or fully rewritten chain would also pass');
    const anchored = await cli([
      'audit',
      'verify',
      '--db',
      pristine,
      '--expect-head',
      expectHead(),
      '--expect-head',
      `3:${await hashAt(3)}`,
    ]);
    expect(anchored.code).toBe(0);
    expect(anchored.out).toContain(`OK: the chain holds all 2 expected head(s), so nothing up to #${head.sequence} was removed or changed`);
  });

  it('catches the last 5 events deleted (naming the sequence); the chain alone still looks intact', async () => {
    const path = await tampered(async (sql) => await sql.run('DELETE FROM audit_events WHERE sequence > ?', head.sequence - 5));
    const result = await cli(['audit', 'verify', '--db', path, '--expect-head', expectHead()]);
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      `FAILED: expected head #${head.sequence} (--expect-head): no chain holds an event with hash ${head.hash.slice(0, 12)}…`,
    );
  });

  it('catches every event deleted', async () => {
    const path = await tampered(async (sql) => await sql.run('DELETE FROM audit_events'));
    const result = await cli(['audit', 'verify', '--db', path, '--expect-head', expectHead()]);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`FAILED: expected head #${head.sequence} (--expect-head): no chain holds an event with hash`);
    // Named to the workspace's chain, the head's absence is said as the chain's state.
    const named = await cli(['audit', 'verify', '--db', path, '--workspace', 'slack:T1', '--expect-head', expectHead()]);
    expect(named.out).toContain(`FAILED: expected head #${head.sequence} (--expect-head): the chain of workspace slack:T1 is empty`);
  });

  it('catches the tail rewritten with valid hashes, which the chain walk and the cross-checks cannot', async () => {
    const path = await tampered(async (sql, store) => {
      // Take the last three events off and append them again, a day later: every hash recomputed.
      const tail = await sql.all('SELECT * FROM audit_events WHERE sequence > ? ORDER BY sequence', head.sequence - 3);
      await sql.run('DELETE FROM audit_events WHERE sequence > ?', head.sequence - 3);
      await store.write(async (repos) => {
        for (const row of tail) {
          const payload = JSON.parse(String(row.payload)) as { before: unknown; after: unknown };
          await repos.audit.append(
            {
              workspaceId: row.workspace_id as number,
              actorPersonId: row.actor_person_id as number | null,
              actor: String(row.actor),
              action: String(row.action),
              subject: String(row.subject),
              before: payload.before,
              after: payload.after,
            },
            '2026-11-23T10:00:00.000Z',
          );
        }
      });
    });
    expect((await cli(['audit', 'verify', '--db', path])).code).toBe(0);
    const result = await cli(['audit', 'verify', '--db', path, '--expect-head', expectHead()]);
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      `FAILED: expected head #${head.sequence} (--expect-head): no chain holds an event with hash ${head.hash.slice(0, 12)}…`,
    );
    const named = await cli(['audit', 'verify', '--db', path, '--workspace', 'slack:T1', '--expect-head', expectHead()]);
    expect(named.code).toBe(1);
    expect(named.out).toContain(
      `FAILED: expected head #${head.sequence} (--expect-head): the chain of workspace slack:T1 holds a different event at #${head.sequence}`,
    );
  });

  it('catches a release status edited in place, naming the release', async () => {
    const path = await tampered(async (sql) => await sql.run("UPDATE releases SET status = 'approved' WHERE id = ?", world.pending));
    const result = await cli(['audit', 'verify', '--db', path, '--expect-head', expectHead()]);
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      `FAILED: state differs from the audit chain: REL-${world.pending}: status 'approved' but the chain records 0 of 2 approvals`,
    );
  });

  it('reads heads from --anchors FILE (one per line, as `aims audit head` prints them)', async () => {
    const file = join(dir, 'anchors.txt');
    writeFileSync(file, `3:${await hashAt(3)}\n\n#${head.sequence} ${head.hash}\n`);
    expect((await cli(['audit', 'verify', '--db', pristine, '--anchors', file])).code).toBe(0);
    const path = await tampered(async (sql) => await sql.run('DELETE FROM audit_events WHERE sequence > 2'));
    const result = await cli(['audit', 'verify', '--db', path, '--anchors', file]);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`FAILED: expected head #3 (${file} line 1): no chain holds an event with hash`);
    const named = await cli(['audit', 'verify', '--db', path, '--workspace', 'slack:T1', '--anchors', file]);
    expect(named.out).toContain(`FAILED: expected head #3 (${file} line 1): no event #3: the chain of workspace slack:T1 ends at #2`);
    writeFileSync(file, 'not a head\n');
    expect(await cli(['audit', 'verify', '--db', pristine, '--anchors', file])).toMatchObject({
      code: 2,
      err: expect.stringContaining(`${file} line 1: expected <sequence>:<sha256>`),
    });
    expect(await cli(['audit', 'verify', '--db', pristine, '--anchors', join(dir, 'nope.txt')])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--anchors: cannot read'),
    });
  });
});

describe('the cross-checks of aims audit verify', () => {
  it.each([
    [
      'an incident state edited in place',
      async (sql: TestSql) => await sql.run("UPDATE incidents SET status = 'closed'"),
      () => "INC-1 (incident #1): status 'closed' but the chain records 'acknowledged'",
    ],
    [
      'an incident owner edited in place',
      async (sql: TestSql) => await sql.run('UPDATE incidents SET owner_person_id = ?', world.people.member.personId),
      () => `INC-1 (incident #1): owned by person #${world.people.member.personId} but the chain records`,
    ],
    [
      'an approval inserted without its audit event',
      async (sql: TestSql) =>
        await sql.run(
          "INSERT INTO release_decisions (release_id, person_id, decision, content_hash, at, active) SELECT id, ?, 'approve', content_hash, 'x', TRUE FROM releases WHERE id = ?",
          world.people.app2.personId,
          world.pending,
        ),
      () => `REL-${world.pending}: the approval by person #${world.people.app2.personId} has no matching audit event`,
    ],
    [
      'a rejection deleted',
      async (sql: TestSql) => await sql.run("DELETE FROM release_decisions WHERE decision = 'reject'"),
      () => `REL-${world.rejected}: the chain records a rejection by person #${world.people.app1.personId}`,
    ],
    [
      'the version of a release edited in place',
      async (sql: TestSql) => await sql.run("UPDATE releases SET version = '9.9.9' WHERE id = ?", world.approved),
      () => `REL-${world.approved}: the version is '9.9.9' but the chain records '1.0.0'`,
    ],
    [
      'the approvals needed lowered',
      async (sql: TestSql) => await sql.run('UPDATE releases SET approvals_needed = 0 WHERE id = ?', world.pending),
      () => `REL-${world.pending}: it needs 0 approvals but the chain records 2`,
    ],
    [
      'a training completion deleted',
      async (sql: TestSql) => await sql.run('DELETE FROM training_completions WHERE id = (SELECT min(id) FROM training_completions)'),
      () => 'the chain records it but the training_completions table has no such row',
    ],
    [
      'a training completion inserted without its audit event',
      async (sql: TestSql) =>
        await sql.run(
          "INSERT INTO training_completions (workspace_id, course_id, person_id, date, self_attested, recorded_by, created_at) SELECT workspace_id, course_id, ?, '2026-11-19', TRUE, ?, 'x' FROM training_completions ORDER BY id LIMIT 1",
          world.people.app1.personId,
          world.people.app1.personId,
        ),
      () => 'no audit event records it',
    ],
  ])('names the record when %s', async (_what, tamper, message) => {
    const result = await cli(['audit', 'verify', '--db', await tampered(tamper)]);
    expect(result.code).toBe(1);
    expect(result.out).toContain(message());
  });
});

describe('aims audit verify refuses what it cannot check', () => {
  it('an unknown option (such as --head) is an error, exit 2', async () => {
    const result = await cli(['audit', 'verify', '--db', pristine, '--head', expectHead()]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('Unknown option --head.');
    expect(await cli(['audit', 'verify', '--db', pristine, '--expect-head', '12'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--expect-head: expected <sequence>:<sha256>'),
    });
    expect(await cli(['audit', 'head', '--db', pristine, '--published'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('Unknown option --published for "aims audit head"'),
    });
  });

  it('a mistyped store path is an error, exit 2, and creates nothing', async () => {
    const missing = join(dir, 'typo', 'aims.db');
    for (const args of [
      ['audit', 'verify'],
      ['audit', 'head'],
      ['audit', 'anchors'],
      ['release', 'status', '1'],
      ['jobs', 'list'],
    ]) {
      const result = await cli([...args, '--db', missing]);
      expect(result.code).toBe(2);
      expect(result.err).toContain(`No store at ${missing}`);
    }
    expect(existsSync(join(dir, 'typo'))).toBe(false);
    if (TEST_STORE_KIND === 'sqlite') return;
    // On PostgreSQL, the same for a mistyped database name in the URL: refused, and no database made.
    const typo = new URL(pristine);
    typo.pathname = `${typo.pathname}_typo`;
    for (const args of [
      ['audit', 'verify'],
      ['audit', 'head'],
      ['release', 'status', '1'],
    ]) {
      const result = await cli([...args, '--db', typo.toString()]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.out).toBe('');
      expect(result.err).toContain('cannot be used');
    }
    const listed = await governed.read<{ n: number }>('SELECT count(*) AS n FROM pg_database WHERE datname = ?', typo.pathname.slice(1));
    expect(listed).toEqual({ n: 0 });
  });

  it('a store path that is a folder or not a database is an error, exit 2 (never 1, which means rejected or tampered)', async () => {
    const notADatabase = join(dir, 'notes.txt');
    writeFileSync(notADatabase, 'this is not a database\n'.repeat(100));
    for (const path of [dir, notADatabase]) {
      for (const args of [
        ['audit', 'verify'],
        ['release', 'status', '1'],
      ]) {
        const result = await cli([...args, '--db', path]);
        expect(result.code, `${args.join(' ')} ${path}`).toBe(2);
        expect(result.err).toContain(`the store ${path}`);
      }
    }
  });
});

async function hashAt(sequence: number): Promise<string> {
  return (await governed.read<{ hash: string }>('SELECT hash FROM audit_events WHERE sequence = ?', sequence))?.hash ?? '';
}
