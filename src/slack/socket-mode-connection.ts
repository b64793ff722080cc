import type { SocketModeReceiver } from '@slack/bolt';
import type { Logger } from '../logger.ts';

export type SlackConnectionState = 'connecting' | 'connected' | 'down';

/** The Socket Mode link to Slack, kept up in the background: the rest of the bot never waits for it. */
export interface SocketModeConnection {
  state(): SlackConnectionState;
  /** Starts connecting; failures are logged and retried, never thrown. */
  start(): void;
  stop(): Promise<void>;
}

/** Waits before the next attempt: quick at first, then once a minute while Slack stays unreachable. */
export const DEFAULT_RECONNECT_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000, 60_000];

/**
 * Supervises the receiver's Socket Mode client. The client's own reconnect is off (its retry after a
 * lost connection rejects unhandled when Slack is unreachable), so every attempt goes through here:
 * one JSON log line per failure, the state for /healthz, and a retry after a growing delay.
 */
export function socketModeConnection(
  receiver: SocketModeReceiver,
  logger: Logger,
  delaysMs: readonly number[] = DEFAULT_RECONNECT_DELAYS_MS,
): SocketModeConnection {
  const client = receiver.client;
  let state: SlackConnectionState = 'connecting';
  let stopped = false;
  let attempting = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const schedule = () => {
    if (stopped || attempting || timer) return;
    const delay = delaysMs[Math.min(failures - 1, delaysMs.length - 1)] ?? 1_000;
    timer = setTimeout(() => {
      timer = undefined;
      void attempt();
    }, delay);
    timer.unref();
  };

  const attempt = async () => {
    if (stopped) return;
    attempting = true;
    try {
      await receiver.start();
      attempting = false;
      // Stopped while connecting: close what just opened.
      if (stopped) await receiver.stop();
    } catch (error) {
      attempting = false;
      if (stopped) return;
      failures += 1;
      state = 'down';
      const retryInMs = delaysMs[Math.min(failures - 1, delaysMs.length - 1)] ?? 1_000;
      logger.error('slack socket mode connection failed; retrying', { error, failures, retryInMs });
      schedule();
    }
  };

  client.on('connected', () => {
    failures = 0;
    state = 'connected';
    logger.info('slack socket mode connected; listening for events');
  });
  client.on('disconnected', () => {
    // A failed attempt reports itself through receiver.start(); this is a connection that was up.
    if (stopped || attempting) return;
    failures += 1;
    state = 'down';
    logger.warn('slack socket mode connection lost; reconnecting', { failures });
    schedule();
  });

  return {
    state: () => state,
    start() {
      stopped = false;
      state = 'connecting';
      logger.info('slack socket mode connecting');
      void attempt();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await receiver.stop();
    },
  };
}
