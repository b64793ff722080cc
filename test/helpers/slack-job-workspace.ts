import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/core/clock.ts';
import { submitModal } from './slack-interactions.ts';
import { postSlashCommand } from './slack-signing.ts';
import { startSlackHarness, type TestAppOptions } from './start-test-app.ts';
import { TEST_STORE_KIND, testStoreUrl } from './store-kinds.ts';
import { sqlOf } from './test-sql.ts';

type Json = Record<string, unknown>;
export type SlackHarness = Awaited<ReturnType<typeof startSlackHarness>>;

/** The channels a job workspace is set up with: incidents, approvals and leadership. */
export const JOB_CHANNELS = { C0INC: 'ai-incidents', C0APP: 'ai-approvals', C0LEAD: 'ai-leadership' };

/**
 * A bot on a store that a second connection, the CLI's, can open too: on SQLite its own store file, on
 * PostgreSQL this project's database. `dbPath` is where the CLI finds it (`--db`, AIMS_DB or
 * AIMS_DATABASE_URL): the file's path, or the database's URL; `dir` is a scratch directory of the test's.
 */
export async function startSlackOnStoreFile(
  env: Record<string, string>,
  directory: { users?: Record<string, string>; channels?: Record<string, string> } = {},
  clock?: Clock,
  options: TestAppOptions = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'aims-jobs-'));
  const file = join(dir, 'aims.db');
  const slack = await startSlackHarness(
    TEST_STORE_KIND === 'sqlite' ? { ...env, AIMS_DB: file } : env,
    { ...directory, channels: { ...JOB_CHANNELS, ...directory.channels } },
    clock,
    options,
  );
  const url = testStoreUrl(slack.app.store);
  if (TEST_STORE_KIND === 'postgres' && !url) throw new Error('The bot is not on a PostgreSQL test store.');
  return {
    ...slack,
    dbPath: url ?? file,
    dir,
    async close() {
      await slack.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A slash command by a user, and the modal it opened (if any). */
export async function openModal(slack: SlackHarness, user: string, words: string): Promise<Json> {
  await postSlashCommand(slack.eventsUrl, { text: words, user_id: user, user_name: user.toLowerCase() });
  return slack.slackApi.callsTo('views.open').at(-1)?.args.view as Json;
}

/**
 * A workspace with an admin (its setup done: incidents, approvals and leadership channels, UTC), an
 * approver if named, and an AI system owned by `owner`; made through Slack as the admin would.
 */
export async function slackJobWorkspace(
  slack: SlackHarness,
  people: { admin: string; owner: string; approver?: string; systemName?: string },
): Promise<{ systemId: string }> {
  const { admin } = people;
  await submitModal(
    slack.eventsUrl,
    await openModal(slack, admin, 'setup'),
    { incidentsChannel: 'C0INC', approvalsChannel: 'C0APP', leadershipChannel: 'C0LEAD', defaultApprovals: '1', timeZone: 'UTC' },
    { user: admin },
    'V1',
  );
  await submitModal(
    slack.eventsUrl,
    await openModal(slack, admin, 'system add'),
    {
      name: people.systemName ?? 'Scorer',
      description: 'd',
      purpose: 'p',
      owner: people.owner,
      euRiskLevel: 'high',
      internalTier: 'tier-1',
      stage: 'development',
      provider: 'in-house',
    },
    { user: admin },
    'V2',
  );
  if (people.approver)
    await postSlashCommand(slack.eventsUrl, {
      text: `role grant <@${people.approver}> approver`,
      user_id: admin,
      user_name: admin.toLowerCase(),
    });
  const row = (await sqlOf(slack.app.store).get<{ id: number }>('SELECT id FROM ai_systems ORDER BY id DESC LIMIT 1'))!;
  return { systemId: String(row.id) };
}
