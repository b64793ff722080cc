import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { buttonsOf, clickButton, postInteraction, submitModal } from '../../helpers/slack-interactions.ts';
import { startSlackHarness } from '../../helpers/start-test-app.ts';
import { slackConversation } from '../../helpers/slack-conversation.ts';
import { SLACK_CHANNELS, slackWorkspace } from '../../helpers/workspace-builders.ts';
import { runCli } from '../../../src/cli/aims-cli.ts';
import { TEST_STORE_KIND, testStoreUrl } from '../../helpers/store-kinds.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
let slack: Harness;
const { command, openModal } = slackConversation(() => slack);

const ADMIN = { user: 'U0ADMIN', name: 'alice' };
const OWNER = { user: 'U0OWNER', name: 'olivia' };
const MEMBER = { user: 'U0MEMBER', name: 'mia' };

// Each test has its own bot, store and fake Slack (setup not yet run); in memory unless a file is given.
const start = async (dbPath?: string) => {
  slack = await startSlackHarness(
    { AIMS_ADMINS: 'slack:U0ADMIN', ...(dbPath ? { AIMS_DB: dbPath } : {}) },
    { users: { U0OWNER: 'Olivia Owner', U0MEMBER: 'Mia Member' }, channels: SLACK_CHANNELS },
  );
};
afterEach(async () => {
  await slack.close();
});

const lastCall = (method: string) => slack.slackApi.callsTo(method).at(-1);
const sql = () => sqlOf(slack.app.store);
const auditCount = async () => await sql().count('audit_events');
const text = (value: unknown) => JSON.stringify(value ?? null);
const jsonOf = (value: unknown) => (typeof value === 'string' ? (JSON.parse(value) as unknown) : value);

const fraudScorer = {
  name: 'Fraud Scorer',
  description: 'Gradient-boosted model scoring card payments for fraud.',
  purpose: 'Hold suspicious payments for review by the fraud team.',
  owner: 'U0OWNER',
  euRiskLevel: 'high',
  internalTier: 'tier-1',
  stage: 'production',
  provider: 'in-house',
};

/** A system added by the admin through the modal (the Fraud Scorer unless named otherwise). */
const addSystem = async (values: Partial<typeof fraudScorer> = {}) =>
  await slackWorkspace(slack, { setup: null, system: { ...fraudScorer, ...values } });

describe('AI system inventory on Slack, end to end', () => {
  beforeEach(async () => await start());

  it('adds a system through the modal, as Slack’s client fills it, and a double submit adds it once', async () => {
    const view = await openModal(ADMIN, 'system add');
    expect(view.title).toMatchObject({ text: 'Add an AI system' });
    const before = await auditCount();
    const saved = await submitModal(slack.eventsUrl, view, fraudScorer, ADMIN, 'V0ADD1');
    expect(saved.json?.response_action).toBe('update');
    expect(text(saved.json?.view)).toContain('Added Fraud Scorer to the AI system inventory.');
    const again = await submitModal(slack.eventsUrl, view, fraudScorer, ADMIN, 'V0ADD1');
    expect(text(again.json?.view)).toContain('Fraud Scorer was already added.');
    const rows = await sql().all(
      'SELECT s.name, s.stage, p.external_id AS owner, p.display_name AS "ownerName" FROM ai_systems s JOIN people p ON p.id = s.owner_person_id',
    );
    expect(rows).toEqual([{ name: 'Fraud Scorer', stage: 'production', owner: 'U0OWNER', ownerName: 'Olivia Owner' }]);
    // The owner was met through the picker (person.created) and the system created: both audited.
    const actions = (
      await sql().all<{ action: string }>('SELECT action FROM audit_events WHERE sequence > ? ORDER BY sequence', before)
    ).map((r) => r.action);
    expect(actions).toEqual(['person.created', 'ai_system.created']);
  });

  it('puts errors at the field: duplicate name (any case), empty and over-long fields, vendor missing', async () => {
    await addSystem();
    const view = await openModal(MEMBER, 'system add');
    const before = await auditCount();
    const duplicate = await submitModal(slack.eventsUrl, view, { ...fraudScorer, name: '  fraud SCORER ' }, MEMBER, 'V0DUP');
    expect(duplicate.json).toEqual({
      response_action: 'errors',
      errors: { name: 'An AI system named “Fraud Scorer” already exists in this workspace.' },
    });
    // Names that differ only by zero-width or bidi characters (or by the space they hide) are the same name.
    for (const [name, id] of [
      ['Fraud\u200bScorer', 'V0ZW'],
      ['\u202eFraud Scorer\u2069', 'V0BIDI'],
      ['Fraud\u00a0Scorer\ufeff', 'V0NBSP'],
    ] as const) {
      const twin = await submitModal(slack.eventsUrl, view, { ...fraudScorer, name }, MEMBER, id);
      expect(twin.json?.errors).toEqual({ name: 'An AI system named “Fraud Scorer” already exists in this workspace.' });
    }
    const blank = await submitModal(slack.eventsUrl, view, { ...fraudScorer, name: '\u200b\u200d\u2060' }, MEMBER, 'V0INVISIBLE');
    expect(blank.json?.errors).toEqual({ name: 'Name is required.' });
    const empty = await submitModal(
      slack.eventsUrl,
      view,
      { ...fraudScorer, name: 'Churn model', description: '   ', purpose: 'p'.repeat(1001) },
      MEMBER,
      'V0EMPTY',
    );
    expect(empty.json?.errors).toEqual({
      description: 'Description is required.',
      purpose: 'Intended purpose can be at most 1000 characters.',
    });
    const vendor = await submitModal(
      slack.eventsUrl,
      view,
      { ...fraudScorer, name: 'Vendor LLM', provider: 'third-party' },
      MEMBER,
      'V0VENDOR',
    );
    expect(vendor.json?.errors).toEqual({ vendorName: 'Name the vendor of a third-party system.' });
    const link = await submitModal(
      slack.eventsUrl,
      view,
      { ...fraudScorer, name: 'Linked', modelCardUrl: 'javascript:alert(1)' },
      MEMBER,
      'V0LINK',
    );
    expect(link.json?.errors).toEqual({ modelCardUrl: 'Model card link must be a link starting with https://' });
    expect(await auditCount()).toBe(before);
    expect(await sql().count('ai_systems')).toBe(1);
  });

  it('lists the inventory, filtered by stage or risk', async () => {
    await addSystem();
    const all = await command(MEMBER, 'system list');
    expect(text(all.json)).toContain('Fraud Scorer');
    expect(text(all.json)).toContain('owner Olivia Owner');
    const retired = await command(MEMBER, 'system list retired');
    expect(text(retired.json)).toContain('No AI systems (retired) in the inventory yet.');
    const minimal = await command(MEMBER, 'system list minimal');
    expect(text(minimal.json)).not.toContain('Fraud Scorer');
    const bad = await command(MEMBER, 'system list shiny');
    expect(text(bad.json)).toContain('not by “shiny”');
  });

  it('shows one system as a card: Edit and Retire for its owner, none for a member', async () => {
    await addSystem();
    const asOwner = await command(OWNER, 'system fraud scorer');
    expect(Object.keys(buttonsOf(asOwner.json))).toEqual(['Edit', 'Retire']);
    const asMember = await command(MEMBER, 'system Fraud Scorer');
    expect(text(asMember.json)).toContain('High risk');
    expect(Object.keys(buttonsOf(asMember.json))).toEqual([]);
    const missing = await command(MEMBER, 'system fraud scorr');
    expect(text(missing.json)).toContain('No AI system called “fraud scorr” in this workspace.');
    expect(text(missing.json)).toContain('Did you mean: Fraud Scorer?');
  });

  it('edits through the Edit button: the owner may, a member clicking the same button is refused', async () => {
    await addSystem();
    const card = await command(OWNER, 'system fraud scorer');
    const edit = buttonsOf(card.json).Edit as Record<string, unknown>;

    const refusedCalls = slack.slackApi.callsTo('views.open').length;
    await clickButton(slack.eventsUrl, edit, MEMBER, slack.slackApi.responseUrl('member-edit'));
    expect(slack.slackApi.callsTo('views.open').length).toBe(refusedCalls);
    expect(text(lastCall('response_url')?.args)).toContain('Only the owner of Fraud Scorer or an admin can edit it.');
    expect(text(lastCall('response_url')?.args)).toContain('The owner is Olivia Owner.');

    await clickButton(slack.eventsUrl, edit, OWNER, slack.slackApi.responseUrl('owner-edit'));
    const view = lastCall('views.open')?.args.view as Record<string, unknown>;
    expect(lastCall('views.open')?.problems).toEqual([]);
    expect(text(view)).toContain('"initial_value":"Fraud Scorer"');
    const saved = await submitModal(
      slack.eventsUrl,
      view,
      { stage: 'development', repositoryUrl: 'https://git.example.com/fraud' },
      OWNER,
      'V0EDIT',
    );
    expect(text(saved.json?.view)).toContain('Saved Fraud Scorer.');
    const row = await sql().get("SELECT stage, repository_url FROM ai_systems WHERE name = 'Fraud Scorer'");
    expect(row).toEqual({ stage: 'development', repository_url: 'https://git.example.com/fraud' });
    const event = await sql().get<{ payload: string }>("SELECT payload FROM audit_events WHERE action = 'ai_system.updated'");
    expect(JSON.parse(event?.payload ?? 'null')).toMatchObject({
      before: { stage: 'production', repositoryUrl: null },
      after: { stage: 'development', repositoryUrl: 'https://git.example.com/fraud' },
    });
  });

  it('offers active systems to type-ahead pickers, and retiring removes one from them but keeps its record', async () => {
    await addSystem();
    const view = await openModal(ADMIN, 'system add');
    await submitModal(slack.eventsUrl, view, { ...fraudScorer, name: 'Fraud Explainer', stage: 'development' }, ADMIN, 'V0ADD2');
    const suggest = async (value: string) =>
      (
        await postInteraction(slack.eventsUrl, {
          type: 'block_suggestion',
          team: { id: 'T0TEST' },
          user: { id: 'U0MEMBER' },
          action_id: 'pick:aiSystem',
          block_id: 'system',
          value,
          view: { id: 'V0X' },
        })
      ).json;
    expect(await suggest('fraud')).toEqual({
      options: [
        { text: { type: 'plain_text', text: 'Fraud Explainer' }, value: expect.any(String) },
        { text: { type: 'plain_text', text: 'Fraud Scorer' }, value: expect.any(String) },
      ],
    });

    const card = await command(OWNER, 'system fraud scorer');
    await clickButton(slack.eventsUrl, buttonsOf(card.json).Retire as Record<string, unknown>, OWNER, slack.slackApi.responseUrl('retire'));
    const replaced = lastCall('response_url');
    expect(replaced?.args.replace_original).toBe(true);
    expect(text(replaced?.args)).toContain('Fraud Scorer is retired. Its record and history stay.');
    expect(replaced?.problems).toEqual([]);
    expect(await suggest('fraud')).toEqual({
      options: [{ text: { type: 'plain_text', text: 'Fraud Explainer' }, value: expect.any(String) }],
    });
    expect(text((await command(MEMBER, 'system list')).json)).not.toContain('Fraud Scorer');
    expect(text((await command(MEMBER, 'system list retired')).json)).toContain('Fraud Scorer');
    // Retiring twice changes nothing more.
    const events = await auditCount();
    await command(OWNER, 'system fraud scorer retire');
    expect(await auditCount()).toBe(events);
  });

  it('keeps workspaces apart: another team sees none of it and may reuse the name', async () => {
    await addSystem({ name: 'Fraud Explainer', stage: 'development' });
    const outsider = { user: 'U0OUT', name: 'oscar', team: 'T0OTHER' };
    expect(text((await command(outsider, 'system fraud explainer')).json)).toContain('No AI system called “fraud explainer”');
    expect(text((await command(outsider, 'system list')).json)).toContain('No AI systems');
    const view = await openModal(outsider, 'system add');
    const saved = await submitModal(slack.eventsUrl, view, { ...fraudScorer, name: 'Fraud Explainer', owner: 'U0OUT' }, outsider, 'V0OUT');
    expect(text(saved.json?.view)).toContain('Added Fraud Explainer');
  });
});

describe('roles on Slack', () => {
  beforeEach(async () => await start());

  it('an admin grants and revokes a role by @mention; role list shows it', async () => {
    const granted = await command(ADMIN, 'role grant <@U0MEMBER|mia> approver');
    expect(text(granted.json)).toContain('mia is now an approver.');
    expect(text((await command(MEMBER, 'role list')).json)).toContain('mia');
    const again = await command(ADMIN, 'role grant <@U0MEMBER> Approvers');
    expect(text(again.json)).toContain('already holds the approver role; nothing changed.');
    const revoked = await command(ADMIN, 'role revoke <@U0MEMBER> approver');
    expect(text(revoked.json)).toContain('no longer holds the approver role.');
    const roles = await sql().all(
      "SELECT r.role FROM role_assignments r JOIN people p ON p.id = r.person_id WHERE p.external_id = 'U0MEMBER'",
    );
    expect(roles).toEqual([]);
  });

  it('a member who tries an admin command is told who the admins are; nothing changes, no audit event', async () => {
    // Both have used the bot before (so meeting them records nothing now).
    await command(ADMIN, 'role list');
    await command(MEMBER, 'role list');
    const before = await auditCount();
    const refused = await command(MEMBER, 'role grant <@U0OWNER> admin');
    expect(text(refused.json)).toContain('Only admins can grant roles.');
    expect(text(refused.json)).toContain('Ask an admin: alice.');
    expect(await auditCount()).toBe(before);
  });

  it('the last admin cannot be removed', async () => {
    const refused = await command(ADMIN, 'role revoke <@U0ADMIN> admin');
    expect(text(refused.json)).toContain('is the last admin of this workspace');
    await command(ADMIN, 'role grant <@U0OWNER> admin');
    expect(text((await command(ADMIN, 'role revoke <@U0OWNER> admin')).json)).toContain('no longer holds the admin role.');
  });

  it('asks for a mention and a real role', async () => {
    expect(text((await command(ADMIN, 'role grant mia approver')).json)).toContain('Mention the person');
    expect(text((await command(ADMIN, 'role grant <@U0MEMBER> overlord')).json)).toContain('“overlord” is not a role.');
  });
});

describe('setup on Slack', () => {
  beforeEach(async () => await start());

  it('a member is refused before any form opens', async () => {
    const opened = slack.slackApi.callsTo('views.open').length;
    const refused = await command(MEMBER, 'setup');
    expect(text(refused.json)).toContain('Only admins can change the setup.');
    expect(slack.slackApi.callsTo('views.open').length).toBe(opened);
  });

  it('an admin runs the setup form: channel pickers, approvals, time zone checked at its field', async () => {
    const status = await command(ADMIN, 'status');
    expect(text(status.json)).toContain('Still missing: incidents, approvals, leadership.');
    const view = await openModal(ADMIN, 'setup');
    expect(text(view)).toContain('conversations_select');
    const values = {
      incidentsChannel: 'C0INC',
      approvalsChannel: 'C0APP',
      leadershipChannel: 'C0LEAD',
      defaultApprovals: '3',
      timeZone: 'Mars/Olympus',
    };
    const bad = await submitModal(slack.eventsUrl, view, values, ADMIN, 'V0SETUP');
    expect(bad.json).toEqual({ response_action: 'errors', errors: { timeZone: expect.stringContaining('Not a time zone we know') } });
    const saved = await submitModal(slack.eventsUrl, view, { ...values, timeZone: 'Europe/Berlin' }, ADMIN, 'V0SETUP');
    expect(text(saved.json?.view)).toContain('Setup saved.');
    // A channel reference: Slack shows each reader the channel's current name.
    expect(text(saved.json?.view)).toContain('*Incidents channel*\\n<#C0INC>');
    // A JSON column: text on SQLite, json on PostgreSQL (the driver hands it over parsed).
    const row = await sql().get<Record<string, unknown>>('SELECT incidents_channel, default_approvals, time_zone FROM workspace_settings');
    expect({ ...row, incidents_channel: jsonOf(row?.incidents_channel) }).toEqual({
      incidents_channel: { id: 'C0INC', name: 'ai-incidents' },
      default_approvals: 3,
      time_zone: 'Europe/Berlin',
    });
    const after = await command(MEMBER, 'status');
    // No system yet, so the status is the checklist: channels ticked, the approvals setup asked for.
    expect(text(after.json)).toContain('✅ *2. Choose the channels*');
    expect(text(after.json)).toContain('a release needs 3 approvals');
    expect(text(after.json)).toContain('As of 22 Nov 2026 11:00');
  });
});

describe('status on Slack', () => {
  // A store a second connection can open, so that `aims audit verify` can check the chain after the whole
  // flow: a real file on SQLite, this project's database (by its URL) on PostgreSQL.
  let storeEnv: Record<string, string>;
  beforeEach(async () => {
    if (TEST_STORE_KIND === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'aims-slack-inventory-'));
      const file = join(dir, 'aims.db');
      await start(file);
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      storeEnv = { AIMS_DB: file, AIMS_DATABASE_URL: '' };
    } else {
      await start();
      storeEnv = { AIMS_DATABASE_URL: testStoreUrl(slack.app.store) ?? '' };
    }
  });

  it('status counts the inventory by stage and risk, and the audit chain verifies after everything', async () => {
    // The Fraud Scorer (high risk) retired; the Fraud Explainer (high risk) in development.
    await addSystem();
    await addSystem({ name: 'Fraud Explainer', stage: 'development' });
    expect(text((await command(OWNER, 'system fraud scorer retire')).json)).toContain('Fraud Scorer is retired.');
    const status = await command(MEMBER, 'status');
    expect(text(status.json)).toContain('*In development*\\n1');
    expect(text(status.json)).toContain('*Retired*\\n1');
    expect(text(status.json)).toContain('0 prohibited, 1 high, 0 limited, 0 minimal');
    expect(slack.slackApi.calls.flatMap((call) => call.problems)).toEqual([]);
    expect(await slack.app.store.verifyAudit()).toMatchObject({ ok: true });
    // The CLI's own function (what bin/aims.js runs), in-process.
    const out: string[] = [];
    const code = await runCli(['audit', 'verify'], {
      out: (line) => out.push(line),
      err: (line) => out.push(line),
      env: storeEnv,
    });
    expect(out.join('\n')).toMatch(/^OK: audit chain of workspace \S+ intact, \d+ events, head #\d+ [0-9a-f]{64}/m);
    expect(code).toBe(0);
  });
});
