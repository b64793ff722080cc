import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSlackMessage } from '../helpers/slack-limits.ts';
import { postEvent, postSlashCommand } from '../helpers/slack-signing.ts';
import { startSlackHarness } from '../helpers/start-test-app.ts';
import { storeCounts } from '../helpers/store-counts.ts';
import { sqlOf } from '../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
let slack: Harness;

beforeAll(async () => {
  slack = await startSlackHarness();
});
afterAll(async () => {
  await slack.close();
});

const blockText = (payload: Record<string, unknown> | undefined) => JSON.stringify(payload?.blocks ?? []);

describe('Slack over HTTP, signed as Slack signs', () => {
  it('refuses a forged signature with 401 and stores nothing', async () => {
    const before = await storeCounts(slack.app.store);
    const response = await postSlashCommand(slack.eventsUrl, { text: 'status', user_id: 'U0FORGER' }, { secret: 'not-the-secret' });
    expect(response.status).toBe(401);
    expect(await storeCounts(slack.app.store)).toEqual(before);
  });

  it('refuses a correctly signed but stale (6 minutes old) request with 401 and stores nothing', async () => {
    const before = await storeCounts(slack.app.store);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const response = await postSlashCommand(slack.eventsUrl, { text: 'status', user_id: 'U0STALE' }, { timestamp: sixMinutesAgo });
    expect(response.status).toBe(401);
    expect(await storeCounts(slack.app.store)).toEqual(before);
  });

  it('refuses a correctly signed request timestamped 6 minutes in the future with 401, like a stale one', async () => {
    const before = await storeCounts(slack.app.store);
    const sixMinutesAhead = Math.floor(Date.now() / 1000) + 6 * 60;
    const response = await postSlashCommand(slack.eventsUrl, { text: 'status', user_id: 'U0FUTURE' }, { timestamp: sixMinutesAhead });
    expect(response.status).toBe(401);
    expect(await storeCounts(slack.app.store)).toEqual(before);
    // Within the window either way is fine: clocks differ a little.
    const slightlyAhead = await postSlashCommand(
      slack.eventsUrl,
      { text: 'help', user_id: 'U0FUTURE' },
      { timestamp: Math.floor(Date.now() / 1000) + 60 },
    );
    expect(slightlyAhead.status).toBe(200);
  });

  it('/aims help lists the subcommands, privately, within Block Kit limits', async () => {
    const response = await postSlashCommand(slack.eventsUrl, { text: 'help' });
    expect(response.status).toBe(200);
    expect(response.json?.response_type).toBe('ephemeral');
    expect(checkSlackMessage(response.json ?? {})).toEqual([]);
    expect(blockText(response.json)).toContain('`/aims status`');
    expect(blockText(response.json)).toContain('`/aims help`');
  });

  it('/aims status answers from the store and creates the workspace and person on first contact', async () => {
    const response = await postSlashCommand(slack.eventsUrl, { text: 'status', user_id: 'U0GRACE', user_name: 'grace' });
    expect(response.status).toBe(200);
    expect(checkSlackMessage(response.json ?? {})).toEqual([]);
    const text = blockText(response.json);
    expect(text).toContain('AIMS status · acme');
    // Nothing recorded yet: the first-run checklist instead of zeros.
    expect(text).toContain('Add your first AI system');
    expect(text).not.toContain('People known');
    const person = await sqlOf(slack.app.store).get("SELECT display_name FROM people WHERE external_id = 'U0GRACE'");
    expect(person).toEqual({ display_name: 'grace' });
    expect((await slack.app.store.verifyAudit()).ok).toBe(true);
  });

  it('an unknown subcommand gets help with the closest match', async () => {
    const response = await postSlashCommand(slack.eventsUrl, { text: 'stauts' });
    expect(blockText(response.json)).toContain('Did you mean `/aims status`?');
  });

  it('escapes what the user typed: <!channel> pings nobody', async () => {
    const response = await postSlashCommand(slack.eventsUrl, { text: '<!channel> <@U0BOSS>' });
    const text = blockText(response.json);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U0BOSS>');
  });

  it('answers an @mention asking "what\'s our status?" with the status, in a thread', async () => {
    const posted = slack.slackApi.callsTo('chat.postMessage').length;
    const response = await postEvent(slack.eventsUrl, {
      type: 'app_mention',
      user: 'U0ADA',
      text: "<@UAIMSBOT> what's our status?",
      ts: '1700000001.000200',
      channel: 'C0GENERAL',
      event_ts: '1700000001.000200',
    });
    expect(response.status).toBe(200);
    const calls = slack.slackApi.callsTo('chat.postMessage').slice(posted);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args).toMatchObject({ channel: 'C0GENERAL', thread_ts: '1700000001.000200' });
    expect(JSON.stringify(calls[0]?.args.blocks)).toContain('AIMS status');
    expect(calls[0]?.problems).toEqual([]);
  });

  it('answers a direct message "status?" in the DM, and other free text with help', async () => {
    const posted = slack.slackApi.callsTo('chat.postMessage').length;
    await postEvent(slack.eventsUrl, {
      type: 'message',
      channel_type: 'im',
      channel: 'D0ADA',
      user: 'U0ADA',
      text: 'status?',
      ts: '1700000002.000100',
    });
    await postEvent(slack.eventsUrl, {
      type: 'message',
      channel_type: 'im',
      channel: 'D0ADA',
      user: 'U0ADA',
      text: 'hello there',
      ts: '1700000003.000100',
    });
    const calls = slack.slackApi.callsTo('chat.postMessage').slice(posted);
    expect(calls.map((call) => call.args.channel)).toEqual(['D0ADA', 'D0ADA']);
    expect(JSON.stringify(calls[0]?.args.blocks)).toContain('AIMS status');
    expect(JSON.stringify(calls[1]?.args.blocks)).toContain('`/aims help`');
    expect(calls.flatMap((call) => call.problems)).toEqual([]);
  });

  it('a retried event (same event id, x-slack-retry-num) is answered once', async () => {
    const posted = slack.slackApi.callsTo('chat.postMessage').length;
    const event = { type: 'app_mention', user: 'U0ADA', text: '<@UAIMSBOT> status', ts: '1700000004.000100', channel: 'C0GENERAL' };
    const first = await postEvent(slack.eventsUrl, event, { event_id: 'Ev0RETRY0001' });
    const retry = await postEvent(
      slack.eventsUrl,
      event,
      { event_id: 'Ev0RETRY0001' },
      { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } },
    );
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(slack.slackApi.callsTo('chat.postMessage').length - posted).toBe(1);
  });

  it('publishes the checklist and the commands on the App Home tab when it is first opened', async () => {
    const published = slack.slackApi.callsTo('views.publish').length;
    const response = await postEvent(slack.eventsUrl, {
      type: 'app_home_opened',
      user: 'U0ADA',
      channel: 'D0ADA',
      tab: 'home',
      event_ts: '1700000006.000100',
    });
    expect(response.status).toBe(200);
    const calls = slack.slackApi.callsTo('views.publish').slice(published);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args.user_id).toBe('U0ADA');
    expect(calls[0]?.problems).toEqual([]);
    const home = JSON.stringify(calls[0]?.args.view);
    expect(home).toContain('"type":"home"');
    expect(home).toContain('Get started with aims-bot');
    expect(home).toContain('`/aims help`');
  });

  it('ignores edits and other message subtypes in DMs', async () => {
    const posted = slack.slackApi.callsTo('chat.postMessage').length;
    await postEvent(slack.eventsUrl, {
      type: 'message',
      subtype: 'message_changed',
      channel_type: 'im',
      channel: 'D0ADA',
      ts: '1700000005.000100',
      message: { user: 'U0ADA', text: 'status' },
    });
    expect(slack.slackApi.callsTo('chat.postMessage').length).toBe(posted);
  });
});
