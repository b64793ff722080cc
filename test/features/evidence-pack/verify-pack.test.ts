import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, Zip, ZipPassThrough, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvidencePack } from '../../../src/evidence-pack/build-pack.ts';
import { LEGACY_FILE } from '../../../src/evidence-pack/legacy-segment.ts';
import type { PackManifest } from '../../../src/evidence-pack/pack-manifest.ts';
import { generateSigningKeys, privateKeyOf } from '../../../src/evidence-pack/pack-signature.ts';
import { bytesSource, readCentralDirectory, type ZipSource } from '../../../src/evidence-pack/pack-zip-reader.ts';
import { verifyPackSource } from '../../../src/evidence-pack/verify-pack.ts';
import { features } from '../../../src/features/index.ts';
import type { GovernanceStore } from '../../../src/store/governance-store.ts';
import { legacyChain, storeWithLegacyChain, type LegacyEvent } from '../../helpers/legacy-chain-store.ts';
import { runAims } from '../../helpers/run-aims.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

/**
 * `aims audit verify --pack` as an auditor meets it: packs of workspace A from a store migrated from the
 * one global chain (so they hold legacy-audit-log.jsonl), checked from the file; every way the zip or its
 * files can be wrong fails naming what.
 */
const A = 1;
const B = 2;
// Global sequence s: of A when s % 4 is 1 or 2, of B when 3, of no workspace when 0; stamped on 2026-01-s.
const WORKSPACE_OF = [null, A, A, B] as const;
const legacy: LegacyEvent[] = legacyChain(
  23,
  (s) => WORKSPACE_OF[s % 4] ?? null,
  (s) => `2026-01-${String(s).padStart(2, '0')}T10:00:00.000Z`,
);
const ofA = legacy.filter((e) => e.workspaceId === A);
const ofB = legacy.filter((e) => e.workspaceId === B);
const head = legacy.at(-1)!;
const keys = generateSigningKeys();
const dir = mkdtempSync(join(tmpdir(), 'aims-verify-'));
let store: GovernanceStore;
let cleanup: () => void;
/** Only 2026-01-05 to 2026-01-15 of the global chain; nothing of A's own chain (its events came later). */
let part: { path: string; manifest: PackManifest };
/** Everything: the global chain's events of A in full, A's chain from its genesis event. */
let all: { path: string; manifest: PackManifest };

async function pack(name: string, from: string, to: string): Promise<{ path: string; manifest: PackManifest }> {
  const path = join(dir, name);
  const manifest = await buildEvidencePack(store, {
    workspaceId: A,
    from,
    to,
    out: path,
    now: new Date(),
    signingKey: privateKeyOf(keys.privateKey),
    features,
  });
  return { path, manifest };
}

const verify = async (path: string) => await runAims(['audit', 'verify', '--pack', path, '--public-key', keys.publicKey]);

/** A copy of `path` with `change` applied to its files, zipped again (the zip itself sound). */
function repacked(path: string, name: string, change: (files: Record<string, Uint8Array>) => void): string {
  const files = unzipSync(readFileSync(path));
  change(files);
  const out = join(dir, name);
  writeFileSync(out, zipSync(files));
  return out;
}
/** A copy of the pack whose legacy-audit-log.jsonl lines went through `change`. */
const legacyChanged = (path: string, name: string, change: (lines: string[]) => string[]) =>
  repacked(path, name, (files) => {
    const lines = strFromU8(files[LEGACY_FILE]!).trimEnd().split('\n');
    files[LEGACY_FILE] = strToU8(`${change(lines).join('\n')}\n`);
  });
const written = (name: string, bytes: Uint8Array | string): string => {
  const out = join(dir, name);
  writeFileSync(out, bytes);
  return out;
};

beforeAll(async () => {
  ({ store, cleanup } = await storeWithLegacyChain(
    [
      [A, 'slack', 'T0OLDA', 'Old Acme'],
      [B, 'slack', 'T0OLDB', 'Old Bravo'],
    ],
    legacy,
  ));
  // A's own chain goes on after the cut-over.
  for (let i = 0; i < 3; i++)
    await store.write(async (repos) => {
      await repos.audit.append(
        { workspaceId: A, actorPersonId: null, actor: 'test', action: 'test.event', subject: `thing:${i}`, before: null, after: { i } },
        new Date().toISOString(),
      );
    });
  part = await pack('part.zip', '2026-01-05', '2026-01-15');
  all = await pack('all.zip', '2020-01-01', '2099-12-31');
}, 120_000);
afterAll(async () => {
  await store.close();
  cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('legacy-audit-log.jsonl: the workspace’s events from before per-workspace chains', () => {
  it("holds A's events of the global chain, in the period in full and outside it as links, with A's genesis event; verifies OK", async () => {
    const genesis = (await sqlOf(store).get<{ hash: string; payload: string }>(
      'SELECT hash, payload FROM audit_events WHERE chain = ? AND sequence = 1',
      A,
    ))!;
    expect(JSON.parse(genesis.payload)).toMatchObject({ action: 'audit.chain_started', after: { legacyEvents: ofA.length } });
    const inPeriod = ofA.filter((e) => e.at >= '2026-01-05' && e.at < '2026-01-16');
    expect(inPeriod.map((e) => e.sequence)).toEqual([5, 6, 9, 10, 13, 14]);
    expect(part.manifest.legacy).toEqual({
      genesis: { sequence: 1, hash: genesis.hash },
      continuesFrom: { sequence: head.sequence, hash: head.hash },
      legacyEvents: ofA.length,
      events: inPeriod.length,
      links: ofA.length - inPeriod.length,
    });
    expect(part.manifest.files.map((f) => f.name)).toContain(LEGACY_FILE);
    const lines = strFromU8(unzipSync(readFileSync(part.path))[LEGACY_FILE]!)
      .trimEnd()
      .split('\n');
    expect(lines).toHaveLength(1 + ofA.length);
    expect(JSON.parse(lines[0]!)).toMatchObject({ legacy: { workspaceId: A, genesis: { sequence: 1, hash: genesis.hash } } });
    const body = lines.slice(1).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(body.map((e) => e.sequence)).toEqual(ofA.map((e) => e.sequence));
    for (const e of body) {
      const original = legacy[Number(e.sequence) - 1]!;
      expect(e.hash).toBe(original.hash);
      expect(e.previousHash).toBe(original.previousHash);
      if (inPeriod.includes(original)) expect(e.payload).toBe(original.payload);
      else expect(e).toEqual({ sequence: original.sequence, link: true, previousHash: original.previousHash, hash: original.hash });
    }
    // The period holds none of A's own chain: the segment is empty, the legacy file still verifies.
    expect(part.manifest.chain.events).toBe(0);
    const run = await verify(part.path);
    expect(run.out).toContain(
      `ok     legacy-audit-log.jsonl chain: ${ofA.length} event(s) of the workspace in the global chain before per-workspace chains, as its chain's genesis event records (6 in the period, each hash recomputed; 6 outside it, as links), up to the global head #23.`,
    );
    expect(run.out).toContain("Not provable without the other workspaces' events");
    expect(run.out.trimEnd().split('\n').at(-1)).toBe('OK');
    expect(run.code).toBe(0);
  });

  it('over the whole chain: every old event of A in full, and audit-log.jsonl starts with the same genesis event', async () => {
    expect(all.manifest.legacy).toMatchObject({ legacyEvents: ofA.length, events: ofA.length, links: 0 });
    expect(all.manifest.chain.first).toEqual(all.manifest.legacy?.genesis);
    expect(all.manifest.chain.events).toBe(4);
    const run = await verify(all.path);
    expect(run.out).toContain(`ok     legacy-audit-log.jsonl chain: ${ofA.length} event(s)`);
    expect(run.out).toMatch(/ok {5}audit-log\.jsonl chain: 4 event\(s\) #1 to #4/);
    expect(run.code).toBe(0);
  });

  it("holds nothing of B: none of B's events, content or hashes (but the global head's, which the genesis names)", () => {
    for (const packed of [part, all]) {
      const text = Object.values(unzipSync(readFileSync(packed.path)))
        .map((bytes) => strFromU8(bytes, true))
        .join('\n');
      expect(text).toContain('note of 1');
      expect(text).not.toContain('note of 2');
      expect(text).not.toContain('T0OLDB');
      expect(text).not.toContain(`"workspaceId":${B}`);
      for (const e of ofB) {
        expect(text).not.toMatch(new RegExp(`"old:${e.sequence}"`));
        if (e !== head) expect(text).not.toContain(e.hash);
      }
    }
  });

  it('fails naming the line when an old event was changed, unlinked or reordered, and the count when one was deleted', async () => {
    const cases: Array<[string, (lines: string[]) => string[], string]> = [
      [
        'deleted',
        (lines) => lines.filter((_, i) => i !== 3),
        `FAILED legacy-audit-log.jsonl chain: legacy-audit-log.jsonl: ${ofA.length - 1} event(s) of the workspace, its genesis event records ${ofA.length} in the global chain (an event is missing)`,
      ],
      [
        'changed',
        (lines) => lines.map((line) => (line.includes('"sequence":9,') ? line.replace('note of 1', 'note of 7') : line)),
        'FAILED legacy-audit-log.jsonl chain: legacy-audit-log.jsonl line 6: event #9: its hash is not the sha256 of its payload',
      ],
      [
        'unlinked',
        (lines) => lines.map((line, i) => (i === 1 ? line.replace(/"hash":"[0-9a-f]{4}/, '"hash":"0000') : line)),
        'FAILED legacy-audit-log.jsonl chain: legacy-audit-log.jsonl line 3: event #2 does not link to #1 before it (an event was changed)',
      ],
      [
        'reordered',
        (lines) => [lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)],
        'FAILED legacy-audit-log.jsonl chain: legacy-audit-log.jsonl line 3: event #1 comes after #2 (out of order or repeated)',
      ],
      [
        'other-genesis',
        (lines) => [lines[0]!.replace('"legacyEvents\\":12', '"legacyEvents\\":11'), ...lines.slice(1)],
        'FAILED legacy-audit-log.jsonl chain: legacy-audit-log.jsonl line 1: genesis event #1: its hash is not the sha256 of its payload',
      ],
    ];
    for (const [name, change, expected] of cases) {
      const path = legacyChanged(part.path, `legacy-${name}.zip`, change);
      const run = await verify(path);
      expect(run.out, name).toContain(expected);
      expect(run.out, name).toMatch(/FAILED legacy-audit-log\.jsonl: (size|sha256) /);
      expect(run.code, name).toBe(1);
    }
  });

  it('fails when the legacy file is missing from the zip', async () => {
    const gone = await verify(repacked(part.path, 'legacy-gone.zip', (files) => delete files[LEGACY_FILE]));
    expect(gone.out).toContain('FAILED legacy-audit-log.jsonl: listed in manifest.json but missing from the zip');
    expect(gone.out).toContain('FAILED legacy-audit-log.jsonl chain: missing (manifest.json describes it)');
    expect(gone.code).toBe(1);
  });
});

describe('aims audit verify --pack: the zip itself', () => {
  it('reads the file in bounded chunks, never whole', () => {
    const bytes = readFileSync(all.path);
    let largest = 0;
    const inner = bytesSource(bytes);
    const counting: ZipSource = {
      size: inner.size,
      read: (buffer, position) => {
        largest = Math.max(largest, buffer.length);
        return inner.read(buffer, position);
      },
      close: () => inner.close(),
    };
    expect(verifyPackSource(counting, keys.publicKey).ok).toBe(true);
    // The end record (22 bytes: no comment), the central directory, then each entry's data by chunks of 64 KiB.
    const directory = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 22 + 12, true);
    expect(largest).toBeLessThanOrEqual(Math.max(64 * 1024, directory));
    expect(largest).toBeLessThan(bytes.length);
  });

  it('fails naming what when the file is not a zip, empty, or cut short', async () => {
    const whole = readFileSync(part.path);
    const cases: Array<[string, Uint8Array | string, string]> = [
      ['not-a-zip.zip', 'this is a text file, not a zip at all, but long enough to be looked at', 'FAILED zip: not a zip (no zip header'],
      ['empty.zip', '', 'FAILED zip: not a zip: the file is empty'],
      ['short.zip', 'PK', 'FAILED zip: not a zip: too short'],
      [
        'cut-end.zip',
        whole.subarray(0, whole.length - 10),
        'FAILED zip: truncated zip: it starts as a zip but has no central directory at its end',
      ],
      ['cut-half.zip', whole.subarray(0, Math.floor(whole.length / 2)), 'FAILED zip: truncated zip'],
    ];
    for (const [name, bytes, expected] of cases) {
      const run = await verify(written(name, bytes));
      expect(run.out, name).toContain(expected);
      expect(run.out.trimEnd().split('\n').at(-1), name).toBe('FAILED: zip');
      expect(run.code, name).toBe(1);
    }
    expect(await runAims(['audit', 'verify', '--pack', join(dir, 'nowhere.zip')])).toMatchObject({ code: 2 });
  });

  it("fails naming the file when its compressed bytes were damaged in place (the zip's own CRC or inflate)", async () => {
    const bytes = new Uint8Array(readFileSync(all.path));
    const entry = readCentralDirectory(bytesSource(bytes)).find((e) => e.name === 'audit-log.jsonl')!;
    const view = new DataView(bytes.buffer);
    const dataStart = entry.localOffset + 30 + view.getUint16(entry.localOffset + 26, true) + view.getUint16(entry.localOffset + 28, true);
    const at = dataStart + Math.floor(entry.compressedSize / 2);
    bytes[at] = bytes[at]! ^ 0x10;
    const run = await verify(written('damaged.zip', bytes));
    expect(run.out).toMatch(
      /FAILED audit-log\.jsonl: not readable in the zip \(audit-log\.jsonl(: CRC-32 differs| does not inflate|'s compressed data| inflates to)/,
    );
    expect(run.out).toContain('FAILED audit-log.jsonl chain: audit-log.jsonl: not readable in the zip');
    expect(run.code).toBe(1);
  });

  it('fails naming a file missing from the zip, one added to it, and one given twice', async () => {
    const missing = await verify(repacked(all.path, 'missing.zip', (files) => delete files['incident.csv']));
    expect(missing.out).toContain('FAILED incident.csv: listed in manifest.json but missing from the zip');
    expect(missing.out.trimEnd().split('\n').at(-1)).toBe('FAILED: incident.csv');
    const added = await verify(repacked(all.path, 'added.zip', (files) => (files['extra.txt'] = strToU8('hello'))));
    expect(added.out).toContain('FAILED extra.txt: in the zip but not listed in manifest.json');
    const noManifest = await verify(repacked(all.path, 'no-manifest.zip', (files) => delete files['manifest.json']));
    expect(noManifest.out).toContain('FAILED manifest.json: missing');
    // Twice: a second audit-log.jsonl in the zip's directory (fflate's Zip writes what it is given).
    const chunks: Uint8Array[] = [];
    const zip = new Zip((error, chunk) => {
      if (error) throw error;
      chunks.push(chunk);
    });
    const files = unzipSync(readFileSync(all.path));
    for (const [name, data] of [...Object.entries(files), ['audit-log.jsonl', files['audit-log.jsonl']!] as const]) {
      const file = new ZipPassThrough(name);
      zip.add(file);
      file.push(data, true);
    }
    zip.end();
    const twice = await verify(written('twice.zip', Buffer.concat(chunks)));
    expect(twice.out).toContain('FAILED audit-log.jsonl: appears more than once in the zip');
    expect(twice.code).toBe(1);
  });
});
