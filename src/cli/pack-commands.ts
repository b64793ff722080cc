import { features } from '../features/index.ts';
import { trendSourcesOf } from '../chat/feature.ts';
import { TrendService } from '../core/charts/trend-service.ts';
import { fixedClock } from '../core/clock.ts';
import { buildEvidencePack, findWorkspace } from '../evidence-pack/build-pack.ts';
import { generateSigningKeys, privateKeyOf, SigningKeyError } from '../evidence-pack/pack-signature.ts';
import { verifyEvidencePackFile, type PackVerdict } from '../evidence-pack/verify-pack.ts';
import type { GovernanceStore } from '../store/governance-store.ts';
import { UsageError, type ParsedArgs } from './cli-args.ts';

export const PACK_EXPORT_OPTIONS = ['--workspace', '--from', '--to', '--out', '--at'];

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (text: string | undefined): text is string =>
  text !== undefined &&
  DAY.test(text) &&
  !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) &&
  new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

/** The pack's request from the command line, refused before the store is opened. */
export function packArguments(parsed: ParsedArgs): { workspace: string; from: string; to: string; out: string; now: Date } {
  const one = (name: string) => parsed.values.get(name)?.[0];
  const workspace = one('--workspace');
  if (!workspace) throw new UsageError('aims export needs --workspace slack:T… or teams:<tenant id>.');
  const from = one('--from');
  const to = one('--to');
  if (!isDay(from) || !isDay(to)) throw new UsageError('aims export needs --from and --to as days, YYYY-MM-DD.');
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}.`);
  const atText = one('--at');
  const now = atText === undefined ? new Date() : new Date(atText);
  if (Number.isNaN(now.getTime())) throw new UsageError('--at needs an ISO date-time such as 2026-11-23T09:00:00Z');
  return { workspace, from, to, out: one('--out') ?? 'pack.zip', now };
}

/** `aims export --workspace W --from D --to D --out pack.zip`: the signed evidence pack of one workspace. */
export async function runPackExport(store: GovernanceStore, parsed: ParsedArgs, io: Io): Promise<number> {
  const request = packArguments(parsed);
  let signingKey;
  try {
    const text = io.env.AIMS_SIGNING_KEY?.trim();
    signingKey = text ? privateKeyOf(text) : undefined;
  } catch (error) {
    if (!(error instanceof SigningKeyError)) throw error;
    io.err(error.message);
    return 2;
  }
  const workspaces = await store.read(async (repos) => await repos.workspaces.all());
  const workspace = findWorkspace(workspaces, request.workspace);
  if (!workspace) {
    const list = workspaces.map((w) => `${w.platform}:${w.externalId}${w.name ? ` (${w.name})` : ''}`).join(', ');
    io.err(`No workspace "${request.workspace}" in the store. Workspaces: ${list || 'none'}.`);
    return 2;
  }
  const chartPng = await coverChart(store, workspace.id, request.to, io);
  const manifest = await buildEvidencePack(store, {
    ...(chartPng ? { chartPng } : {}),
    workspaceId: workspace.id,
    from: request.from,
    to: request.to,
    out: request.out,
    now: request.now,
    signingKey,
    features,
  });
  io.out(
    `Wrote ${request.out}: ${manifest.files.length + 1} files, ${manifest.chain.events} audit event(s) from ${request.from} to ${request.to}, ${
      manifest.signature ? 'signed (Ed25519)' : 'UNSIGNED (set AIMS_SIGNING_KEY; `aims keys generate` makes one)'
    }.`,
  );
  return 0;
}

/**
 * The digest's 12-week trend chart, ending with the period's last day, for the PDF's first page; the
 * pack is written without it (and says why on standard error) when it cannot be drawn.
 */
async function coverChart(store: GovernanceStore, workspaceId: number, to: string, io: Io): Promise<Buffer | undefined> {
  const end = new Date(`${to}T23:59:59.999Z`);
  try {
    const trends = new TrendService(store, fixedClock(end), 'UTC', trendSourcesOf(features));
    return (await trends.chart(workspaceId, end)).png;
  } catch (error) {
    io.err(`The trend chart could not be drawn (${error instanceof Error ? error.message : String(error)}): the pack has none.`);
    return undefined;
  }
}

/**
 * `aims audit verify --pack pack.zip [--public-key KEY]`: no store needed; the zip is read from its file
 * handle, an entry at a time (never whole in memory). Exit 0 OK, 1 a check failed, 2 no such file.
 */
export function runPackVerify(parsed: ParsedArgs, io: Io): number {
  const path = parsed.values.get('--pack')?.[0] ?? '';
  let verdict: PackVerdict;
  try {
    verdict = verifyEvidencePackFile(path, parsed.values.get('--public-key')?.[0]);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EISDIR' && code !== 'EACCES') throw error;
    io.err(code === 'ENOENT' ? `No pack at ${path}.` : `Cannot read the pack at ${path} (${code}).`);
    return 2;
  }
  for (const check of verdict.checks) io.out(`${check.ok ? 'ok    ' : 'FAILED'} ${check.name}: ${check.detail}`);
  const failed = verdict.checks.filter((check) => !check.ok).map((check) => check.name);
  io.out(failed.length === 0 ? `OK${verdict.signed ? '' : ' (UNSIGNED)'}` : `FAILED: ${failed.join(', ')}`);
  return failed.length === 0 ? 0 : 1;
}

/** `aims keys generate`: a new Ed25519 pair, the private key for AIMS_SIGNING_KEY and the public key for auditors. */
export function runKeysGenerate(io: Io): number {
  const { privateKey, publicKey } = generateSigningKeys();
  io.out(`AIMS_SIGNING_KEY=${privateKey}`);
  io.out(`Public key (give it to your auditors; aims audit verify --pack pack.zip --public-key …):`);
  io.out(publicKey);
  return 0;
}
