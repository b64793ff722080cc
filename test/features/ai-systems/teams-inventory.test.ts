import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardInputs, executeActions, fillCard } from '../../helpers/fake-teams-connector.ts';
import { startTeamsHarness } from '../../helpers/start-test-app.ts';
import { teamsConversation } from '../../helpers/teams-conversation.ts';
import { teamsWorkspace } from '../../helpers/workspace-builders.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { createLogger } from '../../../src/logger.ts';
import { createServices } from '../../../src/services.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
let teams: Harness;

const ADMIN = { user: 'aad-admin', name: 'Alice Admin' };
const OWNER = { user: 'aad-owner', name: 'Olivia Owner' };
const MEMBER = { user: 'aad-member', name: 'Mia Member' };

// Each test has its own bot, store and fake connector: a tenant whose admin, owner and member have said hello.
beforeEach(async () => {
  teams = await startTeamsHarness(
    { AIMS_ADMINS: 'teams:aad-admin' },
    { '29:mia': { name: 'Mia Member', aadObjectId: 'aad-member' }, '29:olivia': { name: 'Olivia Owner', aadObjectId: 'aad-owner' } },
  );
  await say(ADMIN, 'aims status');
  await say(OWNER, 'aims status');
  await say(MEMBER, 'aims status');
});
afterEach(async () => {
  // Whatever a test did, the audit chain verifies.
  try {
    expect(await teams.app.store.verifyAudit()).toMatchObject({ ok: true });
  } finally {
    await teams.close();
  }
});

const text = (value: unknown) => JSON.stringify(value ?? null);
const jsonOf = (value: unknown) => (typeof value === 'string' ? (JSON.parse(value) as unknown) : value);
const sql = () => sqlOf(teams.app.store);
const auditCount = async () => await sql().count('audit_events');

const { say, click } = teamsConversation(() => teams);

const fraudScorer = {
  name: 'Fraud Scorer',
  description: 'Gradient-boosted model scoring card payments for fraud.',
  purpose: 'Hold suspicious payments for review.',
  owner: 'aad-owner',
  euRiskLevel: 'high',
  internalTier: 'tier-1',
  stage: 'production',
  provider: 'in-house',
};

/** The Fraud Scorer, added by the admin from the card form (no setup, no channels). */
const addFraudScorer = async (values: Partial<typeof fraudScorer> = {}) =>
  await teamsWorkspace(teams, { channels: {}, system: { ...fraudScorer, ...values } });

describe('AI system inventory on Teams, end to end', () => {
  it('adds a system from the card form; a double submit adds it once', async () => {
    const form = await say(ADMIN, 'aims system add');
    expect(Object.keys(cardInputs(form))).toEqual([
      'name',
      'description',
      'purpose',
      'owner',
      'euRiskLevel',
      'internalTier',
      'stage',
      'provider',
      'vendorName',
      'modelCardUrl',
      'repositoryUrl',
    ]);
    // The owner picker is a filtered (type-ahead) choice set of the people of the tenant.
    expect(text(form)).toContain('"style":"filtered"');
    expect(text(form)).toContain('Olivia Owner');
    const submit = fillCard(form, 'Add', fraudScorer);
    expect(text(await click(ADMIN, submit))).toContain('Added Fraud Scorer to the AI system inventory.');
    expect(text(await click(ADMIN, submit))).toContain('Fraud Scorer was already added.');
    expect(await sql().all('SELECT name, owner_person_id IS NOT NULL AS owned FROM ai_systems')).toEqual([
      { name: 'Fraud Scorer', owned: 1 },
    ]);
  });

  it('the form says what each risk level means; the card colours the risk level and makes the model card link clickable', async () => {
    const form = await say(ADMIN, 'aims system add');
    expect(text(form)).toContain('"title":"High risk — Annex III uses, e.g. hiring, credit, safety components","value":"high"');
    await addFraudScorer({ modelCardUrl: 'https://models.example/fraud?v=2&x=1' } as never);
    const card = await say(MEMBER, 'system fraud scorer');
    expect(text(card)).toContain('{"type":"TextRun","text":"High risk","color":"Attention"}');
    expect(text(card)).toContain(
      '{"type":"TextRun","text":"https://models.example/fraud?v=2&x=1","color":"Accent","underline":true,"selectAction":{"type":"Action.OpenUrl","url":"https://models.example/fraud?v=2&x=1"}}',
    );
  });

  it('each row of the system list has an Open button that shows that system’s card', async () => {
    await addFraudScorer();
    const list = await say(MEMBER, 'system list');
    const open = executeActions(list).Open as { verb: string; data: Record<string, unknown> };
    expect(open.data).toMatchObject({ aims: { action: 'system.show' } });
    const shown = await click(MEMBER, open);
    expect(text(shown)).toContain('Gradient-boosted model scoring card payments for fraud.');
    expect(text(shown)).toContain('Lifecycle stage');
  });

  it('re-draws the form with errors at the fields and keeps what was typed', async () => {
    await addFraudScorer();
    const form = await say(MEMBER, 'system add');
    const before = await auditCount();
    const redrawn = await click(MEMBER, fillCard(form, 'Add', { ...fraudScorer, name: 'FRAUD scorer', description: '' }));
    expect(text(redrawn)).toContain('Please fix the fields marked below.');
    expect(text(redrawn)).toContain('An AI system named “Fraud Scorer” already exists in this workspace.');
    expect(text(redrawn)).toContain('Description is required.');
    expect(cardInputs(redrawn).purpose).toBe('Hold suspicious payments for review.');
    expect(executeActions(redrawn).Add).toBeDefined();
    // Zero-width and bidi characters do not make another name.
    for (const name of ['Fraud\u200bScorer', '\u2067Fraud Scorer\u200f']) {
      expect(text(await click(MEMBER, fillCard(form, 'Add', { ...fraudScorer, name })))).toContain(
        'An AI system named “Fraud Scorer” already exists in this workspace.',
      );
    }
    expect(await auditCount()).toBe(before);
    expect(await sql().count('ai_systems')).toBe(1);
  });

  it('lists and shows systems; the owner edits through the Edit button, a member is refused', async () => {
    await addFraudScorer();
    expect(text(await say(MEMBER, 'system list'))).toContain('Fraud Scorer');
    const asMember = await say(MEMBER, 'system fraud scorer');
    expect(Object.keys(executeActions(asMember))).toEqual([]);
    const asOwner = await say(OWNER, 'system fraud scorer');
    expect(Object.keys(executeActions(asOwner))).toEqual(['Edit', 'Retire']);

    const refused = await click(MEMBER, executeActions(asOwner).Edit as never);
    expect(text(refused)).toContain('Only the owner of Fraud Scorer or an admin can edit it.');

    const editForm = await click(OWNER, executeActions(asOwner).Edit as never);
    expect(cardInputs(editForm).name).toBe('Fraud Scorer');
    // Cancel leaves the form and shows the card again, unchanged.
    const cancelled = await click(OWNER, executeActions(editForm).Cancel as never);
    expect(Object.keys(executeActions(cancelled))).toEqual(['Edit', 'Retire']);
    const saved = await click(OWNER, fillCard(editForm, 'Save', { stage: 'development', vendorName: '' }));
    expect(text(saved)).toContain('Saved Fraud Scorer.');
    expect(await sql().get("SELECT stage FROM ai_systems WHERE name = 'Fraud Scorer'")).toEqual({
      stage: 'development',
    });
  });

  it('retires from the card after a confirmation: it stays on record and leaves the list', async () => {
    await addFraudScorer({ stage: 'development' });
    const card = await say(OWNER, 'system fraud scorer');
    const confirm = await click(OWNER, executeActions(card).Retire as never);
    expect(text(confirm)).toContain('Retire this system?');
    expect(Object.keys(executeActions(confirm))).toEqual(['Retire', 'Cancel']);
    const kept = await click(OWNER, executeActions(confirm).Cancel as never);
    expect(text(kept)).not.toContain('(retired)');
    expect(await sql().get("SELECT stage FROM ai_systems WHERE name = 'Fraud Scorer'")).toEqual({
      stage: 'development',
    });
    const retired = await click(OWNER, executeActions(confirm).Retire as never);
    expect(text(retired)).toContain('Fraud Scorer is retired. Its record and history stay.');
    expect(Object.keys(executeActions(retired))).toEqual(['Edit']);
    expect(text(await say(MEMBER, 'system list'))).toContain('No active AI systems; 1 retired.');
    expect(text(await say(MEMBER, 'system list retired'))).toContain('Fraud Scorer');
  });
});

describe('roles on Teams', () => {
  it('an admin grants a role to an @mentioned person, resolved to their AAD id through the connector', async () => {
    const reply = await say(ADMIN, 'aims role grant <at>Mia Member</at> approver', { mentions: [{ id: '29:mia', name: 'Mia Member' }] });
    expect(text(reply)).toContain('Mia Member is now an approver.');
    const holder = await sql().all(
      "SELECT p.external_id FROM role_assignments r JOIN people p ON p.id = r.person_id WHERE r.role = 'approver'",
    );
    expect(holder).toEqual([{ external_id: 'aad-member' }]);
    expect(text(await say(MEMBER, 'role list'))).toContain('Mia Member');
    expect(
      text(await say(ADMIN, 'aims role revoke <at>Mia Member</at> approver', { mentions: [{ id: '29:mia', name: 'Mia Member' }] })),
    ).toContain('no longer holds the approver role.');
  });

  it('a member is told who the admins are, and nothing is written', async () => {
    const before = await auditCount();
    const refused = await say(MEMBER, 'aims role grant <at>Olivia Owner</at> admin', {
      mentions: [{ id: '29:olivia', name: 'Olivia Owner' }],
    });
    expect(text(refused)).toContain('Only admins can grant roles.');
    expect(text(refused)).toContain('Ask an admin: Alice Admin.');
    expect(await auditCount()).toBe(before);
  });
});

describe('pickers with hundreds of people on Teams', () => {
  it('a picker too long for one card gets a search box; Find redraws the form with the matches, keeping what was typed', async () => {
    // 130 colleagues the bot has met (as if each had said hello).
    const directory = createServices({
      store: teams.app.store,
      clock: systemClock,
      directory: { seedAdmins: [], firstContactBecomesAdmin: false },
      defaultTimeZone: 'UTC',
      logger: createLogger('silent'),
    }).directory;
    for (let i = 1; i <= 130; i++)
      await directory.contact({
        platform: 'teams',
        workspaceExternalId: 'tenant-1',
        userExternalId: `aad-colleague-${i}`,
        displayName: `Colleague ${String(i).padStart(3, '0')}`,
      });

    const form = await say(ADMIN, 'aims system add');
    expect(cardInputs(form) as Record<string, unknown>).toHaveProperty('owner__find');
    expect(executeActions(form).Find).toBeDefined();

    const find = executeActions(form).Find as { verb: string; data: Record<string, unknown> };
    const narrowed = await click(ADMIN, { verb: find.verb, data: { ...find.data, name: 'Ranking model', owner__find: 'colleague 117' } });
    const owner = (narrowed.body as Array<Record<string, unknown>>).find((element) => element.id === 'owner') as {
      choices: Array<{ title: string; value: string }>;
    };
    expect(owner.choices).toEqual([{ title: 'Colleague 117', value: 'aad-colleague-117' }]);
    expect(cardInputs(narrowed).name).toBe('Ranking model');

    const saved = await click(ADMIN, fillCard(narrowed, 'Add', { ...fraudScorer, name: 'Ranking model', owner: 'aad-colleague-117' }));
    expect(text(saved)).toContain('Added Ranking model');
    expect(text(saved)).toContain('Colleague 117');
  });
});

describe('setup on Teams', () => {
  it('the form asks for approvals and time zone; channels are chosen by a command run in them', async () => {
    const form = await say(ADMIN, 'aims setup');
    expect(Object.keys(cardInputs(form))).toEqual(['defaultApprovals', 'timeZone', 'nudgeHour', 'digestWeekday', 'digestHour']);
    expect(text(form)).toContain('aims setup channel incidents');
    const redrawn = await click(ADMIN, fillCard(form, 'Save', { defaultApprovals: '2', timeZone: 'Nowhere/Special' }));
    expect(text(redrawn)).toContain('Not a time zone we know');
    const saved = await click(ADMIN, fillCard(form, 'Save', { defaultApprovals: '4', timeZone: 'Europe/Paris' }));
    expect(text(saved)).toContain('Setup saved.');

    expect(text(await say(ADMIN, 'aims setup channel incidents'))).toContain('not in a direct chat');
    const set = await say(ADMIN, 'aims setup channel incidents', { conversationType: 'channel', mentionBot: true });
    expect(text(set)).toContain('This conversation is now the incidents channel.');
    // A JSON column: text on SQLite, json on PostgreSQL (the driver hands it over parsed).
    const stored = jsonOf(
      (await sql().get<{ incidents_channel: unknown }>('SELECT incidents_channel FROM workspace_settings'))?.incidents_channel,
    );
    // The conversation reference is what proactive messages to that channel need later.
    expect(stored).toMatchObject({
      id: 'conv-channel-aad-admin',
      reference: { serviceUrl: teams.connector.serviceUrl, conversation: { id: 'conv-channel-aad-admin' } },
    });
    expect(await sql().get('SELECT default_approvals, time_zone FROM workspace_settings')).toEqual({
      default_approvals: 4,
      time_zone: 'Europe/Paris',
    });
  });

  it('the channel confirmation names the channel, never its raw id', async () => {
    const set = await say(ADMIN, 'aims setup channel incidents', {
      conversationType: 'channel',
      mentionBot: true,
      conversationId: '19:abc@thread.tacv2',
      channelName: 'ai-incidents',
    });
    expect(text(set)).toContain('This conversation is now the incidents channel.');
    expect(text(set)).toContain('{"type":"TextRun","text":"#ai-incidents"}');
    expect(text(set)).not.toContain('19:abc@thread.tacv2');
    // A channel Teams gave no name for (a team's General channel) is still not shown by its id.
    const general = await say(ADMIN, 'aims setup channel leadership', {
      conversationType: 'channel',
      mentionBot: true,
      conversationId: '19:gen@thread.tacv2',
    });
    expect(text(general)).toContain('set (its name is not known)');
    expect(text(general)).not.toContain('19:gen@thread.tacv2');
  });

  it('names a channel Teams sent without its name by asking the connector for the team’s channels (General has none)', async () => {
    teams.connector.teamChannels.set('19:team@thread.tacv2', [
      { id: '19:team@thread.tacv2' },
      { id: '19:approvals@thread.tacv2', name: 'ai-approvals' },
    ]);
    const general = await say(ADMIN, 'aims setup channel leadership', {
      conversationType: 'channel',
      mentionBot: true,
      conversationId: '19:team@thread.tacv2',
      teamId: '19:team@thread.tacv2',
    });
    expect(text(general)).toContain('{"type":"TextRun","text":"#General"}');
    const approvals = await say(ADMIN, 'aims setup channel approvals', {
      conversationType: 'channel',
      mentionBot: true,
      conversationId: '19:approvals@thread.tacv2',
      teamId: '19:team@thread.tacv2',
    });
    expect(text(approvals)).toContain('{"type":"TextRun","text":"#ai-approvals"}');
    // The list was asked for once for both (cached per team).
    expect(teams.connector.teamLookups).toEqual(['19:team@thread.tacv2']);
  });

  it('a member cannot set a channel', async () => {
    const before = await auditCount();
    expect(text(await say(MEMBER, 'aims setup channel approvals', { conversationType: 'channel', mentionBot: true }))).toContain(
      'Only admins can choose channels.',
    );
    expect(await auditCount()).toBe(before);
  });
});
