import { isPostgresUrl } from '../../src/store/open-store.ts';
import { TEST_SIGNING_SECRET } from './slack-signing.ts';

/** The environment an operator's `aims jobs run …` has: the bot's store (a file, or a PostgreSQL URL) and its Slack credentials. */
export function slackJobEnv(dbPath: string, slackApiUrl: string): Record<string, string> {
  return {
    ...(isPostgresUrl(dbPath) ? { AIMS_DATABASE_URL: dbPath } : { AIMS_DB: dbPath }),
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: slackApiUrl,
  };
}
