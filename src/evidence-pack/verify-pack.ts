import { createHash } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { verifyAuditSegment } from './audit-segment.ts';
import { PACK_FORMAT, signedText, type PackManifest } from './pack-manifest.ts';
import { publicKeyOf, verifyText } from './pack-signature.ts';

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

/**
 * Checks an evidence pack with nothing but the zip (and the public key the auditor was given): every
 * file's sha256 and size, the manifest's signature, the chain segment's continuity, and that every
 * record the PDF cites is an event of the segment.
 */
export function verifyEvidencePack(zip: Uint8Array, publicKeyText?: string): PackVerdict {
  const checks: PackCheck[] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const verdict = (signed: boolean): PackVerdict => ({ ok: checks.every((c) => c.ok), signed, checks });
  // One entry inflated at a time (fflate's filter): the central directory lists the names, each file
  // is hashed and dropped, and only manifest.json and audit-log.jsonl are kept to be read.
  let names: string[];
  let entries: Record<string, Uint8Array>;
  try {
    names = [];
    entries = unzipSync(zip, {
      filter: (file) => {
        names.push(file.name);
        return file.name === 'manifest.json' || file.name === 'audit-log.jsonl';
      },
    });
  } catch (error) {
    add('zip', false, `not a readable zip (${error instanceof Error ? error.message : String(error)})`);
    return verdict(false);
  }
  const manifestBytes = entries['manifest.json'];
  if (!manifestBytes) {
    add('manifest.json', false, 'missing');
    return verdict(false);
  }
  let manifest: PackManifest;
  try {
    manifest = JSON.parse(strFromU8(manifestBytes)) as PackManifest;
    if (manifest.format !== PACK_FORMAT || !Array.isArray(manifest.files)) throw new Error(`not ${PACK_FORMAT}`);
  } catch (error) {
    add('manifest.json', false, `unreadable: ${error instanceof Error ? error.message : String(error)}`);
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

  const listed = new Set(manifest.files.map((f) => f.name));
  const present = new Set(names);
  for (const file of manifest.files) {
    let bytes: Uint8Array | undefined;
    try {
      bytes = present.has(file.name)
        ? (entries[file.name] ?? unzipSync(zip, { filter: (f) => f.name === file.name })[file.name])
        : undefined;
    } catch (error) {
      add(file.name, false, `not readable in the zip (${error instanceof Error ? error.message : String(error)})`);
      continue;
    }
    if (!bytes) {
      add(file.name, false, 'listed in manifest.json but missing from the zip');
      continue;
    }
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (bytes.length !== file.size) add(file.name, false, `size ${bytes.length}, manifest says ${file.size}`);
    else if (sha !== file.sha256) add(file.name, false, `sha256 ${sha} differs from the manifest's ${file.sha256}`);
    else add(file.name, true, `sha256 ${sha.slice(0, 16)}…, ${bytes.length} bytes`);
  }
  for (const name of present)
    if (name !== 'manifest.json' && !listed.has(name)) add(name, false, 'in the zip but not listed in manifest.json');

  const log = entries['audit-log.jsonl'];
  if (!log) {
    add('audit-log.jsonl chain', false, 'missing');
    return verdict(signed);
  }
  const segment = verifyAuditSegment(strFromU8(log));
  if (!segment.ok) {
    add('audit-log.jsonl chain', false, segment.problem);
    return verdict(signed);
  }
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
