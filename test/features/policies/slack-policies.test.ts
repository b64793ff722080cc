import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/cli-args.ts';
import { exportSourcesOf, runExport } from '../../../src/cli/export-command.ts';
import { policiesFeature } from '../../../src/features/policies/feature.ts';
import { features } from '../../../src/features/index.ts';
import { buttonsOf, clickButton, submitModal } from '../../helpers/slack-interactions.ts';
import type { startSlackHarness } from '../../helpers/start-test-app.ts';
import { slackConversation } from '../../helpers/slack-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';
import { startSlackWorkspace } from '../../helpers/workspace-builders.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
type Json = Record<string, unknown>;
type Who = { user: string; name: string; team?: string };
let slack: Harness;
const { command, openModal } = slackConversation(() => slack);

// Everyone the bot knows here: the admin who writes the policy and two approvers.
const ADMIN = { user: 'U0ADMIN', name: 'alice' };
const APPROVER1 = { user: 'U0APP1', name: 'ann' };
const APPROVER2 = { user: 'U0APP2', name: 'ben' };

const text = (value: unknown) => JSON.stringify(value ?? null);
const calls = (method: string) => slack.slackApi.callsTo(method);
const sql = () => sqlOf(slack.app.store);

const v1 = () => ({
  name: 'AI policy',
  title: 'How we build and run AI',
  effectiveDate: '2026-12-01',
  link: 'https://intranet.example.com/ai-policy-v1',
  text: 'We keep an inventory of AI systems, assess their impact and review them.',
  changes: 'First version.',
  audience: 'everyone',
});

/** The card of a policy version as last posted or updated in the approvals channel. */
function approvalsCard(label: string): Json | undefined {
  return calls('*')
    .filter(
      (call) =>
        (call.method === 'chat.postMessage' || call.method === 'chat.update') &&
        call.args.channel === 'C0APP' &&
        text(call.args.blocks).includes(label),
    )
    .at(-1)?.args;
}

async function clickIn(message: Json | undefined, who: Who, label: string, channel: string): Promise<Json | undefined> {
  const button = buttonsOf(message)[label];
  expect(button, label).toBeDefined();
  await clickButton(slack.eventsUrl, button as Json, who, slack.slackApi.responseUrl(`${who.user}-${label}-${Math.random()}`), {
    channel,
    ts: String(message?.ts ?? '1700000000.000200'),
  });
  return calls('response_url').at(-1)?.args;
}

/** The DMs a person got asking to acknowledge `label` ("AI policy v1"). */
const asks = (who: Who, label: string) =>
  calls('chat.postMessage').filter((call) => call.args.channel === who.user && text(call.args).includes(`Please read ${label}`));

async function addVersion(values: Record<string, string | undefined>, viewId: string) {
  const form = await openModal(ADMIN, 'policy add');
  return await submitModal(slack.eventsUrl, form, values, ADMIN, viewId);
}

async function approveBoth(label: string) {
  expect(text(await clickIn(approvalsCard(label), APPROVER1, `Approve ${label.split(' ').at(-1)}`, 'C0APP'))).toContain(
    'Your approval is recorded.',
  );
  expect(text(await clickIn(approvalsCard(label), APPROVER2, `Approve ${label.split(' ').at(-1)}`, 'C0APP'))).toContain('is approved');
}

async function publish(ref: string) {
  const confirm = (await command(ADMIN, `policy ${ref} publish`)).json as Json;
  const button = Object.keys(buttonsOf(confirm)).find((label) => label.startsWith('Publish'));
  expect(button, text(confirm)).toBeDefined();
  return await clickIn(confirm, ADMIN, button as string, 'C0GENERAL');
}

beforeEach(async () => {
  ({ slack } = await startSlackWorkspace({ users: { U0APP1: 'Ann Approver', U0APP2: 'Ben Approver' } }, { system: null }));
  await command(ADMIN, 'role grant <@U0APP1> approver');
  await command(ADMIN, 'role grant <@U0APP2> approver');
});
afterEach(async () => {
  await slack.close();
});

describe('policies on Slack, end to end', () => {
  it('v1 approved and published to 3 people, 2 acknowledge (a double click counts once), the third is nudged the next day; v2 asks all 3 again', async () => {
    const saved = await addVersion(v1(), 'V0POL1');
    expect(text(saved.json?.view ?? saved.json)).toContain('Added AI policy v1 (POL-1).');
    // A double submit adds nothing.
    await addVersion(v1(), 'V0POL1');
    expect(await sql().count('policy_versions')).toBe(1);
    expect(text(approvalsCard('AI policy v1'))).toContain('Awaiting approval');
    expect(
      calls('chat.postMessage')
        .filter((call) => call.args.channel === 'C0APP')
        .every((call) => call.problems.length === 0),
    ).toBe(true);

    // Publishing before approval is refused, and nothing is written.
    const early = text((await command(ADMIN, 'policy AI policy publish')).json);
    expect(early).toContain('AI policy v1 is not approved yet (0 of 2 approvals): it cannot be published before.');
    expect(await sql().count('policy_acknowledgements')).toBe(0);
    // The author never approves their own version.
    expect(text(await clickIn(approvalsCard('AI policy v1'), ADMIN, 'Approve v1', 'C0APP'))).toContain(
      'You wrote AI policy v1, so you cannot approve it',
    );
    await approveBoth('AI policy v1');
    const hash = (await sql().get<{ h: string }>('SELECT content_hash AS h FROM policy_versions WHERE version = 1'))?.h;
    expect(await sql().all('SELECT content_hash AS hash FROM policy_approvals ORDER BY id')).toEqual([{ hash }, { hash }]);

    // Approved: its card in the approvals channel offers to publish it.
    expect(Object.keys(buttonsOf(approvalsCard('AI policy v1')))).toContain('Publish v1');
    const published = text(await publish('AI policy'));
    expect(published).toContain('Published AI policy v1: 3 people were asked to acknowledge it.');
    for (const who of [ADMIN, APPROVER1, APPROVER2]) {
      const dm = asks(who, 'AI policy v1');
      expect(dm, who.user).toHaveLength(1);
      expect(dm[0]?.problems).toEqual([]);
      expect(Object.keys(buttonsOf(dm[0]?.args))).toEqual(['Acknowledge v1']);
      expect(text(dm[0]?.args)).toContain('https://intranet.example.com/ai-policy-v1');
    }
    // Through the outbox: one direct message per person, sent.
    expect(await sql().all("SELECT kind, status FROM outbox_messages WHERE subject LIKE 'policy-ack:%' ORDER BY id")).toEqual([
      { kind: 'direct', status: 'sent' },
      { kind: 'direct', status: 'sent' },
      { kind: 'direct', status: 'sent' },
    ]);

    const dmOf = (who: Who) => ({ ...asks(who, 'AI policy v1')[0]?.args, ts: asks(who, 'AI policy v1')[0]?.ts });
    expect(text(await clickIn(dmOf(ADMIN), ADMIN, 'Acknowledge v1', ADMIN.user))).toContain(
      'Your acknowledgement of AI policy v1 is recorded',
    );
    expect(text(await clickIn(dmOf(APPROVER1), APPROVER1, 'Acknowledge v1', APPROVER1.user))).toContain('is recorded');
    // A double click: counted once, said so.
    expect(text(await clickIn(dmOf(APPROVER1), APPROVER1, 'Acknowledge v1', APPROVER1.user))).toContain(
      'You already acknowledged AI policy v1; it counts once.',
    );
    // Someone else's button is not theirs to click.
    expect(text(await clickIn(dmOf(APPROVER2), APPROVER1, 'Acknowledge v1', APPROVER1.user))).toContain(
      'There is no such acknowledgement of yours',
    );
    expect(await sql().all('SELECT status, content_hash AS hash FROM policy_acknowledgements ORDER BY id')).toEqual([
      { status: 'acknowledged', hash },
      { status: 'acknowledged', hash },
      { status: 'pending', hash },
    ]);
    expect(await sql().count('audit_events', "action = 'policy.acknowledged'")).toBe(2);

    // Status shows the share per policy, and Annex A coverage counts A.2.2 (and clause 5.2, 7.3).
    const status = text((await command(ADMIN, 'status')).json);
    expect(status).toContain('AI policy v1: 2 of 3 (67%)');
    expect(status).toMatch(/Annex A controls with records.*A\.2\.2/);
    expect(status).toMatch(/Clauses with records.*5\.2/);

    // The next day the nudge goes to the one who has not acknowledged, with a button that does it.
    await slack.app.runJob('nudges', new Date('2026-11-23T08:00:00Z'));
    const nudged = (who: Who) =>
      calls('chat.postMessage').filter((call) => call.args.channel === who.user && text(call.args).includes('Acknowledge AI policy v1'));
    expect(nudged(APPROVER2)).toHaveLength(1);
    expect(nudged(ADMIN)).toHaveLength(0);
    expect(nudged(APPROVER1)).toHaveLength(0);

    // v2: approved and published, it asks all three again; v1's open ask points at v2.
    const saved2 = await addVersion({ ...v1(), title: 'How we build, buy and run AI', changes: 'Covers bought AI.' }, 'V0POL2');
    expect(text(saved2.json?.view ?? saved2.json)).toContain('Added AI policy v2 (POL-1).');
    await approveBoth('AI policy v2');
    expect(text(await publish('POL-1'))).toContain('Published AI policy v2: 3 people were asked to acknowledge it.');
    for (const who of [ADMIN, APPROVER1, APPROVER2]) expect(asks(who, 'AI policy v2'), who.user).toHaveLength(1);
    expect(await sql().get('SELECT status FROM policy_versions WHERE version = 1')).toEqual({ status: 'superseded' });
    // Acknowledging the superseded v1 (an old button) is refused, naming the current version.
    const stale = text(await clickIn(dmOf(APPROVER2), APPROVER2, 'Acknowledge v1', APPROVER2.user));
    expect(stale).toContain('v1 of AI policy was replaced by v2: acknowledge v2 instead.');
    expect(await sql().count('policy_acknowledgements', "status = 'acknowledged'")).toBe(2);
    expect(text((await command(ADMIN, 'status')).json)).toContain('AI policy v2: 0 of 3 (0%)');
    // Their v1 message was refreshed when v2 came out: it points at v2 and has no button left.
    const refreshed = calls('chat.update')
      .filter((call) => call.args.channel === APPROVER2.user && text(call.args).includes('AI policy v1'))
      .at(-1)?.args;
    expect(text(refreshed)).toContain('AI policy v1 was replaced by v2: acknowledge v2 instead.');
    expect(buttonsOf(refreshed)).toEqual({});
    // The weekly digest shows the share per policy; a management review lists the versions published.
    await slack.app.runJob('digest', new Date('2026-11-23T09:00:00Z'));
    const digest = calls('chat.postMessage')
      .filter((call) => call.args.channel === 'C0LEAD' && text(call.args.blocks).includes('AIMS weekly digest'))
      .at(-1);
    expect(digest?.problems).toEqual([]);
    expect(text(digest?.args)).toContain('AI policy v2: 0 of 3 (0%)');
    const workspaceId = (await sql().get<{ id: number }>('SELECT workspace_id AS id FROM policies'))!.id;
    const inputs = await slack.app.store.read(
      async (repos) => await policiesFeature.reviewInputs!.items(repos, workspaceId, { until: '2027-01-01T00:00:00Z' }),
    );
    expect(inputs.map((item) => [item.section, item.ref])).toEqual([
      ['context-changes', 'POL-1 v1'],
      ['context-changes', 'POL-1 v2'],
      ['context-changes', 'POL-1'],
    ]);

    // The policy's card: its current version, the share, and its review (the reviews area's AI policy review).
    const card = text((await command(APPROVER2, 'policy AI policy')).json);
    expect(card).toContain('v2 · How we build, buy and run AI');
    expect(card).toMatch(/Next review.*2027-11-22 \(AI policy review #\d+, every 365 days\)/);
    expect(await sql().all('SELECT kind, cadence_days AS cadence FROM review_schedules')).toEqual([
      { kind: 'ai-policy-review', cadence: 365 },
    ]);
    expect(text((await command(ADMIN, 'policy list')).json)).toContain('POL-1');

    // `aims policy export --format csv`: a row per version with its counts, then one per acknowledgement asked.
    const out: string[] = [];
    const source = exportSourcesOf(features).get('policy');
    expect(source).toBeDefined();
    const code = await runExport(source!, slack.app.store, parseArgs(['--format', 'csv']), {
      out: (line) => out.push(line),
      err: (line) => out.push(line),
    });
    expect(code).toBe(0);
    expect(out).toHaveLength(1 + 2 + 6);
    expect(out[0]).toContain('Record,Policy,Name,Version,Title,Status');
    expect(out[1]).toMatch(/^version,POL-1,AI policy,v1,.*,superseded,.*,3,2,/);
    expect(out[2]).toMatch(/^version,POL-1,AI policy,v2,.*,published,.*,3,0,/);
    expect(out.filter((line) => line.startsWith('acknowledgement,POL-1,AI policy,v1,') && line.includes(',acknowledged,'))).toHaveLength(2);
    expect(await slack.app.store.verifyAudit()).toMatchObject({ ok: true });
  });

  it('refuses at the field: text over 3,000 characters, a link that is not http(s), neither link nor text; nothing written', async () => {
    const form = await openModal(ADMIN, 'policy add');
    const long = await submitModal(slack.eventsUrl, form, { ...v1(), text: 'x'.repeat(3001) }, ADMIN, 'V0BAD1');
    expect(long.json?.errors).toEqual({ text: 'The text can be at most 3,000 characters: link to a longer document.' });
    const link = await submitModal(slack.eventsUrl, form, { ...v1(), link: 'javascript:alert(1)' }, ADMIN, 'V0BAD2');
    expect(link.json?.errors).toEqual({ link: 'The link must be a web address starting with http:// or https://.' });
    const none = await submitModal(slack.eventsUrl, form, { ...v1(), link: '', text: '' }, ADMIN, 'V0BAD3');
    expect(none.json?.errors).toEqual({ link: 'Give a link to the policy or its text.' });
    expect(await sql().count('policies')).toBe(0);
    expect(await sql().count('policy_versions')).toBe(0);
    // Members do not write policies.
    const member = await command(APPROVER1, 'policy add');
    expect(text(member.json)).toContain('Only admins and leadership can add a policy');
  });

  it('another workspace sees nothing of the policy and cannot publish it', async () => {
    await addVersion(v1(), 'V0POLX');
    const outsider = { user: 'U0OUT', name: 'oscar', team: 'T0OTHER' };
    expect(text((await command(outsider, 'policy AI policy')).json)).toContain('There is no policy “AI policy” in this workspace.');
    expect(text((await command(outsider, 'policy POL-1 publish')).json)).toContain('There is no policy “POL-1” in this workspace.');
    expect(text((await command(outsider, 'policy list')).json)).toContain('No policies yet.');
  });
});
