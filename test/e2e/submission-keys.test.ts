import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillCard, teamsMessage, cardOf } from '../helpers/fake-teams-connector.ts';
import { submitModal } from '../helpers/slack-interactions.ts';
import { slackConversation } from '../helpers/slack-conversation.ts';
import { startSlackHarness, startTeamsHarness } from '../helpers/start-test-app.ts';
import { teamsConversation } from '../helpers/teams-conversation.ts';
import { sqlOf } from '../helpers/test-sql.ts';

type SlackHarness = Awaited<ReturnType<typeof startSlackHarness>>;
type TeamsHarness = Awaited<ReturnType<typeof startTeamsHarness>>;
let slack: SlackHarness;
let teams: TeamsHarness;

const text = (value: unknown) => JSON.stringify(value ?? null);
const scorer = {
  name: 'Fraud Scorer',
  description: 'Scores payments.',
  purpose: 'Hold fraud.',
  euRiskLevel: 'high',
  internalTier: 'tier-1',
  stage: 'production',
  provider: 'in-house',
};
const systems = async (store: SlackHarness['app']['store']) => await sqlOf(store).all('SELECT name FROM ai_systems ORDER BY id');
const audits = async (store: SlackHarness['app']['store']) => await sqlOf(store).count('audit_events');

beforeAll(async () => {
  slack = await startSlackHarness({ AIMS_ADMINS: 'slack:U0ADMIN' });
  teams = await startTeamsHarness({ AIMS_ADMINS: 'teams:aad-admin' });
});
afterAll(async () => {
  await slack.close();
  await teams.close();
});

describe('a submission key is bound to what it carried (Slack)', () => {
  const ADMIN = { user: 'U0ADMIN', name: 'alice' };
  const { openModal } = slackConversation(() => slack);

  it('the same modal submitted again is answered as the first time; with other content it is refused and changes nothing', async () => {
    const form = await openModal(ADMIN, 'system add');
    const first = await submitModal(slack.eventsUrl, form, { ...scorer, owner: 'U0ADMIN' }, ADMIN, 'V0BOUND');
    expect(text(first.json)).toContain('Added Fraud Scorer to the AI system inventory.');
    expect(text((await submitModal(slack.eventsUrl, form, { ...scorer, owner: 'U0ADMIN' }, ADMIN, 'V0BOUND')).json)).toContain(
      'Fraud Scorer was already added.',
    );
    const before = await audits(slack.app.store);
    // A replay of the view id with another name: never "already added" for the earlier system.
    const forged = await submitModal(slack.eventsUrl, form, { ...scorer, name: 'Credit Limit Model', owner: 'U0ADMIN' }, ADMIN, 'V0BOUND');
    expect(text(forged.json)).toContain('already submitted (it is bound to Fraud Scorer) with different content, so nothing was changed');
    expect(text(forged.json)).not.toContain('was already added');
    expect(await systems(slack.app.store)).toEqual([{ name: 'Fraud Scorer' }]);
    expect(await audits(slack.app.store)).toBe(before);
  });
});

describe('a submission key is bound to what it carried (Teams)', () => {
  const ADMIN = { user: 'aad-admin', name: 'Alice Admin' };
  const { say, click } = teamsConversation(() => teams);

  it('the same card submitted again is answered as the first time; with other content it is refused and changes nothing', async () => {
    const form = await say(ADMIN, 'aims system add');
    const submit = fillCard(form, 'Add', { ...scorer, owner: 'aad-admin' });
    expect(text(await click(ADMIN, submit))).toContain('Added Fraud Scorer to the AI system inventory.');
    expect(text(await click(ADMIN, submit))).toContain('Fraud Scorer was already added.');
    const before = await audits(teams.app.store);
    const forged = await click(ADMIN, { ...submit, data: { ...submit.data, name: 'Credit Limit Model' } });
    expect(text(forged)).toContain('already submitted (it is bound to Fraud Scorer) with different content, so nothing was changed');
    expect(await systems(teams.app.store)).toEqual([{ name: 'Fraud Scorer' }]);
    expect(await audits(teams.app.store)).toBe(before);
  });

  it('an activity id redelivered with other text is refused, not ignored as a retry nor answered as the first', async () => {
    const first = await teams.post(teamsMessage(teams.connector.serviceUrl, 'aims help', { ...ADMIN, id: 'activity-bound-1' }));
    expect(first.status).toBe(200);
    const replies = teams.connector.activities.length;
    // A true retry (same id, same text) is answered once.
    await teams.post(teamsMessage(teams.connector.serviceUrl, 'aims help', { ...ADMIN, id: 'activity-bound-1' }));
    expect(teams.connector.activities.length).toBe(replies);
    await teams.post(teamsMessage(teams.connector.serviceUrl, 'aims status', { ...ADMIN, id: 'activity-bound-1' }));
    expect(teams.connector.activities.length).toBe(replies + 1);
    expect(text(cardOf(teams.connector.activities.at(-1)?.activity))).toContain('with different content, so nothing was changed');
  });
});
