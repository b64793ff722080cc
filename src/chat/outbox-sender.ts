import { claimantIsGone, processClaimant, SerialDrain } from '../core/serial-drain.ts';
import type { OutboxMessage } from '../core/outbox/outbox.ts';
import type { Logger } from '../logger.ts';
import type { ChannelMessenger, Messengers } from './channel-messenger.ts';
import type { ChatServices } from './chat-services.ts';
import type { OutboxSubjectSpec } from './feature.ts';
import { OutboxDelivery } from './outbox-delivery.ts';
import { mapInTurn } from '../core/in-turn.ts';

export interface OutboxRetry {
  /** First retry after this long, doubling each attempt up to `maxMs`. */
  baseMs: number;
  maxMs: number;
  /** Attempts before a message is given up as failed. */
  maxAttempts: number;
}

/** About half an hour of retries (2 s, 4 s ... 5 min) before a message is given up. */
export const DEFAULT_RETRY: OutboxRetry = { baseMs: 2000, maxMs: 5 * 60_000, maxAttempts: 12 };

/** How long a person waits for the posts of what they just did before being told they are queued (Slack wants an answer in 3 s). */
export const SEND_BUDGET_MS = 2000;

export interface SendOutcome {
  message: OutboxMessage;
  result: 'sent' | 'queued' | 'failed';
  link?: string;
}

export interface OutboxSenderOptions {
  logger: Logger;
  /** What each area's records render to, by subject type (`outboxSubjectsOf(features)`). */
  subjects: ReadonlyMap<string, OutboxSubjectSpec>;
  retry?: Partial<OutboxRetry>;
  /** The wall clock for backoff and claims (not the domain clock: a test running "as of" a day still retries). */
  now?: () => Date;
  /** How often to look for messages queued by other processes, or due after a backoff. */
  pollMs?: number;
  /**
   * How the sender waits before a retry (backoff or Retry-After), on the clock of `now`: a real timer
   * by default; tests pass one that moves their `now` on to the wake-up instead of waiting for it.
   */
  sleep?: (ms: number) => Promise<void>;
  /** How long `sendFor` waits for the posts by default (SEND_BUDGET_MS). */
  sendBudgetMs?: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Seconds a platform asked us to wait (Slack's Retry-After on 429, surfaced by the WebClient as `retryAfter`). */
function retryAfterMs(error: unknown): number | undefined {
  const seconds = (error as { retryAfter?: unknown } | null)?.retryAfter;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * Sends the outbox after commit: right after each change (for the person waiting), on start (what a
 * previous process left), and on a timer (retries after backoff, messages queued by other processes).
 * Each message is taken by one process before it goes out (pending -> sending), so two processes on
 * one store never both send it.
 */
export class OutboxSender {
  private readonly delivery: OutboxDelivery;
  private readonly retry: OutboxRetry;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  /** host:pid:token of this process, stored on what it takes. */
  readonly takenBy = processClaimant();
  private poll: NodeJS.Timeout | undefined;
  private readonly drains = new SerialDrain(
    async () => await this.drain(),
    (error) => this.options.logger.error('outbox: sending failed', { error }),
  );

  constructor(
    private readonly services: ChatServices,
    private readonly messengers: Messengers,
    private readonly options: OutboxSenderOptions,
  ) {
    this.delivery = new OutboxDelivery(services, services.outbox, options.subjects);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? realSleep;
  }

  /** Hands back what a dead process left mid-send, sends what is pending, and keeps looking. */
  async start(): Promise<void> {
    const released = await this.services.outbox.releaseAbandoned((takenBy) => this.isGone(takenBy));
    if (released > 0) this.options.logger.info('outbox: resending messages a stopped process left unsent', { released });
    this.poll = setInterval(() => this.kick(), this.options.pollMs ?? 5000);
    this.poll.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    if (this.poll) clearInterval(this.poll);
    this.drains.stop();
  }

  /** Sends what is due, in the background (one drain at a time; a kick during a drain runs another after it). */
  kick(): void {
    this.drains.kick();
  }

  private async drain(): Promise<void> {
    // Paged by id: messages this process cannot send (another platform's) never hold up those behind them.
    let afterId = 0;
    for (;;) {
      if (this.drains.isStopped) return;
      const due = await this.services.outbox.due(this.now(), 50, undefined, afterId);
      if (due.length === 0) return;
      for (const message of due) {
        if (this.drains.isStopped) return;
        afterId = message.id;
        const taken = await this.claim(message);
        if (taken) await this.send(taken.message, taken.messenger);
      }
    }
  }

  /**
   * Sends the messages a change of `subject` queued, for the person who made it: waits at most
   * `budgetMs`, then reports the rest as queued (they keep going in the background).
   */
  async sendFor(subject: string, budgetMs = this.options.sendBudgetMs ?? SEND_BUDGET_MS): Promise<SendOutcome[]> {
    const outcomes: SendOutcome[] = [];
    const work = (async () => {
      const seen = new Set<number>();
      for (;;) {
        // A post can queue a refresh of its new copy (a change raced it): that goes out here too.
        const due = (await this.services.outbox.due(this.now(), 20, subject)).filter((message) => !seen.has(message.id));
        if (due.length === 0) return;
        // All of them are taken at once, before the first goes out: nothing else in this process can take one meanwhile.
        const taken = await mapInTurn(due, async (message) => {
          seen.add(message.id);
          return { message, taken: await this.claim(message) };
        });
        for (const { message, taken: claimed } of taken) {
          outcomes.push(claimed ? await this.send(claimed.message, claimed.messenger) : { message, result: 'queued' });
        }
      }
    })().catch((error: unknown) => this.options.logger.error('outbox: sending failed', { subject, error }));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, budgetMs)))]);
    clearTimeout(timer);
    void work.finally(() => this.kick());
    return [...outcomes];
  }

  /** Takes a message for sending; undefined when another process has it or this one cannot reach its platform. */
  private async claim(message: OutboxMessage): Promise<{ message: OutboxMessage; messenger: ChannelMessenger } | undefined> {
    const platform = await this.services.outbox.platformOf(message.workspaceId);
    const messenger = platform ? this.messengers[platform] : undefined;
    // Without a connection to its platform this process leaves the message to one that has it.
    if (!messenger) return undefined;
    const taken = await this.services.outbox.take(message.id, this.now(), this.takenBy);
    return taken ? { message: taken, messenger } : undefined;
  }

  /** Sends a taken message and settles it: sent, retried later (backoff or Retry-After), or failed. */
  private async send(taken: OutboxMessage, messenger: ChannelMessenger): Promise<SendOutcome> {
    try {
      const link = await this.delivery.deliver(taken, messenger, this.now);
      return { message: taken, result: 'sent', ...(link ? { link } : {}) };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const permanent = (error as { permanent?: boolean } | null)?.permanent === true;
      if (permanent || taken.attempts >= this.retry.maxAttempts) {
        this.options.logger.error('outbox: gave up on a message', {
          id: taken.id,
          kind: taken.kind,
          subject: taken.subject,
          target: taken.target,
          attempts: taken.attempts,
          error: reason,
        });
        await this.services.outbox.markFailed(taken, reason);
        return { message: taken, result: 'failed' };
      }
      const waitMs = retryAfterMs(error) ?? Math.min(this.retry.baseMs * 2 ** (taken.attempts - 1), this.retry.maxMs);
      this.options.logger.warn('outbox: sending failed, will retry', {
        id: taken.id,
        kind: taken.kind,
        subject: taken.subject,
        attempts: taken.attempts,
        retryInMs: waitMs,
        error: reason,
      });
      await this.services.outbox.retryLater(taken, reason, new Date(this.now().getTime() + waitMs));
      void this.sleep(waitMs + 5).then(() => this.kick());
      return { message: taken, result: 'queued' };
    }
  }

  /**
   * Whether the process that took a message is gone. SQLite stores are on one host: a taker of this
   * host whose pid is not running (or is ours, from before a restart) is gone. Others wait for the
   * stale time.
   */
  private isGone(takenBy: string): boolean {
    return claimantIsGone(takenBy, this.takenBy);
  }
}
