import { runCli } from '../../src/cli/aims-cli.ts';
import { TEST_SIGNING_SECRET } from './slack-signing.ts';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * `aims …` run in this process through the function behind bin/aims.js, with its own environment:
 * it opens its own connection to the store file, as a second process would.
 */
export async function runAimsCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    out: (line) => (out += `${line}\n`),
    err: (line) => (err += `${line}\n`),
    env: { LOG_LEVEL: 'silent', ...env },
  });
  return { code, out, err };
}

/** The environment an operator's `aims jobs run …` has: the bot's store and its Slack credentials. */
export function slackJobEnv(dbPath: string, slackApiUrl: string): Record<string, string> {
  return { AIMS_DB: dbPath, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: slackApiUrl };
}
