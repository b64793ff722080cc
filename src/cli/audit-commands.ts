import { readFileSync } from 'node:fs';
import { LEGACY_CHAIN, SYSTEM_CHAIN, type ExpectedHead } from '../core/audit.ts';
import type { Platform } from '../core/identity.ts';
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

/** `--workspace slack:T…|teams:…`: the chain to read, resolved to its id (undefined: every chain). */
export async function chainOption(parsed: ParsedArgs, store: GovernanceStore): Promise<number | undefined> {
  const wanted = parsed.values.get('--workspace')?.[0];
  if (wanted === undefined) return undefined;
  if (wanted === 'system') return SYSTEM_CHAIN;
  const match = /^(slack|teams):(.+)$/.exec(wanted.trim());
  if (!match) throw new UsageError(`--workspace: expected slack:<team id>, teams:<tenant id> or system, got "${wanted}".`);
  const [platform, externalId] = [match[1] as Platform, match[2] ?? ''];
  const workspace = await store.read(async (repos) => await repos.workspaces.findByExternalId(platform, externalId));
  if (!workspace) throw new UsageError(`--workspace: no workspace ${platform}:${externalId} in the store.`);
  return workspace.id;
}

/**
 * The heads to check: each --expect-head, each line of --anchors FILE (of the --workspace chain when given,
 * else of whichever chain holds that hash), and with --published every recorded one (of that workspace only).
 */
export async function expectedHeads(parsed: ParsedArgs, store: GovernanceStore | undefined, chain?: number): Promise<ExpectedHead[]> {
  const inChain = (head: ExpectedHead): ExpectedHead => (chain === undefined ? head : { ...head, chain });
  const heads = (parsed.values.get('--expect-head') ?? []).map((value) => inChain(parseHead(value, '--expect-head')));
  const file = parsed.values.get('--anchors')?.[0];
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`--anchors: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
    }
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() !== '') heads.push(inChain(parseHead(line, `${file} line ${i + 1}`)));
    });
  }
  if (parsed.flags.has('--published') && store) {
    for (const anchor of await store.publishedAnchors()) {
      if (chain !== undefined && anchor.chain !== chain && !(anchor.chain === LEGACY_CHAIN && anchor.workspaceId === chain)) continue;
      heads.push({
        chain: anchor.chain,
        sequence: anchor.sequence,
        hash: anchor.hash,
        from: `published ${anchor.publishedAt} to ${anchor.channelName ? `#${anchor.channelName} (${anchor.channelId})` : anchor.channelId} in ${anchor.workspace}, ${anchor.source}`,
      });
    }
  }
  return heads;
}

/** `aims audit verify [--workspace W]`: every chain (or W's), exit 0 when everything holds, 1 at the first problem of each kind. */
export async function auditVerify(
  store: GovernanceStore,
  heads: ExpectedHead[],
  parsed: ParsedArgs,
  io: Output,
  chain?: number,
): Promise<number> {
  const report = await store.auditReport(heads, chain);
  const { chains } = report;
  let failed = false;
  for (const one of chains.chains) {
    if (one.ok) continue;
    io.out(`FAILED: audit ${one.label} broken at sequence ${one.firstBadSequence}: ${one.reason}`);
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
  for (const one of chains.chains)
    io.out(
      one.ok && one.head
        ? `OK: audit ${one.label} intact, ${one.events} events, head #${one.head.sequence} ${one.head.hash}`
        : `OK: audit ${one.label} intact, no events yet`,
    );
  if (chains.chains.length === 0) io.out('OK: audit chain intact, no events yet');
  if (chain === undefined) io.out('OK: releases, incidents and training completions agree with the chain');
  else
    io.out(
      'Note: with --workspace only that chain is walked; the cross-check of releases, incidents and training needs every chain (run without it).',
    );
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

/** `aims audit head [--workspace W] [--json]`: W's head as "#<sequence> <sha256>", or every chain's, one line each. */
export async function auditHead(store: GovernanceStore, parsed: ParsedArgs, io: Output, chain?: number): Promise<number> {
  const heads = await store.auditHeads(chain);
  const json = parsed.flags.has('--json');
  if (chain !== undefined) {
    const head = heads[0]?.head ?? null;
    if (json) io.out(JSON.stringify(head ? { sequence: head.sequence, hash: head.hash } : null));
    else io.out(head ? `#${head.sequence} ${head.hash}` : 'No events yet: the chain is empty.');
    return 0;
  }
  if (json) {
    io.out(
      JSON.stringify(
        heads.map(({ chain: id, label, head }) => ({ chain: id, label, sequence: head?.sequence ?? 0, hash: head?.hash ?? null })),
      ),
    );
    return 0;
  }
  if (heads.length === 0) io.out('No events yet: the chain is empty.');
  for (const { label, head } of heads) io.out(head ? `${label}: #${head.sequence} ${head.hash}` : `${label}: empty`);
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
