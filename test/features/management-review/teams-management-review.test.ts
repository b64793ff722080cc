import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardOf, executeActions, fillCard, fillDialog, submitActions } from '../../helpers/fake-teams-connector.ts';
import { movableClock, startTeamsHarness, TEST_START } from '../../helpers/start-test-app.ts';
import { TEAMS_ADMIN, TEAMS_CHANNELS, teamsWorkspace } from '../../helpers/workspace-builders.ts';
import { teamsConversation } from '../../helpers/teams-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
type Card = Record<string, unknown>;
let teams: Harness;
let systemId = '';
let clock: ReturnType<typeof movableClock>;
const { say, click, dialog } = teamsConversation(() => teams);

const ADMIN = TEAMS_ADMIN;
const OWNER = { user: 'aad-owner', name: 'Olivia Owner' };
const MEMBER = { user: 'aad-member', name: 'Mia Member' };
const REPORTER = { user: 'aad-rep', name: 'Rita Reporter' };
const LEADER = { user: 'aad-lead', name: 'Lena Leader' };
const INCIDENTS = '19%3Aincidents%40thread.tacv2';
const LEADERSHIP = '19%3Aleadership%40thread.tacv2';

const text = (value: unknown) => JSON.stringify(value ?? null);
const sql = () => sqlOf(teams.app.store);
const reviewRow = async (number: number) =>
  await sql().get<{ status: string; inputs: string }>('SELECT status, inputs FROM management_reviews WHERE number = ?', number);
const inputsOf = async (number: number) =>
  JSON.parse((await reviewRow(number))?.inputs ?? '[]') as Array<{ section: string; text: string; ref?: string }>;

/** The card about `key` as last posted or updated in a channel conversation. */
function channelCard(conversation: string, key: string): Card | undefined {
  const activity = teams.connector.activities
    .filter((entry) => entry.path.startsWith(`/v3/conversations/${conversation}/activities`) && text(entry.activity).includes(`${key} ·`))
    .at(-1);
  expect(activity?.problems).toEqual([]);
  return cardOf(activity?.activity);
}

function incidentsPost() {
  const post = teams.connector.activities.find(
    (entry) =>
      entry.method === 'POST' && entry.path === `/v3/conversations/${INCIDENTS}/activities` && text(entry.activity).includes('INC-1 ·'),
  );
  return { conversationId: '19:incidents@thread.tacv2', activityId: post?.id ?? '' };
}

async function incidentDialog(who: { user: string; name: string }, label: string, title: string, values: Record<string, string>) {
  const data = submitActions(channelCard(INCIDENTS, 'INC-1'))[label];
  expect(data, `"${label}" opens a dialog`).toBeDefined();
  const opened = await dialog(who, 'task/fetch', data as Record<string, unknown>, incidentsPost());
  if (opened.type !== 'continue') throw new Error(`"${label}" answered "${opened.text}" instead of a dialog`);
  return await dialog(who, 'task/submit', fillDialog(opened.card, title, values), incidentsPost());
}

/** An S2 incident resolved with a corrective action; a drift review done with findings; a high risk. */
async function seedTheQuarter(): Promise<void> {
  const incident = await say(REPORTER, 'aims incident Scorer flags every payment');
  await click(
    REPORTER,
    fillCard(incident, 'Report', {
      description: 'The scorer flags most payments from one bank.',
      severity: 'S2',
      type: 'model-drift',
      detectedAt__date: '2026-11-22',
      detectedAt__time: '09:30',
      affected: 'Customers of one bank.',
      aiSystem: systemId,
    }),
  );
  await incidentDialog(MEMBER, 'Acknowledge', 'Acknowledge', {});
  await click(OWNER, executeActions(channelCard(INCIDENTS, 'INC-1')).Mitigated as never);
  await incidentDialog(OWNER, 'Resolve…', 'Resolve', {
    rootCause: 'A bank changed its BIN ranges.',
    action1Title: 'Monitor BIN ranges',
    action1Owner: OWNER.user,
    action1Due: '2026-12-01',
  });
  expect(await sql().count('corrective_actions')).toBe(1);

  const schedule = await say(ADMIN, 'aims review add');
  await click(
    ADMIN,
    fillCard(schedule, 'Save', { kind: 'drift-review', aiSystem: systemId, owner: OWNER.user, cadenceDays: '90', nextDue: '2026-11-22' }),
  );
  const id = (await sql().get<{ id: number }>("SELECT id FROM review_schedules WHERE kind = 'drift-review' ORDER BY id DESC"))?.id;
  const done = await say(OWNER, `aims review done ${id}`);
  await click(OWNER, fillCard(done, 'Record', { date: '2026-11-22', outcome: 'findings', findings: 'PSI above 0.2 on two features.' }));
  expect(await sql().count('review_completions')).toBe(1);

  const risk = await say(ADMIN, 'aims risk add');
  await click(
    ADMIN,
    fillCard(risk, 'Add risk', {
      title: 'Thin-file applicants declined unfairly',
      description: 'Short credit histories are scored as fraud.',
      systems: systemId,
      category: 'fairness',
      phase: 'operation',
      owner: OWNER.user,
      inherentLikelihood: '4',
      inherentImpact: '4',
      treatment: 'mitigate',
      plan: 'Reweigh the training data.',
      controls: 'A.6.2.6',
      residualLikelihood: '3',
      residualImpact: '4',
      reviewEveryDays: '90',
      action1Title: '',
      action1Owner: '',
      action1Due: '',
    }),
  );
  expect(await sql().get('SELECT residual_level AS level FROM risks WHERE number = 1')).toEqual({ level: 'high' });
}

beforeEach(async () => {
  clock = movableClock(TEST_START);
  teams = await startTeamsHarness(
    { AIMS_ADMINS: `teams:${ADMIN.user}` },
    { '29:lead': { name: LEADER.name, aadObjectId: LEADER.user } },
    clock,
  );
  ({ systemId } = await teamsWorkspace(teams, {
    people: [OWNER, MEMBER, REPORTER, LEADER],
    channels: { incidents: TEAMS_CHANNELS.incidents, leadership: TEAMS_CHANNELS.leadership },
  }));
  await say(ADMIN, 'aims role grant <at>Lena Leader</at> leadership', { mentions: [{ id: '29:lead', name: LEADER.name }] });
});
afterEach(async () => {
  try {
    expect(await teams.app.store.verifyAudit()).toMatchObject({ ok: true });
    expect((await teams.app.store.auditReport()).disagreements).toEqual([]);
  } finally {
    await teams.close();
  }
});

describe('management review on Teams, end to end', () => {
  it('help has a button for it: it opens the review form (leadership or an admin), refuses anyone else', async () => {
    const help = await say(LEADER, 'aims help');
    const open = executeActions(help)['Open a review'] as never;
    expect(open, text(help).slice(0, 300)).toBeDefined();
    expect(Object.keys(executeActions(await click(LEADER, open)))).toContain('Open review');
    expect(text(await click(MEMBER, executeActions(await say(MEMBER, 'aims help'))['Open a review'] as never))).toContain(
      'Only leadership or an admin can open a management review.',
    );
  });

  it('opened after an incident, a drift review and a high risk, lists them; a decision and an action; closing locks it; the open action carries forward', async () => {
    await seedTheQuarter();
    clock.set('2026-11-22T14:00:00.000Z');
    expect(text(await say(MEMBER, 'aims management-review'))).toContain('Only leadership or an admin can open a management review.');

    const form = await say(LEADER, 'aims management-review');
    const opened = await click(LEADER, fillCard(form, 'Open review', { chair: LEADER.user }));
    expect(text(opened)).toContain('Opened MR-1 with 7 input(s) gathered from the store.');
    const inputs = await inputsOf(1);
    const has = (section: string, part: string) => inputs.some((item) => item.section === section && item.text.includes(part));
    expect(has('monitoring', 'INC-1 (S2) Scorer flags every payment: resolved')).toBe(true);
    expect(has('nonconformities', 'Corrective action #1 of INC-1: Monitor BIN ranges')).toBe(true);
    expect(has('monitoring', 'Drift review of Fraud Scorer done 2026-11-22: Findings')).toBe(true);
    expect(has('context-changes', 'New high risk R-1: Thin-file applicants declined unfairly')).toBe(true);
    expect(has('risks', 'R-1 Thin-file applicants declined unfairly: residual high')).toBe(true);
    // The card in the leadership channel shows the inputs grouped by section.
    const shared = text(channelCard(LEADERSHIP, 'MR-1'));
    expect(shared).toContain('Monitoring and measurement results (objectives, drift and bias reviews, incidents)');
    expect(shared).toContain(' (2)');
    expect(shared).toContain('Corrective action #1 of INC-1: Monitor BIN ranges');

    const decision = await say(LEADER, 'aims mr MR-1 decision');
    expect(text(await click(LEADER, fillCard(decision, 'Record', { decision: 'Fund a second drift monitor.' })))).toContain(
      'Recorded decision 1 of MR-1.',
    );
    const action = await say(LEADER, 'aims mr MR-1 action');
    const past = await click(LEADER, fillCard(action, 'Add action', { title: 'Retrain quarterly', owner: OWNER.user, due: '2026-11-01' }));
    expect(text(past)).toContain('The due date 2026-11-01 is in the past (today is 2026-11-22).');
    const noOwner = await click(LEADER, fillCard(action, 'Add action', { title: 'Retrain quarterly', owner: '', due: '2026-12-31' }));
    expect(text(noOwner)).toContain('Choose who owns the action.');
    expect(await sql().count('management_review_actions')).toBe(0);
    expect(
      text(await click(LEADER, fillCard(action, 'Add action', { title: 'Retrain quarterly', owner: OWNER.user, due: '2026-12-31' }))),
    ).toContain('Added MR-1 action 1, due 2026-12-31.');
    const told = teams.connector.activities.find(
      (entry) =>
        entry.method === 'POST' && entry.path.includes('conv-personal-aad-owner') && text(entry.activity).includes('gave you an action'),
    );
    expect(told).toBeDefined();

    // Not the chair: refused; the chair closes it; closed, a decision is refused naming the lock.
    expect(text(await say(ADMIN, 'aims mr MR-1 close'))).toContain('Only the chair of MR-1, Lena Leader, can close it.');
    // Closing is final: the card's button asks first (Adaptive Cards have no confirm dialog: a confirmation card).
    const reviewCard = await say(LEADER, 'aims mr MR-1');
    const confirm = await click(LEADER, executeActions(reviewCard)['Close review'] as never);
    expect(text(confirm)).toContain('Close MR-1?');
    expect(Object.keys(executeActions(confirm))).toEqual(['Close', 'Not yet']);
    expect((await reviewRow(1))?.status).toBe('open');
    expect(Object.keys(executeActions(await click(LEADER, executeActions(confirm)['Not yet'] as never)))).toContain('Close review');
    expect((await reviewRow(1))?.status).toBe('open');
    expect(text(await click(LEADER, executeActions(confirm).Close as never))).toContain('Closed MR-1: its minutes are locked.');
    expect((await reviewRow(1))?.status).toBe('closed');
    expect(text(await say(LEADER, 'aims mr MR-1 decision One more thing'))).toContain('MR-1 is closed and locked');
    expect(await sql().count('management_review_decisions')).toBe(1);
    const status = text(await say(ADMIN, 'aims status'));
    expect(/Clauses with records[^)]*9\.3/.test(status)).toBe(true);

    clock.set('2026-11-23T09:00:00.000Z');
    const second = await say(LEADER, 'aims management-review');
    expect(text(await click(LEADER, fillCard(second, 'Open review', {})))).toContain('Opened MR-2');
    expect((await inputsOf(2)).filter((item) => item.section === 'previous-actions')).toEqual([
      {
        section: 'previous-actions',
        ref: 'MR-1 action 1',
        text: 'MR-1 action 1: Retrain quarterly (owner Olivia Owner; open, due 2026-12-31)',
      },
    ]);
  });
});
