import { webApi } from '@slack/bolt';
import type { Messengers } from './chat/channel-messenger.ts';
import type { Config } from './config.ts';
import { slackMessenger } from './slack/slack-messenger.ts';
import { teamsAdapter } from './teams/teams-adapter.ts';
import { teamsMessenger } from './teams/teams-messenger.ts';

/** Messengers for processes that send without serving HTTP (the CLI running a job by hand). */
export function messengersFor(config: Config): Messengers {
  const messengers: Messengers = {};
  if (config.slack.botToken) {
    messengers.slack = slackMessenger(new webApi.WebClient(config.slack.botToken, { ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}) }) as never);
  }
  if (config.teams.enabled) messengers.teams = teamsMessenger(teamsAdapter(config.teams), config.teams.appId ?? '');
  return messengers;
}
