import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Actor } from '../../core/actor.ts';
import { appendAuditBy } from '../../core/audit-trail.ts';
import type { Clock } from '../../core/clock.ts';
import { AimsError, isAimsError } from '../../core/errors.ts';
import { queueDirect, subjectOf } from '../../core/outbox/outbox.ts';
import type { UnitOfWork } from '../../core/ports.ts';
import type { PackRequestRecord } from './port.ts';
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

/** How long a download link of a pack works (it works once), from when it is sent. */
export const PACK_LINK_MS = 15 * 60_000;

/** How long a process holds a request it builds or sends before another may take it (a pack of 100k events builds in about a minute). */
export const PACK_LEASE_MS = 10 * 60_000;

/** How many builds of one request may start before it is given up (a build cut off by a crash counts). */
export const PACK_MAX_BUILDS = 3;

/** The outbox subject of a pack request, and the notice that tells its person it failed. */
export const PACK_SUBJECT = 'evidence-pack';
export const PACK_FAILED_NOTICE = 'evidence_pack.failed';

/**
 * Why a request was given up: `pack_build_crashed` (its builds stopped the process every time, up
 * to the limit), `pack_build_failed` / `pack_send_failed` (an error on our side), or the code of an
 * AimsError (its message is written for the person: a key not usable, no address for links).
 */
export type PackFailureCode = 'pack_build_crashed' | 'pack_build_failed' | 'pack_send_failed' | AimsError['code'];

/** A request given up, typed (the worker's failures; stored as failure_code and last_error). */
export class PackFailure extends Error {
  constructor(
    readonly code: PackFailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'PackFailure';
  }

  /** The failure an error of a build or a send is. */
  static of(error: unknown, stage: 'build' | 'send'): PackFailure {
    if (error instanceof PackFailure) return error;
    if (isAimsError(error)) return new PackFailure(error.code, error.message);
    return new PackFailure(
      stage === 'build' ? 'pack_build_failed' : 'pack_send_failed',
      error instanceof Error ? error.message : String(error),
    );
  }
}

/** What the person is told a failure was (internal errors are not shown; they are in the log and on the row). */
export function failureForPerson(request: PackRequestRecord): string {
  if (request.failureCode === 'pack_build_crashed')
    return `its build stopped the bot ${request.attempts} times in a row (out of memory or a crash), so it is not tried again; try a shorter period, or ask an admin to look at the log for evidence pack request #${request.id}`;
  if (request.failureCode?.startsWith('pack_') !== false) return 'an error on our side';
  return request.lastError ?? 'an error on our side';
}

const filenameOf = (period: { from: string; to: string }) => `aims-evidence-pack-${period.from}-${period.to}.zip`;

/** What `/aims export` recorded: a new request, or the open one of the same person and period (a double click). */
export interface RequestedPack {
  request: PackRequestRecord;
  fresh: boolean;
}

/**
 * The evidence pack in chat (admins and leadership): the request is recorded with its audit event, a
 * worker (worker.ts) builds it, audits the export with its hashes, and delivers it; a Teams link is
 * served from the database by any replica, once.
 */
export class EvidencePackService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
    private readonly features: PackRequest['features'],
    /** The digest's trend chart ending at `end`, for the cover; undefined when it cannot be drawn. */
    private readonly chartOf: (workspaceId: number, end: Date) => Promise<Buffer | undefined>,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  private baseUrl: string | undefined;
  private readonly listeners = new Set<() => void>();

  /** Where the bot's HTTP server is reached (AIMS_PUBLIC_URL, or the address it listens on): the download links start with it. */
  servedAt(url: string): void {
    this.baseUrl = url.replace(/\/+$/, '');
  }

  /** Whether this process can write download links (it knows its address). */
  get linksServed(): boolean {
    return this.baseUrl !== undefined;
  }

  /** Told after a request is recorded in this process (the worker starts on it at once). */
  onRequested(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Refuses anyone but admins and leadership, before anything is read or written. */
  assertMayExport(actor: Actor): void {
    if (!actor.roles.includes('admin') && !actor.roles.includes('leadership'))
      throw new AimsError('forbidden', 'Only admins and leadership can export the evidence pack.');
  }

  /**
   * Records a request for the actor's pack of `period`, audited as `evidence_pack.requested` in the
   * same unit. The same person asking for the same period while it is open gets that request (nothing
   * written); a retried delivery of the command is stopped before by its inbound dedupe key.
   */
  async request(actor: Actor, period: { from: string; to: string }, platform: 'slack' | 'teams'): Promise<RequestedPack> {
    this.assertMayExport(actor);
    const at = this.clock.now().toISOString();
    const openKey = `${actor.workspaceId}:${actor.personId}:${period.from}:${period.to}`;
    const requested = await this.store.write(async (repos): Promise<RequestedPack> => {
      const open = await repos.packRequests.findOpen(openKey);
      if (open) return { request: open, fresh: false };
      const request = await repos.packRequests.insert({
        workspaceId: actor.workspaceId,
        personId: actor.personId,
        platform,
        actor: actor.label,
        periodFrom: period.from,
        periodTo: period.to,
        openKey,
        createdAt: at,
      });
      // Lost a race with the same request on another connection: that one stands.
      if (!request) {
        const raced = await repos.packRequests.findOpen(openKey);
        if (!raced) throw new AimsError('conflict', 'The export request could not be recorded; try again.');
        return { request: raced, fresh: false };
      }
      await appendAuditBy(
        repos,
        actor,
        {
          workspaceId: actor.workspaceId,
          action: 'evidence_pack.requested',
          subject: `evidence-pack:${request.id}`,
          before: null,
          after: { from: period.from, to: period.to, platform },
        },
        at,
      );
      return { request, fresh: true };
    });
    if (requested.fresh) for (const listener of this.listeners) listener();
    return requested;
  }

  /** Requests due for a build or a delivery, oldest first (`now` is the worker's wall clock). */
  async due(now: Date, limit = 20): Promise<PackRequestRecord[]> {
    return await this.store.read(async (repos) => await repos.packRequests.due(now.toISOString(), limit));
  }

  /** Takes a request for `by`: the request as taken, or undefined when another process has it. */
  async claim(id: number, by: string, now: Date, leaseMs = PACK_LEASE_MS): Promise<PackRequestRecord | undefined> {
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    return await this.store.write(async (repos) =>
      (await repos.packRequests.claim(id, by, now.toISOString(), leaseUntil)) ? await repos.packRequests.findById(id) : undefined,
    );
  }

  /**
   * A build of a claimed pending request starts: counted before it runs (a build that takes the
   * process down stays counted, so a request that does so every time meets the limit). The request
   * as it stands, or undefined when the claim was lost.
   */
  async startBuild(request: PackRequestRecord, by: string): Promise<PackRequestRecord | undefined> {
    return await this.store.write(async (repos) =>
      (await repos.packRequests.startBuild(request.id, by)) ? await repos.packRequests.findById(request.id) : undefined,
    );
  }

  /** Moves `by`'s lease on while it builds or sends (another replica leaves a live build alone); false when the claim was lost. */
  async renew(request: PackRequestRecord, by: string, now: Date, leaseMs = PACK_LEASE_MS): Promise<boolean> {
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    return await this.store.write(async (repos) => await repos.packRequests.renew(request.id, by, leaseUntil));
  }

  /**
   * Builds a claimed pending request and keeps its zip on the row, with the `evidence_pack.exported`
   * audit event (hashes of manifest and zip) in the same unit; false when the claim was lost meanwhile
   * (nothing kept, nothing audited).
   */
  async buildRequest(request: PackRequestRecord, by: string): Promise<boolean> {
    const actor: Actor = { workspaceId: request.workspaceId, personId: request.personId, roles: [], label: request.actor };
    const period = { from: request.periodFrom, to: request.periodTo };
    const pack = await this.buildPack(request.workspaceId, period);
    const at = this.clock.now().toISOString();
    const packSha256 = createHash('sha256').update(pack.bytes).digest('hex');
    return await this.store.write(async (repos) => {
      const kept = await repos.packRequests.markBuilt(request.id, by, {
        filename: pack.filename,
        zip: pack.bytes,
        manifestSha256: pack.manifestSha256,
        packSha256,
        events: pack.manifest.chain.events,
        signed: pack.manifest.signature !== null,
      });
      if (!kept) return false;
      await appendAuditBy(
        repos,
        actor,
        {
          workspaceId: request.workspaceId,
          action: 'evidence_pack.exported',
          subject: `workspace:${request.workspaceId}`,
          before: null,
          after: {
            request: request.id,
            from: period.from,
            to: period.to,
            manifestSha256: pack.manifestSha256,
            packSha256,
            signed: pack.manifest.signature !== null,
            events: pack.manifest.chain.events,
          },
        },
        at,
      );
      return true;
    });
  }

  /**
   * A delivery attempt of a built request starts (counted before anything is sent: a second attempt
   * says so). A Teams request gets its link now (valid PACK_LINK_MS from its first sending; the same
   * link on a later attempt). The request as it stands, or undefined when the claim was lost.
   */
  async startSend(request: PackRequestRecord, by: string): Promise<PackRequestRecord | undefined> {
    const link =
      request.platform === 'teams' && !request.linkId
        ? {
            linkId: randomUUID(),
            linkKey: randomBytes(32).toString('base64url'),
            linkExpiresAt: new Date(this.clock.now().getTime() + PACK_LINK_MS).toISOString(),
          }
        : undefined;
    return await this.store.write(async (repos) =>
      (await repos.packRequests.startSend(request.id, by, link)) ? await repos.packRequests.findById(request.id) : undefined,
    );
  }

  async zipOf(request: PackRequestRecord): Promise<Buffer | undefined> {
    return await this.store.read(async (repos) => await repos.packRequests.zipOf(request.id));
  }

  /** Delivered: a Slack upload drops the zip; a Teams link keeps it for its one download. */
  async markDelivered(request: PackRequestRecord): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.store.write(async (repos) => await repos.packRequests.markDelivered(request.id, at, request.platform !== 'teams'));
  }

  async retryLater(request: PackRequestRecord, by: string, error: string, next: Date): Promise<void> {
    await this.store.write(async (repos) => await repos.packRequests.retryLater(request.id, by, error, next.toISOString()));
  }

  /**
   * Gives a request up: failed with its typed code, audited `evidence_pack.failed`, and its person told
   * through the outbox (a direct message, notice PACK_FAILED_NOTICE), in one unit. False when it was
   * finished already (nothing written).
   */
  async markFailed(request: PackRequestRecord, failure: PackFailure): Promise<boolean> {
    const at = this.clock.now().toISOString();
    const actor: Actor = { workspaceId: request.workspaceId, personId: request.personId, roles: [], label: request.actor };
    return await this.store.write(async (repos) => {
      if (!(await repos.packRequests.markFailed(request.id, failure.code, failure.message, at))) return false;
      await appendAuditBy(
        repos,
        actor,
        {
          workspaceId: request.workspaceId,
          action: 'evidence_pack.failed',
          subject: `evidence-pack:${request.id}`,
          before: null,
          after: {
            request: request.id,
            from: request.periodFrom,
            to: request.periodTo,
            code: failure.code,
            attempts: request.attempts,
            sends: request.sends,
          },
        },
        at,
      );
      await queueDirect(repos, request.workspaceId, subjectOf(PACK_SUBJECT, request.id), request.personId, PACK_FAILED_NOTICE, at);
      return true;
    });
  }

  /** The workspace's request if it failed (the outbox tells the person), else undefined. */
  async failedRequest(workspaceId: number, id: number): Promise<PackRequestRecord | undefined> {
    const request = await this.store.read(async (repos) => await repos.packRequests.findById(id));
    return request?.workspaceId === workspaceId && request.state === 'failed' ? request : undefined;
  }

  /** Links past their expiry lose their zip (the cleanup of the worker's rounds; it writes only when one is due); how many. */
  async expireLinks(): Promise<number> {
    const now = this.clock.now();
    if (!(await this.store.read(async (repos) => await repos.packRequests.anyExpired(now.getTime())))) return 0;
    return await this.store.write(async (repos) => await repos.packRequests.expireLinks(now.getTime(), now.toISOString()));
  }

  /** Claims a stopped process left, released (see the worker's isGone); how many. Writes only when there are some. */
  async releaseAbandoned(isGone: (claimedBy: string) => boolean): Promise<number> {
    const claims = await this.store.read(async (repos) => await repos.packRequests.claimed());
    const gone = claims.filter((claim) => isGone(claim.claimedBy));
    if (gone.length === 0) return 0;
    return await this.store.write(async (repos) => {
      let released = 0;
      for (const claim of gone) if (await repos.packRequests.release(claim.id, claim.claimedBy)) released += 1;
      return released;
    });
  }

  /** The one-time link of a request that has one: /packs/<workspace>.<id>.<expiry>.<HMAC of the three>. */
  linkOf(request: PackRequestRecord): { url: string; expiresAt: Date } {
    if (!this.baseUrl)
      throw new AimsError('not_configured', 'The bot does not know its address (AIMS_PUBLIC_URL): it cannot offer a download link.');
    if (!request.linkId || !request.linkKey || !request.linkExpiresAt)
      throw new AimsError('conflict', `Evidence pack request ${request.id} has no download link.`);
    const expiresAt = new Date(request.linkExpiresAt);
    const body = `${request.workspaceId}.${request.linkId}.${expiresAt.getTime()}`;
    return { url: `${this.baseUrl}/packs/${body}.${sign(request.linkKey, body)}`, expiresAt };
  }

  /**
   * The pack behind a link, once, read from the database (any replica, after a restart): undefined
   * for a forged, expired, used or other workspace's token. The download drops the zip.
   */
  async take(token: string): Promise<{ bytes: Buffer; filename: string } | undefined> {
    const [workspace, linkId, expiry, mac, ...rest] = token.split('.');
    if (!workspace || !linkId || !expiry || !mac || rest.length > 0 || !/^\d+$/.test(workspace) || !/^\d+$/.test(expiry)) return undefined;
    const now = this.clock.now();
    return await this.store.write(async (repos) => {
      const request = await repos.packRequests.findByLink(Number(workspace), linkId);
      if (!request?.linkKey || !request.linkExpiresAt || !request.filename) return undefined;
      const expected = Buffer.from(sign(request.linkKey, `${workspace}.${linkId}.${expiry}`));
      const given = Buffer.from(mac);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      const expiresAt = Date.parse(request.linkExpiresAt);
      if (Number(expiry) !== expiresAt || expiresAt <= now.getTime()) return undefined;
      const bytes = await repos.packRequests.takeDownload(request.id, now.toISOString());
      return bytes ? { bytes, filename: request.filename } : undefined;
    });
  }

  /** The pack of a workspace for the days [from, to], signed with AIMS_SIGNING_KEY when set (not audited: buildRequest audits). */
  async buildPack(workspaceId: number, period: { from: string; to: string }): Promise<BuiltPack> {
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
      const chartPng = await this.chartOf(workspaceId, new Date(`${period.to}T23:59:59.999Z`));
      const manifest = await buildEvidencePack(this.store, {
        ...(chartPng ? { chartPng } : {}),
        workspaceId,
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
      return { bytes, filename: filenameOf(period), manifest, manifestSha256 };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

function sign(key: string, text: string): string {
  return createHmac('sha256', Buffer.from(key, 'base64url')).update(text).digest('base64url');
}
