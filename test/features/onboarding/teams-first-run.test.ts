import { afterEach, describe, expect, it } from 'vitest';
import { cardOf, executeActions, fillCard } from '../../helpers/fake-teams-connector.ts';
import { startTeamsHarness } from '../../helpers/start-test-app.ts';
import { teamsConversation } from '../../helpers/teams-conversation.ts';
import { TEAMS_ADMIN, TEAMS_OWNER, startTeamsWorkspace } from '../../helpers/workspace-builders.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
let teams: Harness | undefined;
const harness = () => teams as Harness;
const { say, click } = teamsConversation(harness);
afterEach(async () => {
  await teams?.close();
  teams = undefined;
});

const text = (value: unknown) => JSON.stringify(value ?? null);
const BOT = { id: '28:aims-bot', name: 'aims' };
let counter = 0;

/** What Teams sends when the bot is installed: conversationUpdate with the bot among membersAdded, or installationUpdate "add". */
function installActivity(
  kind: 'conversationUpdate' | 'installationUpdate',
  conversation: { id: string; conversationType: 'personal' | 'channel' },
  who = TEAMS_ADMIN,
) {
  counter += 1;
  return {
    type: kind,
    id: `install-${counter}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: harness().connector.serviceUrl,
    from: { id: `29:${who.user}`, name: who.name, aadObjectId: who.user },
    recipient: BOT,
    conversation: { ...conversation, tenantId: 'tenant-1' },
    channelData: { tenant: { id: 'tenant-1' }, ...(conversation.conversationType === 'channel' ? { team: { id: conversation.id } } : {}) },
    ...(kind === 'conversationUpdate' ? { membersAdded: [BOT] } : { action: 'add' }),
  };
}

/** Posts an activity; returns what the bot sent in that conversation meanwhile. */
async function deliver(activity: ReturnType<typeof installActivity>) {
  const before = harness().connector.activities.length;
  const response = await harness().post(activity);
  expect(response.status).toBe(200);
  return harness()
    .connector.activities.slice(before)
    .filter((sent) => sent.path.startsWith(`/v3/conversations/${encodeURIComponent(activity.conversation.id)}/activities`));
}

describe('first run on Teams', () => {
  it('installing in a personal chat greets there with the checklist card, once (conversationUpdate then installationUpdate)', async () => {
    teams = await startTeamsHarness({ AIMS_ADMINS: `teams:${TEAMS_ADMIN.user}` });
    const personal = { id: 'conv-personal-admin', conversationType: 'personal' } as const;
    const greeted = await deliver(installActivity('conversationUpdate', personal));
    expect(greeted).toHaveLength(1);
    expect(greeted[0]?.problems).toEqual([]);
    const card = cardOf(greeted[0]?.activity);
    expect(text(card)).toContain('Hi, I am aims-bot');
    expect(text(card)).toContain('Get started with aims-bot');
    // Teams chooses channels by a command sent in the channel.
    expect(text(card)).toContain('@aims setup channel incidents');
    expect(Object.keys(executeActions(card))).toEqual(
      expect.arrayContaining(['Add an AI system', 'Open setup', 'Who holds roles', 'Log an incident', 'Request a release']),
    );
    expect(await deliver(installActivity('installationUpdate', personal))).toHaveLength(0);
    // The checklist's first button opens the system form in place.
    const form = await click(TEAMS_ADMIN, executeActions(card)['Add an AI system'] as never);
    expect(text(form)).toContain('Input.Text');
    expect((await harness().app.store.verifyAudit()).ok).toBe(true);
  });

  it('installing in a team greets in the team’s channel; a member joining later is not greeted again', async () => {
    teams = await startTeamsHarness({ AIMS_ADMINS: `teams:${TEAMS_ADMIN.user}` });
    const channel = { id: '19:general@thread.tacv2', conversationType: 'channel' } as const;
    const first = await deliver(installActivity('installationUpdate', channel));
    expect(first).toHaveLength(1);
    expect(first[0]?.problems).toEqual([]);
    expect(text(cardOf(first[0]?.activity))).toContain('Get started with aims-bot');
    expect(await deliver(installActivity('conversationUpdate', channel))).toHaveLength(0);
    // Someone else joining (not the bot) says nothing.
    const joined = { ...installActivity('conversationUpdate', channel), membersAdded: [{ id: '29:newcomer', name: 'New' }] };
    expect(await deliver(joined)).toHaveLength(0);
  });

  it('help is grouped by task with buttons, and a button opens its form card', async () => {
    ({ teams } = await startTeamsWorkspace());
    const help = await say(TEAMS_ADMIN, 'aims help');
    const body = text(help);
    for (const heading of ['Report', 'Approve', 'Train', 'Review', 'Look up', 'Admin']) expect(body).toContain(`"text":"${heading}"`);
    const form = await click(TEAMS_ADMIN, executeActions(help)['Log an incident'] as never);
    expect(text(form)).toContain('Severity');
    const full = await click(TEAMS_ADMIN, executeActions(help)['Full syntax'] as never);
    expect(text(full)).toContain('incident list [open|mine|S1..S4|<system>]');
  });

  it('status on an empty tenant is the checklist, not zeros; once set up it leads with the verdict', async () => {
    teams = await startTeamsHarness({ AIMS_ADMINS: `teams:${TEAMS_ADMIN.user}` });
    const empty = await say(TEAMS_ADMIN, 'aims status');
    expect(text(empty)).toContain('Nothing to report yet');
    expect(text(empty)).not.toContain('People known');
    await teams.close();
    ({ teams } = await startTeamsWorkspace());
    const status = await say(TEAMS_ADMIN, 'aims status');
    expect(text(status)).toContain('Healthy: ');
    expect(text(status)).toContain('Getting started: 2 of 4 steps done.');
    expect(executeActions(status)['Get started']).toBeDefined();
  });

  it('a release request with too few approvers warns in the form and after submitting, naming the admins', async () => {
    ({ teams } = await startTeamsWorkspace({}, { people: [TEAMS_OWNER] }));
    const form = await say(TEAMS_OWNER, 'aims release Fraud Scorer');
    expect(text(form)).toContain('Warning: this request needs 2 approvals but nobody else here holds the approver role');
    expect(text(form)).toContain('an admin (Alice Admin)');
    expect(text(form)).toContain('aims role grant @person approver');
    const done = await click(
      TEAMS_OWNER,
      fillCard(form, 'Request sign-off', {
        version: '2.0.0',
        changeType: 'retrain',
        whatChanged: 'Retrained.',
        risks: 'None known.',
        approvalsNeeded: '2',
      }),
    );
    expect(text(done)).toContain('Requested REL-1.');
    expect(text(done)).toContain('an admin (Alice Admin)');
  });

  it('an S1 logged while no leadership channel is chosen says how to choose it on Teams', async () => {
    let systemId: string;
    ({ teams, systemId } = await startTeamsWorkspace({}, { channels: { incidents: '19:incidents@thread.tacv2' } }));
    const form = await say(TEAMS_ADMIN, 'aims incident Scorer holds every payment');
    const done = await click(
      TEAMS_ADMIN,
      fillCard(form, 'Report', {
        aiSystem: systemId,
        description: 'Every payment is held.',
        severity: 'S1',
        type: 'model-drift',
        detectedAt__date: '2026-11-22',
        detectedAt__time: '09:30',
        affected: 'All customers.',
      }),
    );
    expect(text(done)).toContain('Logged INC-1.');
    expect(text(done)).toContain('Could not post to the leadership channel (not set up).');
    expect(text(done)).toContain('run “@aims setup channel leadership” in the channel you want');
  });

  it('a missing channel is refused with the Teams way to choose it', async () => {
    ({ teams } = await startTeamsWorkspace({}, { channels: { incidents: '19:incidents@thread.tacv2' } }));
    const refused = await say(TEAMS_ADMIN, 'aims release Fraud Scorer');
    expect(text(refused)).toContain('No approvals channel is set up');
    expect(text(refused)).toContain('run “@aims setup channel approvals” in the channel you want');
  });
});
