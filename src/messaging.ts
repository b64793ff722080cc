import { webApi } from '@slack/bolt';
import type { ChannelMessenger, Messengers } from './chat/channel-messenger.ts';
import type { Config } from './config.ts';
import { slackMessenger } from './slack/slack-messenger.ts';
import { boltLogger } from './slack/bolt-logger.ts';
import type { Logger } from './logger.ts';
import { teamsAdapter } from './teams/teams-adapter.ts';
import { teamsMessenger } from './teams/teams-messenger.ts';

/**
 * A job sends to many people: one who cannot be reached (Slack answering 429 or 5xx) must not hold up
 * the others for the WebClient's default half hour of retries. A couple of quick retries, then the
 * message is recorded as failed and the next run takes care of it.
 */
export const JOB_RETRIES = { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 };
export type JobRetries = typeof JOB_RETRIES;

/**
 * Messengers for sending outside a chat request (scheduled jobs, the CLI running one by hand);
 * `retries` changes the waits between retries (tests), JOB_RETRIES otherwise.
 */
export function messengersFor(config: Config, retries: Partial<JobRetries> = {}): Messengers {
  const messengers: Messengers = {};
  if (config.slack.botToken) {
    const client = new webApi.WebClient(config.slack.botToken, {
      ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
      retryConfig: { ...JOB_RETRIES, ...retries },
      rejectRateLimitedCalls: true,
    });
    messengers.slack = slackMessenger(client as never);
  }
  if (config.teams.enabled) messengers.teams = teamsMessenger(teamsAdapter(config.teams), config.teams.appId ?? '');
  return messengers;
}

/**
 * Slack for the outbox: no retries inside the WebClient (the outbox retries with backoff and survives
 * restarts), a 429 handed back with its Retry-After, and a bounded wait so that a hung call cannot hold
 * a message "sending" for long.
 */
export function outboxSlackMessenger(config: Config, logger: Logger): ChannelMessenger | undefined {
  if (!config.slack.botToken) return undefined;
  const client = new webApi.WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 20_000,
    logger: boltLogger(logger.child({ component: 'outbox' })),
  });
  return slackMessenger(client as never);
}
