import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Actor } from '../../core/actor.ts';
import { appendAuditBy } from '../../core/audit-trail.ts';
import type { Clock } from '../../core/clock.ts';
import { AimsError } from '../../core/errors.ts';
import type { UnitOfWork } from '../../core/ports.ts';
import { buildEvidencePack, type PackRequest } from '../../evidence-pack/build-pack.ts';
import type { PackManifest } from '../../evidence-pack/pack-manifest.ts';
import { privateKeyOf, SigningKeyError } from '../../evidence-pack/pack-signature.ts';

/** How far back a pack goes when no first day is given. */
export const DEFAULT_PACK_DAYS = 90;

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (text: string): boolean =>
  DAY.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;

/** `[from] [to]` as typed: days YYYY-MM-DD, by default the last 90 days up to today (UTC); refused, naming the word, otherwise. */
export function packPeriod(args: readonly string[], now: Date): { from: string; to: string } {
  if (args.length > 2) throw new AimsError('invalid_input', 'export takes at most two days: export [from] [to], as YYYY-MM-DD.');
  for (const word of args)
    if (!isDay(word))
      throw new AimsError('invalid_input', `“${word}” is not a day. Give days as YYYY-MM-DD, e.g. export 2026-01-01 2026-03-31.`);
  const today = now.toISOString().slice(0, 10);
  const to = args[1] ?? today;
  const from = args[0] ?? new Date(Date.parse(`${to}T00:00:00Z`) - DEFAULT_PACK_DAYS * DAY_MS).toISOString().slice(0, 10);
  if (from > to) throw new AimsError('invalid_input', `The first day ${from} is after the last day ${to}.`);
  return { from, to };
}

export interface BuiltPack {
  bytes: Buffer;
  filename: string;
  manifest: PackManifest;
  /** sha256 of manifest.json as written in the zip. */
  manifestSha256: string;
}

/** How long a download link of a pack works (it works once). */
export const PACK_LINK_MS = 15 * 60_000;

/** Builds a workspace's evidence pack for a person in chat (admins and leadership), audited in the store. */
export class EvidencePackService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
    private readonly features: PackRequest['features'],
    /** The digest's trend chart ending at `end`, for the cover; undefined when it cannot be drawn. */
    private readonly chartOf: (workspaceId: number, end: Date) => Promise<Buffer | undefined>,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  private readonly running = new Set<Promise<void>>();
  /** Packs waiting for their one download, by id; kept in memory (a restart ends the links). */
  private readonly offered = new Map<string, { bytes: Buffer; filename: string; expiresAt: number }>();
  private readonly linkKey = randomBytes(32);
  private baseUrl: string | undefined;

  /** Where the bot's HTTP server is reached (AIMS_PUBLIC_URL, or the address it listens on): the download links start with it. */
  servedAt(url: string): void {
    this.baseUrl = url.replace(/\/+$/, '');
  }

  /** A one-time download link for `pack`, valid PACK_LINK_MS: /packs/<id>.<expiry>.<HMAC of both>. */
  offer(pack: BuiltPack): { url: string; expiresAt: Date } {
    if (!this.baseUrl)
      throw new AimsError('not_configured', 'The bot does not know its address (AIMS_PUBLIC_URL): it cannot offer a download link.');
    const now = this.clock.now().getTime();
    for (const [id, kept] of this.offered) if (kept.expiresAt <= now) this.offered.delete(id);
    const id = randomUUID();
    const expiresAt = now + PACK_LINK_MS;
    this.offered.set(id, { bytes: pack.bytes, filename: pack.filename, expiresAt });
    return { url: `${this.baseUrl}/packs/${id}.${expiresAt}.${this.sign(`${id}.${expiresAt}`)}`, expiresAt: new Date(expiresAt) };
  }

  /** The pack behind a link, once: undefined for a forged, expired or already used token. */
  take(token: string): { bytes: Buffer; filename: string } | undefined {
    const [id, expiry, mac, ...rest] = token.split('.');
    if (!id || !expiry || !mac || rest.length > 0) return undefined;
    const expected = Buffer.from(this.sign(`${id}.${expiry}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const kept = this.offered.get(id);
    this.offered.delete(id);
    if (!kept || Number(expiry) !== kept.expiresAt || kept.expiresAt <= this.clock.now().getTime()) return undefined;
    return { bytes: kept.bytes, filename: kept.filename };
  }

  private sign(text: string): string {
    return createHmac('sha256', this.linkKey).update(text).digest('base64url');
  }

  /** Runs `work` after the answer (it catches its own errors); `settled` waits for it. */
  inBackground(work: () => Promise<void>): void {
    const run = work()
      .catch(() => undefined)
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Resolves when every pack started so far is built and sent (or failed and said so). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Refuses anyone but admins and leadership, before anything is read or written. */
  assertMayExport(actor: Actor): void {
    if (!actor.roles.includes('admin') && !actor.roles.includes('leadership'))
      throw new AimsError('forbidden', 'Only admins and leadership can export the evidence pack.');
  }

  /** The pack of the actor's workspace for the days [from, to], signed with AIMS_SIGNING_KEY when set; the export is audited. */
  async build(actor: Actor, period: { from: string; to: string }): Promise<BuiltPack> {
    this.assertMayExport(actor);
    let signingKey;
    try {
      const text = this.env.AIMS_SIGNING_KEY?.trim();
      signingKey = text ? privateKeyOf(text) : undefined;
    } catch (error) {
      if (error instanceof SigningKeyError) throw new AimsError('not_configured', `AIMS_SIGNING_KEY is not usable: ${error.message}`);
      throw error;
    }
    const now = this.clock.now();
    const dir = mkdtempSync(join(tmpdir(), 'aims-pack-'));
    try {
      const out = join(dir, 'pack.zip');
      const chartPng = await this.chartOf(actor.workspaceId, new Date(`${period.to}T23:59:59.999Z`));
      const manifest = await buildEvidencePack(this.store, {
        ...(chartPng ? { chartPng } : {}),
        workspaceId: actor.workspaceId,
        from: period.from,
        to: period.to,
        out,
        now,
        signingKey,
        features: this.features,
      });
      const bytes = readFileSync(out);
      const manifestSha256 = createHash('sha256')
        .update(`${JSON.stringify(manifest, null, 2)}\n`)
        .digest('hex');
      await this.store.write(async (repos) => {
        await appendAuditBy(
          repos,
          actor,
          {
            workspaceId: actor.workspaceId,
            action: 'evidence_pack.exported',
            subject: `workspace:${actor.workspaceId}`,
            before: null,
            after: {
              from: period.from,
              to: period.to,
              manifestSha256,
              packSha256: createHash('sha256').update(bytes).digest('hex'),
              signed: manifest.signature !== null,
              events: manifest.chain.events,
            },
          },
          now.toISOString(),
        );
      });
      return { bytes, filename: `aims-evidence-pack-${period.from}-${period.to}.zip`, manifest, manifestSha256 };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
