import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEvent } from '../helpers/slack-signing.ts';
import { slackConversation } from '../helpers/slack-conversation.ts';
import { teamsConversation } from '../helpers/teams-conversation.ts';
import { startSlackHarness, startTeamsHarness } from '../helpers/start-test-app.ts';

type App = { store: { write: (...args: never[]) => Promise<unknown> } };
function countWrites(app: App) {
  const writes: string[] = [];
  const original = app.store.write.bind(app.store);
  app.store.write = ((work: never) => {
    writes.push((new Error().stack ?? '').split('\n').slice(2, 7).join(' | '));
    return original(work);
  }) as never;
  return writes;
}

describe('explore', () => {
  let slack: Awaited<ReturnType<typeof startSlackHarness>>;
  let teams: Awaited<ReturnType<typeof startTeamsHarness>>;
  beforeAll(async () => {
    slack = await startSlackHarness();
    teams = await startTeamsHarness();
  });
  afterAll(async () => {
    await slack.close();
    await teams.close();
  });
  it('slack', async () => {
    const talk = slackConversation(() => slack);
    const ada = { user: 'U0ADA', name: 'ada' };
    await talk.command(ada, 'help');
    await talk.command(ada, 'status');
    const writes = countWrites(slack.app as never);
    for (const words of ['help', 'help more', 'status', 'incident list', 'release list', 'system list', 'training list', 'review list', 'role list', 'incident', 'nonsense']) {
      const before = writes.length;
      await talk.command(ada, words);
      console.log('SLACK', words, writes.slice(before));
    }
    let before = writes.length;
    await postEvent(slack.eventsUrl, { type: 'app_mention', user: 'U0ADA', text: "<@UAIMSBOT> what's our status?", ts: '1700000001.000200', channel: 'C0GENERAL', event_ts: '1700000001.000200' });
    console.log('SLACK mention', writes.slice(before));
    before = writes.length;
    await postEvent(slack.eventsUrl, { type: 'message', channel_type: 'im', user: 'U0ADA', text: "status?", ts: '1700000002.000200', channel: 'D0ADA', event_ts: '1700000002.000200' });
    console.log('SLACK dm', writes.slice(before));
    expect(writes).toBeDefined();
  });
  it('teams', async () => {
    const talk = teamsConversation(() => teams);
    const ada = { user: 'ada', name: 'Ada Lovelace' };
    await talk.say(ada, 'help');
    await talk.say(ada, 'status');
    const writes = countWrites(teams.app as never);
    for (const words of ['help', 'status', "what's our status?", 'incident list', 'release list', 'system list', 'incident', 'nonsense']) {
      const before = writes.length;
      await talk.say(ada, words);
      console.log('TEAMS', words, writes.slice(before));
    }
    expect(writes).toBeDefined();
  });
});
