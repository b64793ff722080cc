import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonsOf, clickButton, postInteraction, submitModal } from '../helpers/slack-interactions.ts';
import { slackConversation } from '../helpers/slack-conversation.ts';
import { startSlackHarness } from '../helpers/start-test-app.ts';
import { sqlOf } from '../helpers/test-sql.ts';

/**
 * Two workspaces with an INC-1 each. Under Enterprise Grid and Slack Connect a person's own
 * workspace (user.team_id) is not the one whose channel they click in (team.id): the click and
 * the form it opens belong to the workspace of the card.
 */
type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
type Json = Record<string, unknown>;
let slack: Harness;
const { openModal } = slackConversation(() => slack);
const calls = (method: string) => slack.slackApi.callsTo(method);
const text = (value: unknown) => JSON.stringify(value ?? null);

const A = 'T0ACME';
const B = 'T0BETA';
const ADMIN_A = { user: 'U0ADMINA', name: 'alice', team: A };
const ADMIN_B = { user: 'U0ADMINB', name: 'bert', team: B };
// Lives in workspace B, works in a channel of workspace A.
const VISITOR = { user: 'U0VISIT', name: 'vera', team: A, homeTeam: B };

const PUBLIC_TITLE = 'Chatbot answers slowly';
const CONFIDENTIAL_TITLE = 'Merger model leaked deal names';

const report = { severity: 'S3', type: 'other', description: 'd', affected: 'a', detectedAt: '2026-11-22T08:30:00.000Z' };
const incidentOf = async (team: string) =>
  (await sqlOf(slack.app.store).get<{ id: number; status: string; title: string }>(
    'SELECT i.id, i.status, i.title FROM incidents i JOIN workspaces w ON w.id = i.workspace_id WHERE w.external_id = ? AND i.number = 1',
    team,
  ))!;
const commentsOn = async (incidentId: number) =>
  await sqlOf(slack.app.store).all("SELECT text FROM incident_events WHERE kind = 'comment' AND incident_id = ? ORDER BY id", incidentId);

async function setUp(admin: typeof ADMIN_A, channel: string, title: string, viewId: string, system: string): Promise<void> {
  const setup = await openModal(admin, 'setup');
  await submitModal(
    slack.eventsUrl,
    setup,
    {
      incidentsChannel: channel,
      approvalsChannel: `${channel}APP`,
      leadershipChannel: `${channel}LEAD`,
      defaultApprovals: '1',
      timeZone: 'UTC',
    },
    admin,
    `${viewId}S`,
  );
  const add = await openModal(admin, 'system add');
  await submitModal(
    slack.eventsUrl,
    add,
    {
      name: system,
      description: 'd',
      purpose: 'p',
      owner: admin.user,
      euRiskLevel: 'limited',
      internalTier: 'tier-2',
      stage: 'production',
      provider: 'in-house',
    },
    admin,
    `${viewId}Y`,
  );
  const form = await openModal(admin, 'incident');
  await submitModal(slack.eventsUrl, form, { ...report, title, systemName: 'Chatbot' }, admin, viewId);
}

/** INC-1's card as posted to workspace A's incidents channel. */
const cardInA = () => calls('chat.postMessage').find((call) => call.args.channel === 'C0AINC');

// Each test has its own bot and store with the two workspaces, each with its INC-1.
beforeEach(async () => {
  slack = await startSlackHarness({ AIMS_ADMINS: 'slack:U0ADMINA,slack:U0ADMINB' });
  await setUp(ADMIN_A, 'C0AINC', PUBLIC_TITLE, 'V0A1', 'Chatbot Helpdesk');
  await setUp(ADMIN_B, 'C0BINC', CONFIDENTIAL_TITLE, 'V0B1', 'Chatbot Merger Desk');
});
afterEach(async () => {
  await slack.close();
});

describe('Slack: the workspace is where the card is (team.id), never the clicker’s own (user.team_id)', () => {
  it('has an INC-1 in each workspace, each posted to its own channel', async () => {
    expect((await incidentOf(A)).title).toBe(PUBLIC_TITLE);
    expect((await incidentOf(B)).title).toBe(CONFIDENTIAL_TITLE);
    expect(text(cardInA()?.args.blocks)).toContain(`INC-1 · ${PUBLIC_TITLE}`);
  });

  it('a comment from a visitor of workspace B on A’s card lands on A’s INC-1, never on B’s', async () => {
    const card = cardInA();
    await clickButton(slack.eventsUrl, buttonsOf(card?.args)['Comment…'] as Json, VISITOR, slack.slackApi.responseUrl('visit-comment'), {
      channel: 'C0AINC',
      ts: card?.ts ?? '',
    });
    const form = calls('views.open').at(-1)?.args.view as Json;
    const updates = calls('chat.update').length;
    await submitModal(slack.eventsUrl, form, { comment: 'Seen from the shared channel.' }, VISITOR, 'V0VISIT');
    expect(await commentsOn((await incidentOf(A)).id)).toEqual([{ text: 'Seen from the shared channel.' }]);
    expect(await commentsOn((await incidentOf(B)).id)).toEqual([]);
    // Only A's copies were refreshed (its channel card and its reporter's own copy); B's channel never heard of it.
    const refreshed = calls('chat.update').slice(updates);
    expect(refreshed.map((call) => call.args.channel)).toEqual(['C0AINC', 'U0ADMINA']);
    expect(text(refreshed)).not.toContain(CONFIDENTIAL_TITLE);
  });

  it('a refused click by the visitor answers about A’s INC-1, to the visitor alone: B’s card never replaces A’s', async () => {
    const card = cardInA();
    const before = calls('*').length;
    // Mitigate is not on an open card: a crafted or stale button, refused for the state and the role.
    const mitigate = {
      action_id: 'aims:incident.mitigate:0',
      value: JSON.stringify({ incident: '1' }),
      text: { type: 'plain_text', text: 'Mitigated' },
    };
    await clickButton(slack.eventsUrl, mitigate, VISITOR, slack.slackApi.responseUrl('visit-mitigate'), {
      channel: 'C0AINC',
      ts: card?.ts ?? '',
    });
    const answers = calls('*').slice(before);
    expect(answers.map((call) => call.method)).toEqual(['response_url']);
    expect(answers[0]?.args).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(text(answers[0]?.args)).toContain(PUBLIC_TITLE);
    expect(text(answers[0]?.args)).not.toContain(CONFIDENTIAL_TITLE);
    expect([(await incidentOf(A)).status, (await incidentOf(B)).status]).toEqual(['open', 'open']);
  });

  it('searches the inventory of the workspace the modal is in; without a team (org-wide install) the modal’s own team', async () => {
    const options = async (payload: Json) =>
      (
        (
          await postInteraction(slack.eventsUrl, {
            type: 'block_suggestion',
            user: { id: VISITOR.user, team_id: B },
            action_id: 'pick:aiSystem',
            block_id: 'aiSystem',
            value: 'chatbot',
            ...payload,
          })
        ).json?.options as Json[]
      ).map((option) => (option.text as Json).text);
    expect(await options({ team: { id: A }, view: { id: 'V0PICK', team_id: A } })).toEqual(['Chatbot Helpdesk']);
    expect(await options({ team: null, view: { id: 'V0PICK', team_id: A } })).toEqual(['Chatbot Helpdesk']);
  });
});

describe('Slack: a click on a card acts on that card’s record, in its workspace, or is refused', () => {
  it('a click on A’s card whose payload says workspace B (forged or misrouted) touches neither INC-1 and shows nothing of B', async () => {
    const card = cardInA();
    const before = calls('*').length;
    const eventsBefore = await sqlOf(slack.app.store).count('audit_events');
    await clickButton(slack.eventsUrl, buttonsOf(card?.args)['Comment…'] as Json, ADMIN_B, slack.slackApi.responseUrl('forged-comment'), {
      channel: 'C0AINC',
      ts: card?.ts ?? '',
    });
    const answers = calls('*').slice(before);
    expect(answers.map((call) => call.method)).toEqual(['response_url']);
    expect(answers[0]?.args).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(text(answers[0]?.args)).toContain('This card belongs to another workspace');
    expect(text(answers)).not.toContain(CONFIDENTIAL_TITLE);
    const mitigate = {
      action_id: 'aims:incident.acknowledge:0',
      value: JSON.stringify({ incident: '1' }),
      text: { type: 'plain_text', text: 'Acknowledge' },
    };
    await clickButton(slack.eventsUrl, mitigate, ADMIN_B, slack.slackApi.responseUrl('forged-ack'), {
      channel: 'C0AINC',
      ts: card?.ts ?? '',
    });
    expect(text(calls('*').slice(before))).not.toContain(CONFIDENTIAL_TITLE);
    expect([(await incidentOf(A)).status, (await incidentOf(B)).status]).toEqual(['open', 'open']);
    expect(await sqlOf(slack.app.store).count('audit_events')).toBe(eventsBefore);
  });
});
