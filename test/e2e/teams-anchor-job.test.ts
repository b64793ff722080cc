import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTeamsHarness } from '../helpers/start-test-app.ts';
import { teamsConversation } from '../helpers/teams-conversation.ts';
import { sqlOf } from '../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
let teams: Harness;
const { say } = teamsConversation(() => teams);

const ADMIN = { user: 'aad-admin', name: 'Alice Admin' };
const LEADERSHIP = '19%3Aleadership%40thread.tacv2';
const text = (value: unknown) => JSON.stringify(value ?? null);
const anchorPosts = () =>
  teams.connector.activities.filter(
    (entry) =>
      entry.method === 'POST' &&
      entry.path === `/v3/conversations/${LEADERSHIP}/activities` &&
      text(entry.activity).includes('AIMS audit anchor'),
  );
const anchorRows = async () =>
  await sqlOf(teams.app.store).all<{ sequence: number; hash: string; channelId: string; source: string }>(
    'SELECT sequence, hash, channel_id AS "channelId", source FROM published_anchors ORDER BY id',
  );
const run = async (at: string) => ((await teams.app.runJob('anchor', new Date(at))) as Array<{ outcome: string }>).map((r) => r.outcome);
const setChannel = async (purpose: string, id: string) =>
  await say(ADMIN, `aims setup channel ${purpose}`, { conversationType: 'channel', mentionBot: true, conversationId: id });

// Each test has its own bot and store, its leadership channel set.
beforeEach(async () => {
  teams = await startTeamsHarness({ AIMS_ADMINS: 'teams:aad-admin' });
  await say(ADMIN, 'aims status');
  await setChannel('leadership', '19:leadership@thread.tacv2');
});
afterEach(async () => {
  await teams.close();
});

describe('daily audit anchor on Teams', () => {
  it('posts the chain head to the leadership channel as a valid card once a day when something changed, and records it', async () => {
    expect(await run('2026-11-23T09:00:00Z')).toEqual(['sent']);
    expect(await run('2026-11-23T12:00:00Z')).toEqual(['already sent']);
    expect(anchorPosts()).toHaveLength(1);
    expect(anchorPosts()[0]?.problems).toEqual([]);
    const [row] = await anchorRows();
    expect(row).toMatchObject({ channelId: '19:leadership@thread.tacv2', source: 'anchor 2026-11-23' });
    expect(text(anchorPosts()[0]?.activity)).toContain(`audit chain head #${row?.sequence} `);
    expect(text(anchorPosts()[0]?.activity)).toContain(String(row?.hash));
  });

  it('a quiet day posts nothing; a day with a change posts again', async () => {
    // 2026-11-23: the first anchor.
    expect(await run('2026-11-23T09:00:00Z')).toEqual(['sent']);
    expect(await run('2026-11-24T09:00:00Z')).toEqual(['nothing changed']);
    expect(anchorPosts()).toHaveLength(1);
    await setChannel('incidents', '19:incidents@thread.tacv2');
    expect(await run('2026-11-25T09:00:00Z')).toEqual(['sent']);
    expect(anchorPosts()).toHaveLength(2);
    expect((await anchorRows()).map((r) => r.source)).toEqual(['anchor 2026-11-23', 'anchor 2026-11-25']);
    expect(await teams.app.store.verifyAudit()).toMatchObject({ ok: true });
  });
});
