import { claimantIsAlive, claimantIsGone, processClaimant, SerialDrain } from '../../core/serial-drain.ts';
import type { ChannelMessenger, Messengers } from '../../chat/channel-messenger.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import { isAimsError } from '../../core/errors.ts';
import type { PackRequestRecord } from './port.ts';
import { PACK_LEASE_MS, PACK_MAX_BUILDS, PackFailure } from './service.ts';
import { packFileNote, packLinkNote } from './views.ts';

export interface PackWorkerOptions {
  /** The wall clock for claims and retries (not the domain clock: a test running "as of" a day still retries). */
  now?: () => Date;
  /** How the worker waits before a retry (tests skip ahead). */
  sleep?: (ms: number) => Promise<void>;
  /** How often it looks for requests recorded by other replicas, retries due, and links to expire. */
  pollMs?: number;
  /** First retry of a failed send after this long, doubling; given up after `maxSends` attempts. */
  retryMs?: number;
  maxSends?: number;
  /** How long a claim holds (PACK_LEASE_MS); renewed every third of it while the request is in hand. */
  leaseMs?: number;
  /** Builds started before a request is given up as one that takes the process down (PACK_MAX_BUILDS). */
  maxBuilds?: number;
  /** Told when a failure notice was queued in the outbox (the app kicks its sender). */
  onQueued?: () => void;
  /** Runs before each build (tests hold a build there). */
  beforeBuild?: (request: PackRequestRecord) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Builds and delivers `/aims export` requests from the database: at start (what a stopped process
 * left), when this process records one, and on a timer (other replicas' requests, retries, expiry of
 * unused Teams links). A request is claimed by one process at a time (a conditional update with a
 * lease), built once (zip kept on the row with its `evidence_pack.exported` event), then sent.
 * A crash between the platform accepting a send and the row saying so sends it again on the next
 * round (the message says it is a second sending of the same file); nothing is lost.
 */
export class PackWorker {
  /** host:pid:token of this process, stored on what it claims. */
  readonly claimedBy = processClaimant();
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private poll: NodeJS.Timeout | undefined;
  private readonly drains = new SerialDrain(
    async () => await this.drain(),
    (error) => this.services.logger.error('evidence packs: a round failed', { error }),
  );
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly services: Pick<ChatServices, 'evidencePack' | 'directory' | 'logger'>,
    private readonly messengers: Messengers,
    private readonly options: PackWorkerOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? realSleep;
  }

  async start(): Promise<void> {
    const released = await this.services.evidencePack.releaseAbandoned((by) => this.isGone(by));
    if (released > 0) this.services.logger.info('evidence packs: taking up requests a stopped process left', { released });
    this.unsubscribe = this.services.evidencePack.onRequested(() => this.kick());
    this.poll = setInterval(() => this.kick(), this.options.pollMs ?? 5000);
    this.poll.unref();
    this.kick();
  }

  /** Stops taking requests and waits for the one in hand (a request cut off by a crash is taken up at the next start). */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    if (this.poll) clearInterval(this.poll);
    this.drains.stop();
    await this.drains.idle();
  }

  /** Resolves when nothing is being built or sent in this process. */
  async idle(): Promise<void> {
    await this.drains.idle();
  }

  kick(): void {
    this.drains.kick();
  }

  private async drain(): Promise<void> {
    await this.services.evidencePack.expireLinks();
    const skipped = new Set<number>();
    for (;;) {
      if (this.drains.isStopped) return;
      const due = (await this.services.evidencePack.due(this.now())).filter((request) => !skipped.has(request.id));
      if (due.length === 0) return;
      for (const candidate of due) {
        if (this.drains.isStopped) return;
        skipped.add(candidate.id);
        const messenger = this.messengers[candidate.platform];
        // Without a connection to its platform this process leaves the request to one that has it.
        if (!messenger) continue;
        // A lease past whose process is still running (this host) is a live build held up, not an abandoned one:
        // on SQLite a build holds the connection, so its lease cannot be renewed until it ends.
        if (candidate.claimedBy && claimantIsAlive(candidate.claimedBy, this.claimedBy)) continue;
        const request = await this.services.evidencePack.claim(candidate.id, this.claimedBy, this.now(), this.leaseMs);
        if (request) await this.renewing(request, async () => await this.handle(request, messenger));
      }
    }
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? PACK_LEASE_MS;
  }

  /** Runs `work` on a claimed request, moving its lease on every third of it meanwhile (a long build keeps its claim). */
  private async renewing(request: PackRequestRecord, work: () => Promise<void>): Promise<void> {
    let renewal: Promise<unknown> = Promise.resolve();
    const timer = setInterval(
      () => {
        renewal = renewal
          .then(async () => {
            if (!(await this.services.evidencePack.renew(request, this.claimedBy, this.now(), this.leaseMs)))
              this.services.logger.warn('evidence packs: the claim was lost during the work', { request: request.id });
          })
          .catch((error: unknown) =>
            this.services.logger.warn('evidence packs: the lease could not be renewed', { request: request.id, error }),
          );
      },
      Math.max(1, Math.floor(this.leaseMs / 3)),
    );
    timer.unref();
    try {
      await work();
    } finally {
      clearInterval(timer);
      await renewal;
    }
  }

  private async handle(claimed: PackRequestRecord, messenger: ChannelMessenger): Promise<void> {
    const packs = this.services.evidencePack;
    let request = claimed;
    if (request.state === 'pending') {
      // Builds started and never finished or failed: each took its process down (a poison request).
      const maxBuilds = this.options.maxBuilds ?? PACK_MAX_BUILDS;
      if (request.attempts >= maxBuilds) {
        await this.fail(
          request,
          new PackFailure('pack_build_crashed', `${request.attempts} builds started and none finished (the process stopped during each)`),
        );
        return;
      }
      const building = await packs.startBuild(request, this.claimedBy);
      if (!building) return;
      request = building;
      try {
        await this.options.beforeBuild?.(request);
        if (!(await packs.buildRequest(request, this.claimedBy))) return;
      } catch (error) {
        await this.fail(request, PackFailure.of(error, 'build'));
        return;
      }
    }
    const sending = await packs.startSend(request, this.claimedBy);
    if (!sending) return;
    request = sending;
    try {
      const person = await this.services.directory.personById(request.workspaceId, request.personId);
      if (!person) throw Object.assign(new Error('the person who asked is gone'), { permanent: true });
      if (request.platform === 'teams' || !messenger.directFile) {
        await messenger.direct(person, packLinkNote(request, packs.linkOf(request)));
      } else {
        const bytes = await packs.zipOf(request);
        if (!bytes) throw Object.assign(new Error('the built pack is gone'), { permanent: true });
        const title = `Evidence pack ${request.periodFrom} to ${request.periodTo}`;
        await messenger.directFile(person, packFileNote(request), { bytes, filename: request.filename ?? 'pack.zip', title });
      }
      await packs.markDelivered(request);
    } catch (error) {
      const permanent = (error as { permanent?: boolean } | null)?.permanent === true || isAimsError(error);
      if (permanent || request.sends >= (this.options.maxSends ?? 3)) {
        await this.fail(request, PackFailure.of(error, 'send'));
        return;
      }
      const waitMs = (this.options.retryMs ?? 2000) * 2 ** (request.sends - 1);
      const reason = error instanceof Error ? error.message : String(error);
      this.services.logger.warn('evidence packs: sending failed, will retry', { request: request.id, retryInMs: waitMs, error: reason });
      await packs.retryLater(request, this.claimedBy, reason, new Date(this.now().getTime() + waitMs));
      void this.sleep(waitMs + 5).then(() => this.kick());
    }
  }

  /** Gives up on a request: failed with its code, audited, and the person told through the outbox (one unit). */
  private async fail(request: PackRequestRecord, failure: PackFailure): Promise<void> {
    this.services.logger.warn('the evidence pack could not be built or sent', {
      request: request.id,
      code: failure.code,
      error: failure.message,
    });
    if (await this.services.evidencePack.markFailed(request, failure)) this.options.onQueued?.();
  }

  /**
   * Whether the process that claimed a request is gone: one of this host whose pid is not running
   * (or is ours, from before a restart). Claims of other hosts wait for their lease to pass.
   */
  private isGone(by: string): boolean {
    return claimantIsGone(by, this.claimedBy);
  }
}
