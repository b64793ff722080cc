import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { postEvent, postSlashCommand } from '../helpers/slack-signing.ts';
import { slackConversation } from '../helpers/slack-conversation.ts';
import { teamsConversation } from '../helpers/teams-conversation.ts';
import { startSlackHarness, startTeamsHarness } from '../helpers/start-test-app.ts';
import { TEST_STORE_KIND } from '../helpers/store-kinds.ts';
import { sqlOf } from '../helpers/test-sql.ts';

/** Counts the write units the bot opens on its store from now on (every service writes through `store.write`). */
function countWrites(store: GovernanceStore): { count: () => number } {
  let count = 0;
  const write = store.write.bind(store);
  store.write = async (work) => {
    count += 1;
    return await write(work);
  };
  return { count: () => count };
}

/** What a write would leave behind: dedupe keys, people, audit events, and Ada's row as it stands. */
async function footprint(store: GovernanceStore) {
  const sql = sqlOf(store);
  return {
    keys: await sql.count('inbound_dedupe_keys'),
    people: await sql.count('people'),
    audit: await sql.count('audit_events'),
  };
}

const READS_SLACK = [
  'help',
  'help more',
  'status',
  'incident list',
  'release list',
  'system list',
  'training list',
  'review list',
  'role list',
];
const READS_TEAMS = ['help', 'status', "what's our status?", 'incident list', 'release list', 'system list', 'training list', 'role list'];

describe(`read paths do not write (${TEST_STORE_KIND})`, () => {
  describe('on Slack', () => {
    let slack: Awaited<ReturnType<typeof startSlackHarness>>;
    const talk = slackConversation(() => slack);
    const ada = { user: 'U0ADA', name: 'ada' };
    let writes: { count: () => number };

    beforeAll(async () => {
      slack = await startSlackHarness({ AIMS_ADMINS: 'slack:U0ADA' });
      // First contact writes (the workspace, Ada, her admin role): after it, she is known.
      expect((await talk.command(ada, 'status')).status).toBe(200);
      writes = countWrites(slack.app.store);
    });
    afterAll(async () => await slack.close());

    it('status, help and every list open no write unit and leave no dedupe key, person or audit event', async () => {
      const before = await footprint(slack.app.store);
      for (const words of READS_SLACK) {
        const response = await talk.command(ada, words);
        expect(response.status, words).toBe(200);
        expect(JSON.stringify(response.json), words).toContain('blocks');
      }
      expect(writes.count()).toBe(0);
      expect(await footprint(slack.app.store)).toEqual(before);
    });

    it('opening a form (the AI system modal) writes nothing', async () => {
      const before = await footprint(slack.app.store);
      const view = await talk.openModal(ada, 'system add');
      expect(JSON.stringify(view)).toContain('AI system');
      expect(writes.count()).toBe(0);
      expect(await footprint(slack.app.store)).toEqual(before);
    });

    it('"what\'s our status?" as an @mention and as a DM writes nothing, and a retry of it is answered once', async () => {
      const before = await footprint(slack.app.store);
      const posted = slack.slackApi.callsTo('chat.postMessage').length;
      const mention = {
        type: 'app_mention',
        user: 'U0ADA',
        text: "<@UAIMSBOT> what's our status?",
        ts: '1700000101.000100',
        channel: 'C0GENERAL',
        event_ts: '1700000101.000100',
      };
      expect((await postEvent(slack.eventsUrl, mention, { event_id: 'EvREADONLY1' })).status).toBe(200);
      // Slack retries an event it saw no answer to: the same event id, x-slack-retry-num.
      expect(
        (await postEvent(slack.eventsUrl, mention, { event_id: 'EvREADONLY1' }, { headers: { 'x-slack-retry-num': '1' } })).status,
      ).toBe(200);
      const dm = { type: 'message', channel_type: 'im', user: 'U0ADA', text: 'status?', ts: '1700000102.000100', channel: 'D0ADA' };
      expect((await postEvent(slack.eventsUrl, dm)).status).toBe(200);
      const answers = slack.slackApi.callsTo('chat.postMessage').slice(posted);
      expect(answers.map((call) => call.args.channel)).toEqual(['C0GENERAL', 'D0ADA']);
      expect(JSON.stringify(answers[0]?.args.blocks)).toContain('AIMS status');
      expect(writes.count()).toBe(0);
      expect(await footprint(slack.app.store)).toEqual(before);
    });

    it('someone new is written, in one unit with the key of the request that met them', async () => {
      const sql = sqlOf(slack.app.store);
      const units = writes.count();
      const before = await footprint(slack.app.store);
      const grace = { user: 'U0GRACE', name: 'grace' };
      expect((await talk.command(grace, 'status')).status).toBe(200);
      expect(writes.count()).toBe(units + 1);
      expect(await sql.get("SELECT display_name FROM people WHERE external_id = 'U0GRACE'")).toEqual({ display_name: 'grace' });
      expect(await footprint(slack.app.store)).toEqual({ keys: before.keys + 1, people: before.people + 1, audit: before.audit + 1 });
      // Known now: the next status writes nothing again.
      expect((await talk.command(grace, 'status')).status).toBe(200);
      expect(writes.count()).toBe(units + 1);
    });

    it('a command that changes something claims its key with the change: a replay of it changes nothing', async () => {
      const sql = sqlOf(slack.app.store);
      const units = writes.count();
      const grant = { text: 'role grant <@U0GRACE|grace> approver', user_id: 'U0ADA', user_name: 'ada' };
      const first = await postSlashCommand(slack.eventsUrl, grant);
      expect(first.status).toBe(200);
      const granted = await sql.count('role_assignments', "role = 'approver'");
      expect(granted).toBe(1);
      const keys = await sql.count('inbound_dedupe_keys');
      const replay = await postSlashCommand(slack.eventsUrl, { ...grant, trigger_id: first.triggerId });
      expect(replay.status).toBe(200);
      expect(await sql.count('role_assignments', "role = 'approver'")).toBe(granted);
      expect(await sql.count('inbound_dedupe_keys')).toBe(keys);
      expect(await sql.count('inbound_dedupe_keys', 'key = ?', `slack:command:T0TEST:${first.triggerId}`)).toBe(1);
      expect(writes.count()).toBeGreaterThan(units);
    });
  });

  describe('on Teams', () => {
    let teams: Awaited<ReturnType<typeof startTeamsHarness>>;
    const talk = teamsConversation(() => teams);
    const ada = { user: 'ada', name: 'Ada Lovelace' };
    let writes: { count: () => number };

    beforeAll(async () => {
      teams = await startTeamsHarness();
      expect(await talk.say(ada, 'status')).toBeDefined();
      writes = countWrites(teams.app.store);
    });
    afterAll(async () => await teams.close());

    it('status, "what\'s our status?", help and every list open no write unit and leave nothing behind', async () => {
      const before = await footprint(teams.app.store);
      for (const words of READS_TEAMS) expect(await talk.say(ada, words), words).toBeDefined();
      expect(writes.count()).toBe(0);
      expect(await footprint(teams.app.store)).toEqual(before);
    });

    it('opening a form (the AI system card) writes nothing', async () => {
      const before = await footprint(teams.app.store);
      expect(JSON.stringify(await talk.say(ada, 'system add'))).toContain('Input.Text');
      expect(writes.count()).toBe(0);
      expect(await footprint(teams.app.store)).toEqual(before);
    });

    it('a changed display name is written, once, with its audit event', async () => {
      const sql = sqlOf(teams.app.store);
      const units = writes.count();
      const before = await footprint(teams.app.store);
      expect(await talk.say({ user: 'ada', name: 'Ada King' }, 'status')).toBeDefined();
      expect(writes.count()).toBe(units + 1);
      expect(await sql.all("SELECT display_name FROM people WHERE external_id LIKE '%ada%'")).toEqual([{ display_name: 'Ada King' }]);
      expect(await sql.count('audit_events', "action = 'person.renamed'")).toBe(1);
      // The rename was a change (its personal chat's reference names her too): the status's key was claimed in the same unit.
      const after = await footprint(teams.app.store);
      expect({ keys: after.keys, people: after.people }).toEqual({ keys: before.keys + 1, people: before.people });
      const changes = await sql.all<{ action: string }>('SELECT action FROM audit_events ORDER BY sequence');
      expect(changes.slice(before.audit).map((event) => event.action)).toContain('person.renamed');
      expect(await talk.say({ user: 'ada', name: 'Ada King' }, 'help')).toBeDefined();
      expect(writes.count()).toBe(units + 1);
    });
  });
});
