import { createHash } from 'node:crypto';
import { SegmentReader, type SegmentCheck } from './audit-segment.ts';
import { LEGACY_FILE, LegacyReader, type LegacyCheck, type LegacySummary } from './legacy-segment.ts';
import { PACK_FORMAT, signedText, type PackManifest } from './pack-manifest.ts';
import { publicKeyOf, verifyText } from './pack-signature.ts';
import {
  bytesSource,
  fileSource,
  LineSplitter,
  readCentralDirectory,
  readEntry,
  streamEntry,
  ZipFormatError,
  type ZipEntryInfo,
  type ZipSource,
} from './pack-zip-reader.ts';
/** One check of `aims audit verify --pack`, named for the auditor. */
export interface PackCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface PackVerdict {
  ok: boolean;
  signed: boolean;
  checks: PackCheck[];
}

/** manifest.json is read whole (it names every file and citation): refused above this size. */
const MANIFEST_LIMIT = 64 * 2 ** 20;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Checks an evidence pack with nothing but the zip (and the public key the auditor was given): every
 * file's sha256 and size, the manifest's signature, the chain segment's continuity, the events of the
 * global chain from before per-workspace chains (legacy-audit-log.jsonl, when there is one), and that
 * every record the PDF cites is an event of the segment.
 */
export function verifyEvidencePack(zip: Uint8Array, publicKeyText?: string): PackVerdict {
  return verifyPackSource(bytesSource(zip), publicKeyText);
}

/**
 * The same check on a pack file, read from its file handle: the zip's central directory from its end,
 * then each entry streamed through the inflater and hashed as it goes, audit-log.jsonl checked a line at
 * a time, so memory stays bounded whatever the size of the pack. Throws when the file cannot be opened.
 */
export function verifyEvidencePackFile(path: string, publicKeyText?: string): PackVerdict {
  const source = fileSource(path);
  try {
    return verifyPackSource(source, publicKeyText);
  } finally {
    source.close();
  }
}

const DAY_MS = 86_400_000;
/** The manifest's period (days, both included) as [from, to) instants. */
function periodOf(period: { from: string; to: string }): { from: string; to: string } {
  const to = Date.parse(`${period.to}T00:00:00.000Z`);
  return { from: `${period.from}T00:00:00.000Z`, to: Number.isNaN(to) ? '' : new Date(to + DAY_MS).toISOString() };
}

/** Streams a text entry's bytes to a line reader, naming a file that is not UTF-8. */
function lineFeed(reader: { line(text: string, lineNo: number): void }): {
  push(chunk: Uint8Array): void;
  end(): { lines: number; problem?: string };
} {
  let lines = 0;
  let problem: string | undefined;
  const splitter = new LineSplitter((text, lineNo) => {
    lines = lineNo;
    reader.line(text, lineNo);
  });
  return {
    push: (chunk) => {
      if (problem !== undefined) return;
      try {
        splitter.push(chunk);
      } catch {
        problem = `not UTF-8 text after line ${lines}`;
      }
    },
    end: () => {
      if (problem === undefined)
        try {
          splitter.end();
        } catch {
          problem = `not UTF-8 text after line ${lines}`;
        }
      return problem === undefined ? { lines } : { lines, problem };
    },
  };
}

/** The check over any ZipSource (a file handle, bytes in memory). */
export function verifyPackSource(source: ZipSource, publicKeyText: string | undefined): PackVerdict {
  const checks: PackCheck[] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const verdict = (signed: boolean): PackVerdict => ({ ok: checks.every((c) => c.ok), signed, checks });
  let entries: ZipEntryInfo[];
  try {
    entries = readCentralDirectory(source);
  } catch (error) {
    add('zip', false, error instanceof ZipFormatError ? error.message : `not a readable zip (${messageOf(error)})`);
    return verdict(false);
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name)) add(entry.name, false, 'appears more than once in the zip');
    seen.add(entry.name);
  }
  const manifestEntry = entries.find((entry) => entry.name === 'manifest.json');
  if (!manifestEntry) {
    add('manifest.json', false, 'missing');
    return verdict(false);
  }
  let manifest: PackManifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(readEntry(source, manifestEntry, MANIFEST_LIMIT))) as PackManifest;
    if (manifest.format !== PACK_FORMAT || !Array.isArray(manifest.files)) throw new Error(`not ${PACK_FORMAT}`);
  } catch (error) {
    add('manifest.json', false, `unreadable: ${messageOf(error)}`);
    return verdict(false);
  }

  // Signature first: it says whether the rest of the manifest can be trusted at all.
  const signed = manifest.signature !== null && manifest.signature !== undefined;
  if (!signed) {
    add(
      'signature',
      publicKeyText === undefined,
      publicKeyText === undefined
        ? 'UNSIGNED pack: the files agree with the manifest, but nothing proves who made it'
        : 'the pack is unsigned, but a public key was given',
    );
  } else {
    const given = publicKeyText === undefined ? undefined : publicKeyOf(publicKeyText);
    const key = publicKeyText === undefined ? publicKeyOf(manifest.signature?.publicKey ?? '') : given;
    if (publicKeyText !== undefined && !given) add('signature', false, '--public-key is not a base64 Ed25519 public key');
    else if (!key) add('signature', false, 'manifest.json names no readable public key');
    else if (!verifyText(signedText(manifest), manifest.signature?.value ?? '', key))
      add(
        'signature',
        false,
        publicKeyText === undefined
          ? 'manifest.json does not match its signature (changed after signing)'
          : 'manifest.json was not signed by the given public key, or changed after signing',
      );
    else
      add(
        'signature',
        true,
        publicKeyText === undefined
          ? 'signed by the key the manifest names (pass --public-key to check it is the organisation’s)'
          : 'signed by the given public key',
      );
  }

  // Every file but the manifest, streamed once: hashed and counted, the two logs checked line by line.
  // Only the events the manifest cites are kept from audit-log.jsonl.
  const cited = new Set((manifest.citations ?? []).map((c) => c.sequence));
  const segmentReader = new SegmentReader((sequence) => cited.has(sequence));
  const legacyReader = new LegacyReader(manifest.workspace?.id ?? Number.NaN, periodOf(manifest.period ?? { from: '', to: '' }));
  let segment: SegmentCheck | undefined;
  let legacy: LegacyCheck | undefined;
  const fileChecks = new Map<string, PackCheck>();
  const listed = new Map(manifest.files.map((f) => [f.name, f]));
  for (const entry of entries) {
    if (entry.name === 'manifest.json' || fileChecks.has(entry.name)) continue;
    const reader = entry.name === 'audit-log.jsonl' ? segmentReader : entry.name === LEGACY_FILE ? legacyReader : undefined;
    const feed = reader ? lineFeed(reader) : undefined;
    const hash = createHash('sha256');
    let size = 0;
    const check = (ok: boolean, detail: string) => fileChecks.set(entry.name, { name: entry.name, ok, detail });
    try {
      streamEntry(source, entry, (chunk) => {
        hash.update(chunk);
        size += chunk.length;
        feed?.push(chunk);
      });
    } catch (error) {
      check(false, `not readable in the zip (${messageOf(error)})`);
      if (reader) {
        const result = { ok: false as const, problem: `${entry.name}: not readable in the zip` };
        if (reader === segmentReader) segment = result;
        else legacy = result;
      }
      continue;
    }
    if (feed && reader) {
      const fed = feed.end();
      if (reader === segmentReader)
        segment = fed.problem ? { ok: false, problem: `${entry.name}: ${fed.problem}` } : segmentReader.end(fed.lines);
      else legacy = fed.problem ? { ok: false, problem: `${entry.name}: ${fed.problem}` } : legacyReader.end(fed.lines);
    }
    const file = listed.get(entry.name);
    const sha = hash.digest('hex');
    if (!file) check(false, 'in the zip but not listed in manifest.json');
    else if (size !== file.size) check(false, `size ${size}, manifest says ${file.size}`);
    else if (sha !== file.sha256) check(false, `sha256 ${sha} differs from the manifest's ${file.sha256}`);
    else check(true, `sha256 ${sha.slice(0, 16)}…, ${size} bytes`);
  }
  for (const file of manifest.files) {
    const found = fileChecks.get(file.name);
    if (found) checks.push(found);
    else add(file.name, false, 'listed in manifest.json but missing from the zip');
  }
  for (const [name, found] of fileChecks) if (!listed.has(name)) checks.push(found);

  if (!segment) add('audit-log.jsonl chain', false, 'missing');
  else if (!segment.ok) add('audit-log.jsonl chain', false, segment.problem);
  else {
    const { summary } = segment;
    const same = (a: { sequence: number; hash: string } | null, b: { sequence: number; hash: string } | null | undefined) =>
      (a === null && (b === null || b === undefined)) ||
      (a !== null && b !== null && b !== undefined && a.sequence === b.sequence && a.hash === b.hash);
    if (summary.workspaceId !== manifest.workspace.id)
      add('audit-log.jsonl chain', false, `events of workspace #${summary.workspaceId}, manifest says #${manifest.workspace.id}`);
    else if (summary.events !== manifest.chain.events)
      add('audit-log.jsonl chain', false, `${summary.events} event(s), manifest says ${manifest.chain.events}`);
    else if (
      !same(summary.first, manifest.chain.first) ||
      !same(summary.last, manifest.chain.last) ||
      summary.previousHash !== manifest.chain.previousHash
    )
      add('audit-log.jsonl chain', false, 'first or last event, or the preceding hash, differ from the manifest');
    else
      add(
        'audit-log.jsonl chain',
        true,
        summary.first && summary.last
          ? `${summary.events} event(s) #${summary.first.sequence} to #${summary.last.sequence}, each linked to the one before`
          : 'no event in the period',
      );
  }
  checkLegacy(add, manifest.legacy, legacy, segment);
  if (!segment?.ok) return verdict(signed);

  const missing = (manifest.citations ?? []).filter((c) => {
    const event = segment.events.get(c.sequence);
    return !event || event.hash !== c.hash || event.subject !== c.subject || event.action !== c.action;
  });
  add(
    'citations',
    missing.length === 0,
    missing.length === 0
      ? `${manifest.citations.length} record(s) cited in index.pdf are events of the segment`
      : `not in the segment: ${missing
          .slice(0, 5)
          .map((c) => `${c.subject} (event #${c.sequence}, ${c.requirement})`)
          .join(', ')}`,
  );
  return verdict(signed);
}

const NAME = `${LEGACY_FILE} chain`;

/** legacy-audit-log.jsonl against its manifest entry and the segment (whose first event, when it is #1, is the genesis event). */
function checkLegacy(
  add: (name: string, ok: boolean, detail: string) => void,
  described: LegacySummary | undefined,
  legacy: LegacyCheck | undefined,
  segment: SegmentCheck | undefined,
): void {
  if (!legacy) {
    if (described) add(NAME, false, 'missing (manifest.json describes it)');
    return;
  }
  if (!legacy.ok) return add(NAME, false, legacy.problem);
  const found = legacy.summary;
  if (!described) return add(NAME, false, 'in the zip but manifest.json does not describe it');
  const same = (a: { sequence: number; hash: string }, b: { sequence?: number; hash?: string } | undefined) =>
    a.sequence === b?.sequence && a.hash === b.hash;
  if (
    !same(found.genesis, described.genesis) ||
    !same(found.continuesFrom, described.continuesFrom) ||
    found.legacyEvents !== described.legacyEvents ||
    found.events !== described.events ||
    found.links !== described.links
  )
    return add(NAME, false, 'its genesis event, global head or counts differ from the manifest');
  const first = segment?.ok ? segment.summary.first : null;
  if (first?.sequence === 1 && first.hash !== found.genesis.hash)
    return add(NAME, false, "its genesis event is not audit-log.jsonl's event #1");
  add(
    NAME,
    true,
    `${found.legacyEvents} event(s) of the workspace in the global chain before per-workspace chains, as its chain's genesis event records (` +
      `${found.events} in the period, each hash recomputed; ${found.links} outside it, as links), up to the global head #${found.continuesFrom.sequence}. ` +
      "Not provable without the other workspaces' events: that none of this workspace's was removed between two lines and replaced",
  );
}
