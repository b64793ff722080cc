import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/cli-args.ts';
import { exportSourcesOf, runExport } from '../../../src/cli/export-command.ts';
import { ROUTER_ACTIONS } from '../../../src/chat/feature.ts';
import { features } from '../../../src/features/index.ts';
import { buttonsOf, clickButton, submitModal } from '../../helpers/slack-interactions.ts';
import { slackConversation } from '../../helpers/slack-conversation.ts';
import type { startSlackHarness } from '../../helpers/start-test-app.ts';
import { sqlOf } from '../../helpers/test-sql.ts';
import { startSlackWorkspace } from '../../helpers/workspace-builders.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
type Json = Record<string, unknown>;
let slack: Harness;
let systemId = '';
const { command, openModal } = slackConversation(() => slack);

const ADMIN = { user: 'U0ADMIN', name: 'alice' };
const OWNER = { user: 'U0OWNER', name: 'olivia' };
const MEMBER = { user: 'U0MEMBER', name: 'mia' };
const OUTSIDER = { user: 'U0OUT', name: 'oscar', team: 'T0OTHER' };
const TOKEN_A = 'token-for-acme-0123456789abcdef';
const TOKEN_B = 'token-for-globex-0123456789abcdef';

const text = (value: unknown) => JSON.stringify(value ?? null);
const sql = () => sqlOf(slack.app.store);
const readings = async () =>
  await sql().all<{ value: number; on_target: unknown; date: string; channel: string; explanation: string | null }>(
    'SELECT value, on_target, date, channel, explanation FROM objective_readings ORDER BY id',
  );

const api = (path: string, init: { token?: string; body?: unknown; key?: string; raw?: string } = {}) =>
  fetch(`${slack.app.url}/api/v1${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.key ? { 'idempotency-key': init.key } : {}),
    },
    body: init.raw ?? JSON.stringify(init.body ?? {}),
  });

const fraudRecall = () => ({
  name: 'Fraud recall',
  metric: 'fraud recall on holdout',
  direction: 'at-least',
  target: '0.92',
  cadence: 'weekly',
  source: 'recorded',
  owner: OWNER.user,
  system: systemId,
});

/** The last direct message to the owner about OBJ-n being off target. */
const offTargetDm = () =>
  slack.slackApi
    .callsTo('chat.postMessage')
    .filter((call) => call.args.channel === OWNER.user && text(call.args.blocks).includes('off target'))
    .at(-1);

beforeEach(async () => {
  ({ slack, systemId } = await startSlackWorkspace({}, { env: { AIMS_API_TOKENS: `slack:T0TEST=${TOKEN_A},slack:T0OTHER=${TOKEN_B}` } }));
  // Workspace B exists (someone there talked to the bot), with no objective of its own.
  await command(OUTSIDER, 'status');
});
afterEach(async () => {
  try {
    expect(await slack.app.store.verifyAudit()).toMatchObject({ ok: true });
  } finally {
    await slack.close();
  }
});

describe('objectives and readings on Slack, end to end', () => {
  it('an objective fed by 3 readings through the API (a replay returns the same reading), the third off target: the owner is offered a nonconformity or an explanation; status shows it off target', async () => {
    // A target that is not a number is refused at its field, nothing written.
    const form = await openModal(ADMIN, 'objective add');
    const refused = await submitModal(slack.eventsUrl, form, { ...fraudRecall(), target: 'high' }, ADMIN, 'V0OBJBAD');
    expect(refused.json).toMatchObject({
      response_action: 'errors',
      errors: { target: 'The target must be a number (e.g. 0.92, 95 or 1).' },
    });
    expect(await sql().count('objectives')).toBe(0);
    const saved = await submitModal(slack.eventsUrl, form, fraudRecall(), ADMIN, 'V0OBJ1');
    expect(text(saved.json ?? null) + text(slack.slackApi.callsTo('*').slice(-3))).toContain('Set OBJ-1: fraud recall on holdout ≥ 0.92.');
    // A double submit sets it once.
    await submitModal(slack.eventsUrl, form, fraudRecall(), ADMIN, 'V0OBJ1');
    expect(await sql().all('SELECT number, name, direction, target, cadence, source FROM objectives')).toEqual([
      { number: 1, name: 'Fraud recall', direction: 'at-least', target: 0.92, cadence: 'weekly', source: 'recorded' },
    ]);

    // Three readings from the pipeline, a week apart; the first is sent twice under its key.
    const first = await api('/objectives/OBJ-1/readings', { token: TOKEN_A, key: 'eval-101', body: { value: 0.95, date: '2026-11-08' } });
    expect(first.status).toBe(201);
    const reading1 = (await first.json()) as { id: number; onTarget: boolean };
    expect(reading1).toMatchObject({ value: 0.95, onTarget: true, period: '2026-W45', channel: 'api', objective: { key: 'OBJ-1' } });
    const replay = await api('/objectives/OBJ-1/readings', { token: TOKEN_A, key: 'eval-101', body: { value: 0.95, date: '2026-11-08' } });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as { id: number }).id).toBe(reading1.id);
    // The key with another body is a conflict, not the earlier reading.
    const reused = await api('/objectives/OBJ-1/readings', { token: TOKEN_A, key: 'eval-101', body: { value: 0.5 } });
    expect(reused.status).toBe(409);
    expect(await reused.json()).toMatchObject({ error: 'idempotency_conflict', boundTo: `reading #${reading1.id} of OBJ-1` });
    expect(
      (await api('/objectives/1/readings', { token: TOKEN_A, key: 'eval-102', body: { value: 0.93, date: '2026-11-15' } })).status,
    ).toBe(201);
    expect(await readings()).toHaveLength(2);
    expect(offTargetDm()).toBeUndefined();
    const third = await api('/objectives/OBJ-1/readings', { token: TOKEN_A, key: 'eval-103', body: { value: 0.88, date: '2026-11-22' } });
    expect(third.status).toBe(201);
    const reading3 = (await third.json()) as { id: number };
    expect(reading3).toMatchObject({ value: 0.88, onTarget: false });
    expect((await readings()).map((r) => [r.value, Boolean(r.on_target), r.date, r.channel])).toEqual([
      [0.95, true, '2026-11-08', 'api'],
      [0.93, true, '2026-11-15', 'api'],
      [0.88, false, '2026-11-22', 'api'],
    ]);

    // Bad input: a value that is not a number, a token of workspace B for A's objective: nothing written.
    const notNumber = await api('/objectives/OBJ-1/readings', { token: TOKEN_A, key: 'eval-104', body: { value: 'high' } });
    expect(notNumber.status).toBe(400);
    expect(await notNumber.json()).toMatchObject({
      error: 'invalid_input',
      message: 'The value must be a number (e.g. 0.91).',
      issues: [{ path: ['value'], message: 'The value must be a number (e.g. 0.91).' }],
    });
    expect((await api('/objectives/OBJ-1/readings', { token: TOKEN_A, raw: '[1]' })).status).toBe(400);
    const otherWorkspace = await api('/objectives/OBJ-1/readings', { token: TOKEN_B, key: 'b-1', body: { value: 0.99 } });
    expect(otherWorkspace.status).toBe(404);
    expect(text(await otherWorkspace.json())).not.toContain('Fraud');
    expect((await api('/objectives/OBJ-1/readings', { body: { value: 0.99 } })).status).toBe(401);
    expect(await readings()).toHaveLength(3);

    // The owner gets one direct message, through the outbox, with the two buttons.
    const dm = offTargetDm();
    expect(dm?.problems).toEqual([]);
    expect(text(dm?.args.blocks)).toContain(
      'fraud recall on holdout was *0.88* on 2026-11-22; the target is fraud recall on holdout ≥ 0.92',
    );
    expect(await sql().all('SELECT kind, status FROM outbox_messages WHERE subject = ?', `objective-reading:${reading3.id}`)).toEqual([
      { kind: 'direct', status: 'sent' },
    ]);
    const buttons = buttonsOf(dm?.args);
    expect(Object.keys(buttons)).toEqual(['Log as nonconformity', 'Explain']);
    // "Log as nonconformity" opens the internal audits area's form nonconformity.log with the reading as its context.
    expect(buttons['Log as nonconformity']?.action_id).toContain(ROUTER_ACTIONS.openForm);
    const ownerId = (await sql().get<{ id: number }>("SELECT id FROM people WHERE external_id = 'U0OWNER'"))!.id;
    expect(JSON.parse(String(buttons['Log as nonconformity']?.value))).toEqual({
      form: 'nonconformity.log',
      source: 'objective',
      ref: 'OBJ-1',
      clause: '9.1',
      description: 'OBJ-1 Fraud recall: fraud recall on holdout was 0.88 on 2026-11-22, target fraud recall on holdout ≥ 0.92.',
      owner: String(ownerId),
    });
    // Clicked in the owner's DM: the internal audits area's form opens filled in; submitted (twice), one NC-1 tied to OBJ-1.
    const dmAt = { channel: 'D0OWNER', ts: String(dm?.ts ?? '') };
    const formsBefore = slack.slackApi.callsTo('views.open').length;
    await clickButton(slack.eventsUrl, buttons['Log as nonconformity'] as Json, OWNER, slack.slackApi.responseUrl('owner-nc'), dmAt);
    expect(slack.slackApi.callsTo('views.open')).toHaveLength(formsBefore + 1);
    const ncForm = slack.slackApi.callsTo('views.open').at(-1)?.args.view as Json;
    expect(text(ncForm)).toContain('From objective OBJ-1');
    const logged = await submitModal(slack.eventsUrl, ncForm, {}, OWNER, 'V0NCOBJ1');
    await submitModal(slack.eventsUrl, ncForm, {}, OWNER, 'V0NCOBJ1');
    expect(text(logged.json)).toContain('Logged NC-1 from OBJ-1.');
    expect(await sql().all('SELECT number, source, source_ref AS ref, clause, owner_person_id AS owner FROM nonconformities')).toEqual([
      { number: 1, source: 'objective', ref: 'OBJ-1', clause: '9.1', owner: ownerId },
    ]);

    // Explain: only the owner (or an admin); a short form, stored on the reading and audited.
    await clickButton(slack.eventsUrl, buttons.Explain as Json, MEMBER, slack.slackApi.responseUrl('member-explain'), dmAt);
    expect(text(slack.slackApi.callsTo('response_url').at(-1)?.args)).toContain(
      'Only the owner of OBJ-1 or an admin can explain its readings.',
    );
    const opened = slack.slackApi.callsTo('views.open').length;
    await clickButton(slack.eventsUrl, buttons.Explain as Json, OWNER, slack.slackApi.responseUrl('owner-explain'), dmAt);
    expect(slack.slackApi.callsTo('views.open')).toHaveLength(opened + 1);
    const explain = slack.slackApi.callsTo('views.open').at(-1)?.args.view as Json;
    expect(text(explain)).toContain('0.88 on 2026-11-22 missed the target');
    const why = 'The holdout was refreshed with a new fraud pattern; retraining is scheduled.';
    await submitModal(slack.eventsUrl, explain, { explanation: why }, OWNER, 'V0EXPLAIN');
    await submitModal(slack.eventsUrl, explain, { explanation: why }, OWNER, 'V0EXPLAIN');
    expect((await readings()).at(-1)?.explanation).toBe(why);
    expect(await sql().count('audit_events', "action = 'objective.reading_explained'")).toBe(1);
    // The owner's message now shows the explanation, with only the nonconformity button left.
    const updated = slack.slackApi
      .callsTo('chat.update')
      .filter((call) => text(call.args.blocks).includes('Explained:'))
      .at(-1);
    expect(Object.keys(buttonsOf(updated?.args))).toEqual(['Log as nonconformity']);

    // Status shows it off target with its 12-period trend; Annex A coverage counts A.6.1.2 and A.9.3.
    const status = text((await command(ADMIN, 'status')).json);
    expect(status).toContain('0 on target, 1 off target, 0 without a reading');
    expect(status).toContain('off target: 0.88 on 2026-11-22');
    expect(status).toContain('·········█▆▁');
    expect(status).toMatch(/Annex A controls with records[^"]*A\.6\.1\.2/);
    expect(status).toMatch(/Annex A controls with records[^"]*A\.9\.3/);
    expect(status).toMatch(/Clauses with records[^"]*6\.2, 7\.5, 9\.1/);
    expect(await sql().count('audit_events', "action = 'objective.reading_recorded'")).toBe(3);
  });

  it('readings in chat: the owner records one, a value that is not a number and a member are refused; the card, list, export and the nudge of a missing reading', async () => {
    const form = await openModal(ADMIN, 'objective add');
    await submitModal(slack.eventsUrl, form, { ...fraudRecall(), system: undefined }, ADMIN, 'V0OBJ2');
    const bad = text((await command(OWNER, 'objective Fraud recall record abc')).json);
    expect(bad).toContain('“abc” is not a number');
    expect(text((await command(MEMBER, 'objective OBJ-1 record 0.99')).json)).toContain(
      'Only the owner of OBJ-1 or an admin can record its readings.',
    );
    expect(await readings()).toHaveLength(0);
    const recorded = text((await command(OWNER, 'objective fraud recall record 0.94 after the retrain')).json);
    expect(recorded).toContain('Recorded 0.94 for OBJ-1: on target (fraud recall on holdout ≥ 0.92).');
    expect(await sql().all('SELECT value, channel, note FROM objective_readings')).toEqual([
      { value: 0.94, channel: 'chat', note: 'after the retrain' },
    ]);
    expect(text((await command(MEMBER, 'objective OBJ-1')).json)).toContain('Next reading due');
    expect(text((await command(MEMBER, 'objective list')).json)).toContain('OBJ-1 Fraud recall');
    expect(text((await command(MEMBER, 'objective OBJ-9')).json)).toContain('There is no OBJ-9 in this workspace.');

    // `aims objective export --format csv`: the objective and its reading.
    const out: string[] = [];
    const code = await runExport(
      exportSourcesOf(features).get('objective')!,
      slack.app.store,
      parseArgs(['--format', 'csv', '--workspace', 'T0TEST']),
      {
        out: (line) => out.push(line),
        err: (line) => out.push(line),
      },
    );
    expect(code).toBe(0);
    expect(out[0]).toContain('Objective,Name,Metric,Direction,Target,Cadence');
    expect(out).toHaveLength(2);
    expect(out[1]).toMatch(/^OBJ-1,Fraud recall,fraud recall on holdout,at least,0\.92,Weekly,.*,2026-11-22,2026-W47,0\.94,yes,chat,/);

    // A weekly reading missing a week after the last is a nudge to the owner.
    await slack.app.runJob('nudges', new Date('2026-11-30T09:00:00Z'));
    const nudge = slack.slackApi
      .callsTo('chat.postMessage')
      .filter((call) => call.args.channel === OWNER.user)
      .at(-1);
    expect(text(nudge?.args)).toContain('Reading of OBJ-1 Fraud recall');
  });

  it('the bot computes its own metrics daily: required training completion, once a day', async () => {
    const form = await openModal(ADMIN, 'objective add');
    await submitModal(
      slack.eventsUrl,
      form,
      {
        ...fraudRecall(),
        name: 'Required training',
        metric: 'required training completion %',
        target: '95',
        cadence: 'monthly',
        source: 'training-completion',
        system: undefined,
      },
      ADMIN,
      'V0OBJ3',
    );
    await slack.app.runJob('objective-readings', new Date('2026-11-23T09:00:00Z'));
    await slack.app.runJob('objective-readings', new Date('2026-11-23T15:00:00Z'));
    expect(await sql().all('SELECT value, on_target AS "onTarget", date, channel FROM objective_readings')).toEqual([
      { value: 100, onTarget: expect.anything(), date: '2026-11-23', channel: 'bot' },
    ]);
    expect(text((await command(ADMIN, 'objective Required training')).json)).toContain('on target');
  });
});
