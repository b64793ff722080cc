import { webApi } from '@slack/bolt';
import type { ChannelMessenger, Messengers } from './chat/channel-messenger.ts';
import type { Config } from './config.ts';
import { slackMessenger } from './slack/slack-messenger.ts';
import { boltLogger } from './slack/bolt-logger.ts';
import type { Logger } from './logger.ts';

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
export async function messengersFor(config: Config, retries: Partial<JobRetries> = {}): Promise<Messengers> {
  const messengers: Messengers = {};
  const slack = jobSlackMessenger(config, retries);
  if (slack) messengers.slack = slack;
  if (config.teams.enabled) {
    // botbuilder (and the Azure SDK under it) is loaded only where Teams is configured.
    const [{ teamsAdapter }, { teamsMessenger }] = await Promise.all([
      import('./teams/teams-adapter.ts'),
      import('./teams/teams-messenger.ts'),
    ]);
    messengers.teams = teamsMessenger(teamsAdapter(config.teams), config.teams.appId ?? '');
  }
  return messengers;
}

/** Slack for a job: the WebClient with JOB_RETRIES (or `retries`), or undefined without a bot token. */
export function jobSlackMessenger(config: Config, retries: Partial<JobRetries> = {}): ChannelMessenger | undefined {
  if (!config.slack.botToken) return undefined;
  const client = new webApi.WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    retryConfig: { ...JOB_RETRIES, ...retries },
    rejectRateLimitedCalls: true,
  });
  return slackMessenger(client as never);
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
