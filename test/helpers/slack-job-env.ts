import { TEST_SIGNING_SECRET } from './slack-signing.ts';

/** The environment an operator's `aims jobs run …` has: the bot's store and its Slack credentials. */
export function slackJobEnv(dbPath: string, slackApiUrl: string): Record<string, string> {
  return { AIMS_DB: dbPath, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: slackApiUrl };
}
