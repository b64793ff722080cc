import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startAims, type RunningAims } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/logger.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { startFakeSlackApi } from '../helpers/fake-slack-api.ts';
import { seedReleaseWorkspace } from '../helpers/release-workspace.ts';
import { killGroup, spawnBot } from '../helpers/spawn-bot.ts';
import { submitModal } from '../helpers/slack-interactions.ts';
import { slackConversation } from '../helpers/slack-conversation.ts';
import { TEST_SIGNING_SECRET } from '../helpers/slack-signing.ts';
import { openTestStore, testStoreUrl, TEST_STORE_KIND } from '../helpers/store-kinds.ts';
import { sqlOf } from '../helpers/test-sql.ts';

const dir = mkdtempSync(join(tmpdir(), 'aims-crash-'));
const dbPath = join(dir, 'aims.db');
// On PostgreSQL the bot runs on a database of the run's cluster instead of the file (made when the test seeds it).
let pgStore: GovernanceStore | undefined;
const TOKEN = 'token-for-acme-0123456789abcdef';
const children: ChildProcess[] = [];
const running: RunningAims[] = [];
const slackApi = await startFakeSlackApi({ channels: { C0INC: 'ai-incidents', C0LEAD: 'ai-leadership', C0APP: 'ai-approvals' } });

afterAll(async () => {
  for (const bot of running) await bot.close();
  for (const child of children) killGroup(child);
  await slackApi.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What the bot runs on: the store (file or database), the fake Slack, the release API; as `npm start` reads it from its environment. */
function botEnv(port: number): Record<string, string> {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    ...(pgStore ? { AIMS_DATABASE_URL: testStoreUrl(pgStore) ?? '' } : { AIMS_DB: dbPath }),
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: slackApi.apiUrl,
    AIMS_API_TOKENS: `slack:T0TEST=${TOKEN}`,
    LOG_LEVEL: 'error',
    // The people are answered "queued" after this wait instead of the default 2 s; the posts stay held.
    AIMS_OUTBOX_SEND_BUDGET_MS: '200',
  };
}

/** The bot as `npm start` runs it, in its own process group, so that it can be killed -9. */
const startBot = async () => await spawnBot(botEnv, children);

/** What the store holds, read behind the bot's back (a read-only connection to the file, or sqlOf on the database). */
const read = async <T>(query: string): Promise<T[]> => {
  if (pgStore) return await sqlOf(pgStore).all<T>(query);
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(query).all() as T[];
  } finally {
    db.close();
  }
};

/** The cards Slack accepted (a post left hanging when the bot died was never posted), as "channel card". */
const acceptedCards = () =>
  slackApi
    .callsTo('chat.postMessage')
    .filter((call) => !call.held)
    .map((call) => `${String(call.args.channel)} ${/(INC|REL)-\d+ ·/.exec(JSON.stringify(call.args.blocks))?.[0] ?? '?'}`)
    .sort();

describe('kill -9 between commit and post', () => {
  it('restart: every committed incident and release card is posted once', async () => {
    // A workspace set up as an admin would have it, on the store the bot will use.
    const seed = TEST_STORE_KIND === 'sqlite' ? SqliteStore.open(dbPath) : await openTestStore();
    if (TEST_STORE_KIND === 'postgres') pgStore = seed;
    await seedReleaseWorkspace(seed, { clock: systemClock });
    await seed.close();

    const bot = await startBot();
    const harness = { eventsUrl: `${bot.url}/slack/events`, slackApi };
    const { openModal } = slackConversation(() => harness as never);
    const reporter = { user: 'U0REP', name: 'rita' };
    const forms = [];
    for (const title of ['Scorer holds every payment', 'Chatbot quotes wrong fees', 'Scorer leaks card numbers'])
      forms.push(await openModal(reporter, `incident ${title}`));

    // Slack hangs: every post is left unanswered. The people are answered anyway, told the posts are queued.
    slackApi.holdPosts(true);
    const fields = { type: 'other', systemName: 'Shadow chatbot', description: 'd', affected: 'a', detectedAt: '2026-11-22T08:30:00.000Z' };
    const answers = await Promise.all([
      submitModal(harness.eventsUrl, forms[0] as never, { ...fields, severity: 'S1' }, reporter, 'V0CRASH1'),
      submitModal(harness.eventsUrl, forms[1] as never, { ...fields, severity: 'S3' }, reporter, 'V0CRASH2'),
      submitModal(harness.eventsUrl, forms[2] as never, { ...fields, severity: 'S2' }, reporter, 'V0CRASH3'),
      fetch(`${bot.url}/api/v1/releases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({
          aiSystem: 'Fraud Scorer',
          version: '3.0.0',
          changeType: 'retrain',
          whatChanged: 'Nightly retrain.',
          measurements: [{ metric: 'recall', dataset: 'holdout', value: 0.95 }],
          risks: 'None known.',
          requester: 'U0PIPE',
        }),
      }),
    ]);
    for (const answer of answers.slice(0, 3))
      expect(JSON.stringify((answer as { json?: unknown }).json)).toMatch(
        /Logged INC-\d\. Posting to #ai-incidents( and #ai-leadership)? is queued/,
      );
    expect((answers[3] as Response).status).toBe(201);
    expect(await read('SELECT count(*) AS n FROM incidents')).toEqual([{ n: 3 }]);
    expect(await read("SELECT count(*) AS n FROM outbox_messages WHERE kind = 'post' AND status <> 'sent'")).toEqual([{ n: 6 }]);
    // Some were on their way (taken, "sending") when the process died: those are handed back on restart.
    expect((await read<{ n: number }>("SELECT count(*) AS n FROM outbox_messages WHERE status = 'sending'"))[0]?.n).toBeGreaterThan(0);
    expect(acceptedCards()).toEqual([]);

    process.kill(-(bot.child.pid ?? 0), 'SIGKILL');
    await bot.exited;
    for (let i = 0; slackApi.liveHeldPosts() > 0 && i < 200; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(slackApi.liveHeldPosts()).toBe(0);
    slackApi.holdPosts(false);

    // Restarted with Slack answering again: what the dead process committed goes out, once each. The restart
    // runs in this process, from the same environment, started as src/main.ts starts it (the dead pid is not
    // running, so what it had taken is handed back).
    running.push(await startAims(loadConfig({ ...botEnv(0), LOG_LEVEL: 'silent' }), { logger: createLogger('silent'), jobs: false }));
    for (let i = 0; (await read<{ n: number }>("SELECT count(*) AS n FROM outbox_messages WHERE status <> 'sent'"))[0]?.n !== 0; i++) {
      if (i > 600)
        throw new Error(
          `outbox never drained: ${JSON.stringify(await read('SELECT id, kind, target, status, attempts, last_error FROM outbox_messages'))}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The three forms were submitted at once, so which got INC-1 is the store's order of commits: the
    // leadership channel gets the S1 and the S2 (not the S3), whatever their numbers.
    const incidents = await read<{ number: number; severity: string }>('SELECT number, severity FROM incidents ORDER BY number');
    expect(incidents.map((row) => row.severity).sort()).toEqual(['S1', 'S2', 'S3']);
    const serious = incidents.filter((row) => row.severity !== 'S3').map((row) => `C0LEAD INC-${row.number} ·`);
    expect(acceptedCards().filter((card) => card.startsWith('C'))).toEqual([
      'C0APP REL-1 ·',
      'C0INC INC-1 ·',
      'C0INC INC-2 ·',
      'C0INC INC-3 ·',
      ...serious,
    ]);
    // Each reporter's own copy (a direct message) went out once too.
    expect(acceptedCards().filter((card) => !card.startsWith('C'))).toHaveLength(3);
    expect(new Set(acceptedCards().filter((card) => !card.startsWith('C'))).size).toBe(3);
    // Each posted copy is tracked, so later changes update every one of them.
    const copies = await read<{ n: number }>(
      "SELECT (SELECT count(*) FROM posted_messages p WHERE p.subject = 'incident:' || i.id AND p.purpose NOT LIKE 'personal:%') AS n FROM incidents i ORDER BY number",
    );
    expect(copies.map((row) => row.n)).toEqual(incidents.map((row) => (row.severity === 'S3' ? 1 : 2)));
    expect(await read("SELECT count(*) AS n FROM posted_messages WHERE subject LIKE 'release:%'")).toEqual([{ n: 1 }]);
  }, 120_000);
});
