import { afterEach, describe, expect, it } from 'vitest';
import { seedReleaseWorkspace } from '../../helpers/release-workspace.ts';
import { slackConversation } from '../../helpers/slack-conversation.ts';
import { buttonsOf, clickButton, submitModal } from '../../helpers/slack-interactions.ts';
import { checkSlackMessage } from '../../helpers/slack-limits.ts';
import { postEvent } from '../../helpers/slack-signing.ts';
import { startSlackHarness } from '../../helpers/start-test-app.ts';
import { sqlOf } from '../../helpers/test-sql.ts';
import { SLACK_ADMIN, SLACK_MEMBER, SLACK_OWNER, startSlackWorkspace } from '../../helpers/workspace-builders.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
type Json = Record<string, unknown>;
let slack: Harness | undefined;
const { command, openModal } = slackConversation(() => slack as Harness);
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});

const text = (value: unknown) => JSON.stringify(value ?? null);
const harness = () => slack as Harness;

/** Opens the App Home tab as Slack reports it; returns the view the bot published. */
async function openHome(user: string, ts: string): Promise<Json> {
  const published = harness().slackApi.callsTo('views.publish').length;
  const response = await postEvent(harness().eventsUrl, { type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home', event_ts: ts });
  expect(response.status).toBe(200);
  const calls = harness().slackApi.callsTo('views.publish').slice(published);
  expect(calls).toHaveLength(1);
  expect(calls[0]?.problems).toEqual([]);
  return calls[0]?.args.view as Json;
}

/** Clicks a button of a message only the clicker sees (an ephemeral answer); returns what the bot answered there. */
async function clickPrivate(message: Json | undefined, label: string, who = SLACK_ADMIN): Promise<Json | undefined> {
  const button = buttonsOf(message)[label];
  expect(button, label).toBeDefined();
  await clickButton(harness().eventsUrl, button as Json, who, harness().slackApi.responseUrl(`${who.user}-${label}`), {
    channel: 'D0ADMIN',
    ts: '1700000000.000100',
    ephemeral: true,
  });
  return harness().slackApi.callsTo('response_url').at(-1)?.args;
}

describe('first run on Slack', () => {
  it('the first App Home open greets with the checklist; the second open does not greet again', async () => {
    slack = await startSlackHarness({ AIMS_ADMINS: `slack:${SLACK_ADMIN.user}` });
    const first = await openHome(SLACK_ADMIN.user, '1700000010.000100');
    expect(text(first)).toContain('Hi, I am aims-bot');
    expect(text(first)).toContain('Get started with aims-bot');
    expect(text(first)).toContain('Add your first AI system');
    expect(buttonsOf(first)['Add an AI system']).toBeDefined();
    const second = await openHome(SLACK_ADMIN.user, '1700000011.000100');
    expect(text(second)).not.toContain('Hi, I am aims-bot');
    // Still an empty workspace: the status is the checklist, not zeros.
    expect(text(second)).toContain('Nothing to report yet');
    expect(text(second)).not.toContain('People known');
    // Another person's first visit is theirs.
    expect(text(await openHome(SLACK_MEMBER.user, '1700000012.000100'))).toContain('Hi, I am aims-bot');
    const greeted = await sqlOf(harness().app.store).all('SELECT subject FROM first_run_greetings ORDER BY id');
    expect(greeted).toEqual([{ subject: `slack-home:${SLACK_ADMIN.user}` }, { subject: `slack-home:${SLACK_MEMBER.user}` }]);
    expect((await harness().app.store.verifyAudit()).ok).toBe(true);
  });

  it('/aims start ticks the steps from the records: system and channels done, approvers next', async () => {
    ({ slack } = await startSlackWorkspace());
    const start = await command(SLACK_ADMIN, 'start');
    expect(checkSlackMessage(start.json ?? {})).toEqual([]);
    expect(text(start.json)).toContain('2 of 4 done');
    expect(text(start.json)).toContain('✅ *1. Add your first AI system*');
    expect(text(start.json)).toContain('✅ *2. Choose the channels*');
    expect(text(start.json)).toContain('👉 *3. Grant approvers*');
    // "get started" is the same command.
    expect(text((await command(SLACK_ADMIN, 'get started')).json)).toContain('2 of 4 done');
    // The step's button runs `role list` for the clicker.
    const roles = await clickPrivate(start.json, 'Who holds roles');
    expect(text(roles)).toContain('Approvers');
    expect(text(roles)).toContain('nobody yet');
  });

  it('help is grouped by task with buttons; a button opens its form, and the full syntax is one click away', async () => {
    ({ slack } = await startSlackWorkspace());
    const help = await command(SLACK_MEMBER, 'help');
    expect(checkSlackMessage(help.json ?? {})).toEqual([]);
    const body = text(help.json);
    const headings = ['*Report*', '*Approve*', '*Train*', '*Review*', '*Look up*', '*Admin*'];
    for (const heading of headings) expect(body).toContain(heading);
    expect(headings.map((heading) => body.indexOf(heading))).toEqual(
      [...headings.map((heading) => body.indexOf(heading))].sort((a, b) => a - b),
    );
    expect(body).not.toContain('incident list [open|mine|S1..S4|<system>]');
    const opened = harness().slackApi.callsTo('views.open').length;
    await clickPrivate(help.json, 'Log an incident', SLACK_MEMBER);
    const modals = harness().slackApi.callsTo('views.open').slice(opened);
    expect(modals).toHaveLength(1);
    expect(modals[0]?.problems).toEqual([]);
    expect(text(modals[0]?.args.view)).toContain('incident.report');
    const full = await clickPrivate(help.json, 'Full syntax', SLACK_MEMBER);
    expect(text(full)).toContain('incident list [open|mine|S1..S4|&lt;system&gt;]');
    expect(text((await command(SLACK_MEMBER, 'help more')).json)).toContain('Every command, in full');
  });

  it('status leads with the digest verdict and the items that most need attention, each with a button', async () => {
    let systemId: string;
    ({ slack, systemId } = await startSlackWorkspace());
    const healthy = await command(SLACK_ADMIN, 'status');
    expect(text(healthy.json)).toContain('*Healthy:*');
    expect(text(healthy.json)).toContain('People known');
    // Four serious incidents: the status shows the three that most need attention, and says how many more.
    for (const [n, title] of [
      'Scorer holds every payment',
      'Scorer holds refunds',
      'Scorer holds payouts',
      'Scorer holds fees',
    ].entries()) {
      const report = await openModal(SLACK_MEMBER, `incident ${title}`);
      await submitModal(
        harness().eventsUrl,
        report,
        {
          aiSystem: systemId,
          severity: n === 3 ? 'S2' : 'S1',
          type: 'model-drift',
          description: 'Payments are held.',
          affected: 'All customers.',
          detectedAt: '2026-11-22T08:30:00.000Z',
        },
        SLACK_MEMBER,
        `V0INCS${n}`,
      );
    }
    const status = await command(SLACK_ADMIN, 'status');
    expect(checkSlackMessage(status.json ?? {})).toEqual([]);
    const body = text(status.json);
    expect(body).toContain('*Needs attention:* 4 open S1/S2 incident(s).');
    expect(body).toContain('INC-1 Scorer holds every payment');
    expect(body).toContain('INC-3 Scorer holds payouts');
    // The S2 is the least urgent: left for the digest's list.
    expect(body).not.toContain('INC-4 Scorer holds fees');
    expect(body).toContain('and 1 more');
    expect(Object.keys(buttonsOf(status.json))).toEqual(expect.arrayContaining(['Open INC-1', 'Open INC-2', 'Open INC-3']));
    // The verdict comes before the sections.
    expect(body.indexOf('Needs attention')).toBeLessThan(body.indexOf('People known'));
    // Nothing of the status is cut to fit Slack's 50 blocks: its last section is there.
    expect(body).toContain('Chain head');
    const card = await clickPrivate(status.json, 'Open INC-1');
    expect(text(card)).toContain('INC-1');
    expect(text(card)).toContain('Acknowledge');
  });

  it('required training behind schedule is an item with the button to its report', async () => {
    ({ slack } = await startSlackWorkspace());
    const course = await openModal(SLACK_ADMIN, 'training course add');
    await submitModal(
      harness().eventsUrl,
      course,
      { name: 'Responsible AI basics', description: 'The basics.', requiredRoles: '', renewalMonths: '12' },
      SLACK_ADMIN,
      'V0COURSE',
    );
    const status = await command(SLACK_ADMIN, 'status');
    expect(checkSlackMessage(status.json ?? {})).toEqual([]);
    expect(text(status.json)).toContain('*Needs attention:* required training at 0%.');
    expect(text(status.json)).toContain('*• Required training at 0%*');
    const report = await clickPrivate(status.json, 'Training report');
    expect(text(report)).toContain('Responsible AI basics');
  });

  it('requesting a release with fewer approvers than it needs warns, before and after, and names the admins', async () => {
    ({ slack } = await startSlackWorkspace());
    // Olivia owns the system but holds no role: nobody can approve yet.
    const form = await openModal(SLACK_OWNER, 'release Fraud Scorer');
    expect(text(form)).toContain('Warning: this request needs 2 approvals but nobody else here holds the approver role');
    expect(text(form)).toContain('an admin (alice)');
    const submitted = await submitModal(
      harness().eventsUrl,
      form,
      { version: '2.0.0', changeType: 'retrain', whatChanged: 'Retrained.', risks: 'None known.', approvalsNeeded: '2' },
      SLACK_OWNER,
      'V0RELWARN',
    );
    expect(submitted.status).toBe(200);
    expect(text(submitted.json)).toContain('Requested REL-1.');
    expect(text(submitted.json)).toContain('an admin (alice)');
    expect(text(submitted.json)).toContain('/aims role grant @person approver');
    // With two approvers granted, the warning is gone.
    for (const [user, name] of [
      ['U0APP1', 'ann'],
      ['U0APP2', 'ben'],
    ])
      expect(text((await command(SLACK_ADMIN, `role grant <@${user}|${name}> approver`)).json)).toContain('is now an approver');
    expect(text(await openModal(SLACK_OWNER, 'release Fraud Scorer'))).not.toContain('Warning:');
  });

  it('the pipeline API answers a request it cannot get signed off with a warning naming the admins', async () => {
    slack = await startSlackHarness({ AIMS_ADMINS: 'slack:U0ADMIN', AIMS_API_TOKENS: 'slack:T0TEST=token-for-acme-0123456789abcdef' });
    await seedReleaseWorkspace(harness().app.store, { approvers: ['U0APP1'] });
    const created = await fetch(`${harness().app.url}/api/v1/releases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer token-for-acme-0123456789abcdef' },
      body: JSON.stringify({
        aiSystem: 'Fraud Scorer',
        version: '3.0.0',
        changeType: 'retrain',
        whatChanged: 'Nightly retrain.',
        risks: 'None known.',
        requester: 'U0PIPE',
      }),
    });
    expect(created.status).toBe(201);
    const json = (await created.json()) as { warnings?: string[] };
    expect(json.warnings).toHaveLength(1);
    expect(json.warnings?.[0]).toContain('only 1 person holds the approver role');
    expect(json.warnings?.[0]).toContain('an admin (u0admin)');
  });
});
