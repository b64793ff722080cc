import { readFileSync } from 'node:fs';
import type { ExpectedHead } from '../core/audit.ts';
import type { GovernanceStore } from '../store/governance-store.ts';
import { UsageError, type ParsedArgs } from './cli-args.ts';

export interface Output {
  out: (line: string) => void;
}

const HEAD = /^#?(\d+)(?::|\s+)([0-9a-fA-F]{64})$/;

/** "12:3f5a…" or "#12 3f5a…" (what `aims audit head` prints). */
function parseHead(text: string, from: string): ExpectedHead {
  const match = HEAD.exec(text.trim());
  if (!match || Number(match[1]) < 1)
    throw new UsageError(`${from}: expected <sequence>:<sha256>, such as 12:${'3f'.repeat(32)}, got "${text.trim().slice(0, 80)}".`);
  return { sequence: Number(match[1]), hash: (match[2] ?? '').toLowerCase(), from };
}

/** The heads to check: each --expect-head, each line of --anchors FILE, and with --published every recorded one. */
export async function expectedHeads(parsed: ParsedArgs, store: GovernanceStore | undefined): Promise<ExpectedHead[]> {
  const heads = (parsed.values.get('--expect-head') ?? []).map((value) => parseHead(value, '--expect-head'));
  const file = parsed.values.get('--anchors')?.[0];
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`--anchors: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
    }
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() !== '') heads.push(parseHead(line, `${file} line ${i + 1}`));
    });
  }
  if (parsed.flags.has('--published') && store) {
    for (const anchor of await store.publishedAnchors()) {
      heads.push({
        sequence: anchor.sequence,
        hash: anchor.hash,
        from: `published ${anchor.publishedAt} to ${anchor.channelName ? `#${anchor.channelName} (${anchor.channelId})` : anchor.channelId} in ${anchor.workspace}, ${anchor.source}`,
      });
    }
  }
  return heads;
}

/** `aims audit verify`: exit 0 when everything holds, 1 at the first problem of each kind. */
export async function auditVerify(store: GovernanceStore, heads: ExpectedHead[], parsed: ParsedArgs, io: Output): Promise<number> {
  const report = await store.auditReport(heads);
  const { chain } = report;
  let failed = false;
  if (!chain.ok) {
    io.out(`FAILED: audit chain broken at sequence ${chain.firstBadSequence}: ${chain.reason}`);
    failed = true;
  }
  for (const mismatch of report.anchors) {
    io.out(`FAILED: expected head #${mismatch.sequence} (${mismatch.from}): ${mismatch.reason}`);
    failed = true;
  }
  const [first, ...more] = report.disagreements;
  if (first) {
    io.out(`FAILED: state differs from the audit chain: ${first.message}${more.length > 0 ? ` (and ${more.length} more)` : ''}`);
    failed = true;
  }
  if (failed) return 1;
  io.out(
    chain.ok && chain.head
      ? `OK: audit chain intact, ${chain.events} events, head #${chain.head.sequence} ${chain.head.hash}`
      : 'OK: audit chain intact, no events yet',
  );
  io.out('OK: releases, incidents and training completions agree with the chain');
  if (heads.length > 0)
    io.out(
      `OK: the chain holds all ${heads.length} expected head(s), so nothing up to #${Math.max(...heads.map((h) => h.sequence))} was removed or changed`,
    );
  else if (parsed.flags.has('--published')) io.out('Note: no published head is recorded yet; this proves internal consistency only.');
  else
    io.out(
      'Note: no published head given (--expect-head, --anchors, --published): this proves internal consistency only; a truncated or fully rewritten chain would also pass.',
    );
  return 0;
}

/** `aims audit head [--json]`. */
export async function auditHead(store: GovernanceStore, parsed: ParsedArgs, io: Output): Promise<number> {
  const head = await store.auditHead();
  if (parsed.flags.has('--json')) io.out(JSON.stringify(head ? { sequence: head.sequence, hash: head.hash } : null));
  else io.out(head ? `#${head.sequence} ${head.hash}` : 'No events yet: the chain is empty.');
  return 0;
}

/** `aims audit anchors [--json]`: what was published where and when. */
export async function auditAnchors(store: GovernanceStore, parsed: ParsedArgs, io: Output): Promise<number> {
  const anchors = await store.publishedAnchors();
  if (parsed.flags.has('--json')) {
    io.out(JSON.stringify(anchors));
    return 0;
  }
  if (anchors.length === 0) io.out('No published heads yet.');
  for (const a of anchors)
    io.out(
      `#${a.sequence} ${a.hash} · ${a.source} · ${a.workspace} ${a.channelName ? `#${a.channelName} (${a.channelId})` : a.channelId}${a.messageId ? ` message ${a.messageId}` : ''} · ${a.publishedAt}`,
    );
  return 0;
}
