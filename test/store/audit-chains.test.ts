import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { evidenceSourcesOf, outboxLabelsOf, statusSourcesOf } from '../../src/chat/feature.ts';
import { auditVerify, chainOption } from '../../src/cli/audit-commands.ts';
import { parseArgs } from '../../src/cli/cli-args.ts';
import { CHAIN_STARTED, LEGACY_CHAIN, SYSTEM_CHAIN, type AuditEventInput } from '../../src/core/audit.ts';
import { chainHash, GENESIS_HASH, verifyChainSegment, type AuditEventRecord } from '../../src/core/audit-chain-verify.ts';
import { canonicalJson } from '../../src/core/canonical-json.ts';
import { DigestService } from '../../src/core/digest/digest-service.ts';
import { StatusService } from '../../src/core/status-service.ts';
import { features } from '../../src/features/index.ts';
import { openDatabase } from '../../src/store/database.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { applyMigrations, MIGRATIONS_FOLDER } from '../../src/store/migrate.ts';
import { openPgDatabase } from '../../src/store/postgres/pg-database.ts';
import { applyPgMigrations, PG_MIGRATIONS_FOLDER } from '../../src/store/postgres/pg-migrate.ts';
import { PgStore } from '../../src/store/postgres/pg-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { freshPgDatabase } from '../helpers/pg-test-db.ts';
import { openTestStore, TEST_STORE_KIND, trackTestStore } from '../helpers/store-kinds.ts';
import { sqlOf } from '../helpers/test-sql.ts';
import { directoryFor, TEST_NOW, testClock } from '../helpers/test-store.ts';

const stores: GovernanceStore[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'aims-chains-'));
  dirs.push(dir);
  return dir;
};

const event = (workspaceId: number | null, n: number, action = 'test.event'): AuditEventInput => ({
  workspaceId,
  actorPersonId: null,
  actor: 'test',
  action,
  subject: `thing:${n}`,
  before: null,
  after: { n },
});

/** A store with two workspaces (A and B), each with its own chain. */
async function twoWorkspaces() {
  const store = await openTestStore();
  stores.push(store);
  const clock = testClock();
  const directory = directoryFor(store, {}, clock);
  const a = (await directory.contact({ platform: 'slack', workspaceExternalId: 'TA', userExternalId: 'U1' })).workspace;
  const b = (await directory.contact({ platform: 'teams', workspaceExternalId: 'tenant-b', userExternalId: 'U2' })).workspace;
  return { store, clock, a, b };
}

const append = async (store: GovernanceStore, workspaceId: number | null, n: number) =>
  await store.write(async (repos) => await repos.audit.append(event(workspaceId, n), TEST_NOW));

async function verifyOutput(store: GovernanceStore, args: string[] = []): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const parsed = parseArgs(args);
  const code = await auditVerify(store, [], parsed, { out: (line) => lines.push(line) }, await chainOption(parsed, store));
  return { code, out: lines.join('\n') };
}

describe('one hash chain per workspace', () => {
  it('numbers each workspace from 1, links each chain on its own, and verifies every chain', async () => {
    const { store, a, b } = await twoWorkspaces();
    for (let i = 0; i < 3; i++) {
      await append(store, a.id, i);
      await append(store, b.id, i);
    }
    await append(store, null, 99);
    const rows = await sqlOf(store).all<{
      chain: number;
      sequence: number;
      workspace_id: number | null;
      previous_hash: string;
      hash: string;
    }>('SELECT chain, sequence, workspace_id, previous_hash, hash FROM audit_events ORDER BY chain, sequence');
    for (const [chain, workspaceId] of [
      [a.id, a.id],
      [b.id, b.id],
      [SYSTEM_CHAIN, null],
    ] as const) {
      const own = rows.filter((row) => row.chain === chain);
      expect(own.map((row) => row.sequence)).toEqual(own.map((_, i) => i + 1));
      expect(own.every((row) => row.workspace_id === workspaceId)).toBe(true);
      expect(own[0]?.previous_hash).toBe(GENESIS_HASH);
      own.slice(1).forEach((row, i) => expect(row.previous_hash).toBe(own[i]?.hash));
    }
    const verified = await store.verifyAudit();
    expect(verified.ok).toBe(true);
    expect(verified.chains.map((c) => [c.chain, c.label, c.ok])).toEqual([
      [SYSTEM_CHAIN, 'system chain', true],
      [a.id, 'chain of workspace slack:TA', true],
      [b.id, 'chain of workspace teams:tenant-b', true],
    ]);
    const { code, out } = await verifyOutput(store);
    expect(code).toBe(0);
    expect(out).toContain(`OK: audit chain of workspace slack:TA intact, ${rows.filter((r) => r.chain === a.id).length} events`);
    expect(out).toContain('OK: audit chain of workspace teams:tenant-b intact');
  });

  it("reports tampering with workspace A's event as A's chain broken, naming the sequence; B's chain still OK", async () => {
    const { store, a, b } = await twoWorkspaces();
    for (let i = 0; i < 4; i++) {
      await append(store, a.id, i);
      await append(store, b.id, i);
    }
    const { sequence } = (await sqlOf(store).get<{ sequence: number }>(
      "SELECT sequence FROM audit_events WHERE chain = ? AND subject = 'thing:1'",
      a.id,
    ))!;
    expect(
      await sqlOf(store).run(
        "UPDATE audit_events SET payload = replace(payload, 'thing:1', 'thing:7') WHERE chain = ? AND sequence = ?",
        a.id,
        sequence,
      ),
    ).toBe(1);
    const verified = await store.verifyAudit();
    expect(verified.ok).toBe(false);
    expect(verified.chains.find((c) => c.chain === a.id)).toMatchObject({ ok: false, firstBadSequence: sequence });
    expect(verified.chains.find((c) => c.chain === b.id)).toMatchObject({ ok: true });
    const { code, out } = await verifyOutput(store);
    expect(code).toBe(1);
    expect(out).toContain(
      `FAILED: audit chain of workspace slack:TA broken at sequence ${sequence}: hash does not match the recorded content`,
    );
    expect(out).not.toContain('tenant-b broken');
    // --workspace: B alone verifies, A alone fails.
    expect(await verifyOutput(store, ['--workspace', 'teams:tenant-b'])).toMatchObject({ code: 0 });
    expect((await store.verifyAudit(b.id)).ok).toBe(true);
    expect((await store.verifyAudit(a.id)).ok).toBe(false);
  });

  it("a change in workspace B does not move A's head: not in versions, status, digest or count", async () => {
    const { store, clock, a, b } = await twoWorkspaces();
    await append(store, a.id, 1);
    const status = new StatusService(store, clock, 'UTC', evidenceSourcesOf(features), statusSourcesOf(features), outboxLabelsOf(features));
    const digests = new DigestService(store, clock, 'UTC');
    const before = await store.read(async (repos) => await repos.audit.versions(a.id));
    const statusBefore = await status.summarize(a.id);
    const digestBefore = await digests.build(a.id);
    const countBefore = await store.read(async (repos) => await repos.audit.count(a.id));
    expect(statusBefore.audit.head).toEqual(before.head);
    expect(digestBefore.auditHead).toEqual(before.head);

    for (let i = 0; i < 5; i++) await append(store, b.id, i);
    expect(await store.read(async (repos) => await repos.audit.versions(a.id))).toEqual(before);
    const statusAfter = await status.summarize(a.id);
    expect(statusAfter.audit).toEqual(statusBefore.audit);
    expect((await digests.build(a.id)).auditHead).toEqual(digestBefore.auditHead);
    expect(await store.read(async (repos) => await repos.audit.count(a.id))).toBe(countBefore);
    expect((await status.summarize(b.id)).audit.head?.sequence).toBe(
      (await store.read(async (repos) => await repos.audit.head(b.id)))?.sequence,
    );

    // A's own change is visible in A's very next status, and its count is its chain's sequence.
    await append(store, a.id, 2);
    const moved = await status.summarize(a.id);
    expect(moved.audit.head?.sequence).toBe((before.head?.sequence ?? 0) + 1);
    expect(moved.audit.workspaceEvents).toBe(countBefore + 1);
    expect(await store.read(async (repos) => await repos.audit.count(a.id))).toBe(
      await sqlOf(store).count('audit_events', 'workspace_id = ?', a.id),
    );
  });

  it('two workspaces writing concurrently keep gapless sequences each', async () => {
    const { store, a, b } = await twoWorkspaces();
    const base = { a: (await store.auditHeads(a.id))[0]?.head?.sequence ?? 0, b: (await store.auditHeads(b.id))[0]?.head?.sequence ?? 0 };
    const n = 40;
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        await append(store, a.id, i);
        await append(store, b.id, i);
      }),
    );
    for (const [id, start] of [
      [a.id, base.a],
      [b.id, base.b],
    ] as const) {
      const sequences = (
        await sqlOf(store).all<{ sequence: number }>('SELECT sequence FROM audit_events WHERE chain = ? ORDER BY sequence', id)
      ).map((row) => row.sequence);
      expect(sequences).toEqual(Array.from({ length: start + n }, (_, i) => i + 1));
    }
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it('two processes writing two workspaces of one store at once keep each chain gapless and intact', async () => {
    const dir = tempDir();
    const dbPath = TEST_STORE_KIND === 'sqlite' ? join(dir, 'aims.db') : await freshPgDatabase();
    const setup = TEST_STORE_KIND === 'sqlite' ? SqliteStore.open(dbPath) : await PgStore.open(dbPath);
    const directory = directoryFor(setup);
    const a = (await directory.contact({ platform: 'slack', workspaceExternalId: 'TA', userExternalId: 'U1' })).workspace;
    const b = (await directory.contact({ platform: 'slack', workspaceExternalId: 'TB', userExternalId: 'U2' })).workspace;
    const heads = {
      [a.id]: (await setup.auditHeads(a.id))[0]?.head?.sequence ?? 0,
      [b.id]: (await setup.auditHeads(b.id))[0]?.head?.sequence ?? 0,
    };
    await setup.close();
    const perWriter = 100;
    const writer = join(import.meta.dirname, '../helpers/audit-writer.ts');
    const run = (label: string, workspaceId: number) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', writer, dbPath, String(perWriter), label, String(workspaceId)], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${label} exited ${code}: ${stderr}`))));
      });
    await Promise.all([run('a', a.id), run('b', b.id)]);
    const store = TEST_STORE_KIND === 'sqlite' ? SqliteStore.open(dbPath) : await PgStore.open(dbPath);
    stores.push(store);
    const verified = await store.verifyAudit();
    expect(verified.ok).toBe(true);
    for (const id of [a.id, b.id])
      expect(verified.chains.find((c) => c.chain === id)).toMatchObject({ ok: true, events: (heads[id] ?? 0) + perWriter });
  });
});

describe('the pure segment verifier (core/audit-chain-verify.ts)', () => {
  it("verifies a chain's events given the hash before the first, and names the first bad one", async () => {
    const { store, a } = await twoWorkspaces();
    for (let i = 0; i < 6; i++) await append(store, a.id, i);
    const rows = await sqlOf(store).all<Record<string, unknown>>('SELECT * FROM audit_events WHERE chain = ? ORDER BY sequence', a.id);
    const records: AuditEventRecord[] = rows.map((row) => ({
      sequence: Number(row.sequence),
      at: String(row.at),
      workspaceId: row.workspace_id === null ? null : Number(row.workspace_id),
      actorPersonId: row.actor_person_id === null ? null : Number(row.actor_person_id),
      actor: String(row.actor),
      action: String(row.action),
      subject: String(row.subject),
      payload: String(row.payload),
      previousHash: String(row.previous_hash),
      hash: String(row.hash),
    }));
    expect(verifyChainSegment(records, GENESIS_HASH)).toEqual({
      ok: true,
      events: records.length,
      head: { sequence: records.length, hash: records.at(-1)?.hash },
    });
    // A segment from the middle verifies on its own, given the hash before it.
    const segment = records.slice(2, 5);
    expect(verifyChainSegment(segment, records[1]!.hash, { workspaceId: a.id })).toMatchObject({ ok: true, events: 3 });
    expect(verifyChainSegment(segment, records[0]!.hash)).toMatchObject({ ok: false, firstBadSequence: 3 });
    // A line deleted, a byte changed, an event of another workspace: each named.
    expect(verifyChainSegment([segment[0]!, segment[2]!], records[1]!.hash)).toMatchObject({ ok: false, firstBadSequence: 5 });
    expect(
      verifyChainSegment([{ ...segment[0]!, payload: segment[0]!.payload.replace('thing', 'thinq') }], records[1]!.hash),
    ).toMatchObject({
      ok: false,
      firstBadSequence: 3,
      reason: 'hash does not match the recorded content',
    });
    expect(verifyChainSegment(segment, records[1]!.hash, { workspaceId: a.id + 1 })).toMatchObject({ ok: false, firstBadSequence: 3 });
  });
});

/** The migrations before per-workspace chains, in a folder of their own (their journal cut before ours). */
function oldMigrations(folder: string): string {
  const dir = join(tempDir(), 'migrations');
  cpSync(folder, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
  const cut = journal.entries.findIndex((entry) => entry.tag.endsWith('audit_chains'));
  expect(cut).toBeGreaterThan(0);
  for (const entry of journal.entries.slice(cut)) rmSync(join(dir, `${entry.tag}.sql`));
  journal.entries = journal.entries.slice(0, cut);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

/** What the bot wrote before the cut-over: one global chain over every workspace's events. */
function legacyEvents(workspaces: number[], count: number) {
  const out: Array<Record<string, unknown>> = [];
  let previous = GENESIS_HASH;
  for (let sequence = 1; sequence <= count; sequence++) {
    const workspaceId = sequence % 5 === 0 ? null : (workspaces[sequence % workspaces.length] ?? null);
    const fields = {
      sequence,
      at: TEST_NOW,
      workspaceId,
      actorPersonId: null,
      actor: 'old',
      action: 'old.event',
      subject: `old:${sequence}`,
    };
    const payload = canonicalJson({ ...fields, before: null, after: { sequence } });
    const hash = chainHash(previous, payload);
    out.push({ ...fields, payload, previousHash: previous, hash });
    previous = hash;
  }
  return out;
}

const INSERT_WORKSPACE = 'INSERT INTO workspaces (id, platform, external_id, name, created_at) VALUES ($1, $2, $3, $4, $5)';
const INSERT_LEGACY =
  'INSERT INTO audit_events (sequence, at, workspace_id, actor_person_id, actor, action, subject, payload, previous_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)';
const legacyValues = (e: Record<string, unknown>) => [
  e.sequence,
  e.at,
  e.workspaceId,
  e.actorPersonId,
  e.actor,
  e.action,
  e.subject,
  e.payload,
  e.previousHash,
  e.hash,
];

/** A store in the old format (built with the migrations before ours), with a global chain of `count` events; then opened (migrated). */
async function migratedStore(count: number): Promise<{ store: GovernanceStore; legacy: Array<Record<string, unknown>> }> {
  const legacy = legacyEvents([1, 2], count);
  const workspaces = [
    [1, 'slack', 'TOLD1', 'Old one', TEST_NOW],
    [2, 'slack', 'TOLD2', 'Old two', TEST_NOW],
  ];
  if (TEST_STORE_KIND === 'sqlite') {
    const path = join(tempDir(), 'old.db');
    const handle = openDatabase(path);
    applyMigrations(handle.sqlite, oldMigrations(MIGRATIONS_FOLDER));
    const sqlite = (text: string) => text.replace(/\$\d+/g, '?');
    for (const w of workspaces) handle.sqlite.prepare(sqlite(INSERT_WORKSPACE)).run(...w);
    for (const e of legacy) handle.sqlite.prepare(sqlite(INSERT_LEGACY)).run(...legacyValues(e));
    handle.close();
    const store = SqliteStore.open(path);
    stores.push(store);
    return { store, legacy };
  }
  const url = await freshPgDatabase();
  const database = openPgDatabase(url);
  await applyPgMigrations(database.pool, oldMigrations(PG_MIGRATIONS_FOLDER));
  await database.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const w of workspaces) await client.query(INSERT_WORKSPACE, w);
    for (const e of legacy) await client.query(INSERT_LEGACY, legacyValues(e));
    await client.query("SELECT setval(pg_get_serial_sequence('workspaces', 'id'), 2)");
  } finally {
    await client.end();
  }
  const store = await PgStore.open(url);
  trackTestStore(store, url);
  stores.push(store);
  return { store, legacy };
}

describe('a store migrated from the one global chain', () => {
  it('verifies: the old segment as it was, then each chain from a genesis event naming the global head, then the new events', async () => {
    const { store, legacy } = await migratedStore(23);
    const last = legacy.at(-1)!;
    const legacyHead = { sequence: 23, hash: String(last.hash) };
    // The cut-over wrote one genesis event per workspace and one for the system chain, each continuing from the global head.
    const genesis = await sqlOf(store).all<{ chain: number; sequence: number; previous_hash: string; payload: string; action: string }>(
      'SELECT chain, sequence, previous_hash, payload, action FROM audit_events WHERE chain <> ? ORDER BY chain, sequence',
      LEGACY_CHAIN,
    );
    expect(genesis.map((g) => [g.chain, g.sequence, g.action, g.previous_hash])).toEqual([
      [SYSTEM_CHAIN, 1, CHAIN_STARTED, legacyHead.hash],
      [1, 1, CHAIN_STARTED, legacyHead.hash],
      [2, 1, CHAIN_STARTED, legacyHead.hash],
    ]);
    const legacyOf = (id: number | null) => legacy.filter((e) => e.workspaceId === id).length;
    for (const g of genesis)
      expect(JSON.parse(g.payload)).toMatchObject({
        after: { continuesFrom: legacyHead, legacyEvents: legacyOf(g.chain === SYSTEM_CHAIN ? null : g.chain) },
      });
    // Counts carry the workspace's events of the global chain on, from the chain's sequence.
    expect(await store.read(async (repos) => await repos.audit.count(1))).toBe(legacyOf(1) + 1);

    for (let i = 0; i < 3; i++) await append(store, 1, i);
    await append(store, 2, 0);
    // A workspace that arrives after the cut-over starts from a genesis event too.
    const late = (await directoryFor(store).contact({ platform: 'teams', workspaceExternalId: 'tenant-new', userExternalId: 'U9' }))
      .workspace;
    const verified = await store.verifyAudit();
    expect(verified.ok).toBe(true);
    expect(verified.chains.map((c) => [c.chain, c.ok, c.events])).toEqual([
      [LEGACY_CHAIN, true, 23],
      [SYSTEM_CHAIN, true, 1],
      [1, true, 4],
      [2, true, 2],
      [late.id, true, expect.any(Number)],
    ]);
    expect(verified.chains[0]).toMatchObject({ label: 'global chain (before per-workspace chains)', head: legacyHead });
    expect(await sqlOf(store).get('SELECT action, previous_hash FROM audit_events WHERE chain = ? AND sequence = 1', late.id)).toEqual({
      action: CHAIN_STARTED,
      previous_hash: legacyHead.hash,
    });
    expect(await store.read(async (repos) => await repos.audit.count(1))).toBe(legacyOf(1) + 4);
    // Reopening (another start) adds nothing.
    const before = await sqlOf(store).count('audit_events');
    if (store instanceof SqliteStore) {
      const again = SqliteStore.open(store.describe().replace(/^sqlite /, ''));
      again.close();
    } else {
      expect(await (store as PgStore).startChains()).toBe(0);
    }
    expect(await sqlOf(store).count('audit_events')).toBe(before);
    // With --workspace, that chain is walked after the global chain it continues.
    expect((await store.verifyAudit(1)).chains.map((c) => c.chain)).toEqual([LEGACY_CHAIN, 1]);
  });

  it('fails when the global chain is cut after the cut-over (the genesis events name a head it no longer ends at)', async () => {
    const { store } = await migratedStore(10);
    expect(await sqlOf(store).run('DELETE FROM audit_events WHERE chain = ? AND sequence = 10', LEGACY_CHAIN)).toBe(1);
    const verified = await store.verifyAudit();
    expect(verified.chains.find((c) => c.chain === LEGACY_CHAIN)).toMatchObject({ ok: true, events: 9 });
    expect(verified.chains.find((c) => c.chain === 1)).toMatchObject({
      ok: false,
      firstBadSequence: 1,
      reason: expect.stringContaining('but the global chain ends at #9'),
    });
  });

  it('fails when an old event is changed, naming the global chain and the sequence', async () => {
    const { store } = await migratedStore(10);
    await sqlOf(store).run("UPDATE audit_events SET actor = 'mallory' WHERE chain = ? AND sequence = 4", LEGACY_CHAIN);
    const { code, out } = await verifyOutput(store);
    expect(code).toBe(1);
    expect(out).toContain(
      'FAILED: audit global chain (before per-workspace chains) broken at sequence 4: column actor differs from the recorded content',
    );
  });
});
