import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { teamsMessage } from '../helpers/fake-teams-connector.ts';
import { startTeamsHarness } from '../helpers/start-test-app.ts';
import { sqlOf } from '../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
let teams: Harness;

beforeAll(async () => {
  teams = await startTeamsHarness();
});
afterAll(async () => {
  await teams.close();
});
// The tests share one bot (each speaks as its own person or tenant); after each, the audit chain is intact.
afterEach(async () => {
  expect(await teams.app.store.verifyAudit()).toMatchObject({ ok: true });
});

/** Posts an activity and returns what the bot sent back to the connector for it. */
async function say(activity: ReturnType<typeof teamsMessage>) {
  const before = teams.connector.activities.length;
  const response = await teams.post(activity);
  return { status: response.status, replies: teams.connector.activities.slice(before) };
}

const cardText = (reply: { activity: Record<string, unknown> } | undefined) => JSON.stringify(reply?.activity.attachments ?? []);

describe('Teams in local mode (authentication off, loopback only)', () => {
  it('ignores an activity without a sender (from): no reply, no placeholder person "unknown", nothing stored', async () => {
    const counts = async () =>
      await sqlOf(teams.app.store).get('SELECT (SELECT count(*) FROM people) AS people, (SELECT count(*) FROM audit_events) AS audit');
    const before = await counts();
    for (const from of [undefined, {}, { id: '', name: 'Nobody' }]) {
      const { from: _from, ...anonymous } = teamsMessage(teams.connector.serviceUrl, 'aims status');
      void _from;
      const { status, replies } = await say({ ...anonymous, ...(from ? { from } : {}) } as ReturnType<typeof teamsMessage>);
      expect(status).toBe(200);
      expect(replies).toHaveLength(0);
    }
    expect(await sqlOf(teams.app.store).count('people', "external_id = 'unknown'")).toBe(0);
    expect(await counts()).toEqual(before);
  });

  it('answers "aims help" in a personal chat at the connector, with a valid Adaptive Card 1.5', async () => {
    const { status, replies } = await say(teamsMessage(teams.connector.serviceUrl, 'aims help'));
    expect(status).toBe(200);
    expect(replies).toHaveLength(1);
    const reply = replies[0];
    expect(reply?.path).toMatch(/^\/v3\/conversations\/conv-personal-ada\/activities\/activity-\d+$/);
    expect(reply?.problems).toEqual([]);
    expect(cardText(reply)).toContain('aims status');
    expect(reply?.activity.summary).toBe('aims-bot commands');
  });

  it('understands "status" without the word aims in a personal chat, and creates the tenant and person', async () => {
    const { replies } = await say(teamsMessage(teams.connector.serviceUrl, 'status', { user: 'aad-grace', name: 'Grace Hopper' }));
    expect(replies[0]?.problems).toEqual([]);
    // Nothing recorded yet: the checklist, with the Teams way of choosing channels.
    expect(cardText(replies[0])).toContain('Add your first AI system');
    expect(cardText(replies[0])).toContain('@aims setup channel incidents');
    const person = await sqlOf(teams.app.store).get(
      "SELECT p.display_name, w.external_id AS tenant FROM people p JOIN workspaces w ON w.id = p.workspace_id WHERE p.external_id = 'aad-grace'",
    );
    expect(person).toEqual({ display_name: 'Grace Hopper', tenant: 'tenant-1' });
  });

  it('answers an @mention "aims status" in a channel', async () => {
    const { replies } = await say(
      teamsMessage(teams.connector.serviceUrl, 'aims status', { conversationType: 'channel', mentionBot: true }),
    );
    expect(replies).toHaveLength(1);
    expect(cardText(replies[0])).toContain('AIMS status');
  });

  it('answers "what\'s our status?" like aims status', async () => {
    const { replies } = await say(teamsMessage(teams.connector.serviceUrl, "what's our status?"));
    expect(cardText(replies[0])).toContain('AIMS status');
  });

  it('an unknown subcommand gets help with the closest match', async () => {
    const { replies } = await say(teamsMessage(teams.connector.serviceUrl, 'aims stauts'));
    expect(cardText(replies[0])).toContain('Did you mean ');
    expect(cardText(replies[0])).toContain('aims status');
  });

  it('makes the first person in a tenant its admin (local mode only), and nobody after', async () => {
    await say(teamsMessage(teams.connector.serviceUrl, 'status', { tenant: 'tenant-new', user: 'aad-first', name: 'First' }));
    await say(teamsMessage(teams.connector.serviceUrl, 'status', { tenant: 'tenant-new', user: 'aad-second', name: 'Second' }));
    const admins = await sqlOf(teams.app.store).all(
      "SELECT p.external_id FROM role_assignments r JOIN people p ON p.id = r.person_id JOIN workspaces w ON w.id = r.workspace_id WHERE w.external_id = 'tenant-new' AND r.role = 'admin' ORDER BY p.external_id",
    );
    expect(admins).toEqual([{ external_id: 'aad-first' }]);
  });

  it('a redelivered activity (same id) is answered once', async () => {
    const activity = teamsMessage(teams.connector.serviceUrl, 'aims status', { id: 'dup-activity-1' });
    const first = await say(activity);
    const again = await say(activity);
    expect(first.replies).toHaveLength(1);
    expect(again.replies).toHaveLength(0);
  });
});
