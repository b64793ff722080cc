import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROUTER_ACTIONS } from '../../../src/chat/feature.ts';
import { cardOf, executeActions, fillCard } from '../../helpers/fake-teams-connector.ts';
import type { startTeamsHarness } from '../../helpers/start-test-app.ts';
import { teamsConversation } from '../../helpers/teams-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';
import { startTeamsWorkspace } from '../../helpers/workspace-builders.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
let teams: Harness;
let systemId = '';
const { say, click } = teamsConversation(() => teams);

const ADMIN = { user: 'aad-admin', name: 'Alice Admin' };
const OWNER = { user: 'aad-owner', name: 'Olivia Owner' };
const MEMBER = { user: 'aad-member', name: 'Mia Member' };
const TOKEN = 'token-for-contoso-0123456789abcdef';
const TOKEN_OTHER = 'token-for-fabrikam-0123456789abcdef';

const text = (value: unknown) => JSON.stringify(value ?? null);
const sql = () => sqlOf(teams.app.store);

const api = (ref: string, body: unknown, token: string, key?: string) =>
  fetch(`${teams.app.url}/api/v1/objectives/${ref}/readings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });

/** The last card sent to the owner's personal chat about an off-target reading. */
const offTargetCard = () =>
  cardOf(
    teams.connector.activities
      .filter((entry) => entry.path.includes('conv-personal-aad-owner') && text(entry.activity).includes('off target'))
      .at(-1)?.activity,
  );

beforeEach(async () => {
  ({ teams, systemId } = await startTeamsWorkspace(
    {},
    { people: [OWNER, MEMBER], env: { AIMS_API_TOKENS: `teams:tenant-1=${TOKEN},teams:tenant-2=${TOKEN_OTHER}` } },
  ));
  await say({ user: 'aad-other', name: 'Oscar Other' }, 'aims status', { tenant: 'tenant-2' });
});
afterEach(async () => {
  try {
    expect(await teams.app.store.verifyAudit()).toMatchObject({ ok: true });
  } finally {
    await teams.close();
  }
});

describe('objectives and readings on Teams, end to end', () => {
  it('an objective fed by 3 readings through the API, the third off target: the owner is offered a nonconformity or an explanation; status shows it off target', async () => {
    const form = await say(ADMIN, 'aims objective add');
    const values = {
      name: 'S1 acknowledgement',
      metric: 'hours to acknowledge an S1 incident',
      direction: 'at-most',
      target: '1',
      cadence: 'monthly',
      source: 'recorded',
      owner: OWNER.user,
      system: systemId,
    };
    // A target that is not a number is refused at its field.
    expect(text(await click(ADMIN, fillCard(form, 'Set objective', { ...values, target: 'one hour' })))).toContain(
      'The target must be a number (e.g. 0.92, 95 or 1).',
    );
    expect(await sql().count('objectives')).toBe(0);
    expect(text(await click(ADMIN, fillCard(form, 'Set objective', values)))).toContain(
      'Set OBJ-1: hours to acknowledge an S1 incident ≤ 1.',
    );

    const first = await api('OBJ-1', { value: 0.5, date: '2026-09-30' }, TOKEN, 'run-1');
    expect(first.status).toBe(201);
    const firstId = ((await first.json()) as { id: number }).id;
    const again = await api('OBJ-1', { value: 0.5, date: '2026-09-30' }, TOKEN, 'run-1');
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: number }).id).toBe(firstId);
    expect((await api('OBJ-1', { value: 0.75, date: '2026-10-31' }, TOKEN, 'run-2')).status).toBe(201);
    const third = await api('OBJ-1', { value: 2.5, date: '2026-11-22' }, TOKEN, 'run-3');
    expect(await third.json()).toMatchObject({ onTarget: false, period: '2026-11' });
    // Not a number; another tenant's token: nothing written.
    expect((await api('OBJ-1', { value: '2.5h' }, TOKEN, 'run-4')).status).toBe(400);
    expect((await api('OBJ-1', { value: 0.1 }, TOKEN_OTHER, 'other-1')).status).toBe(404);
    expect(await sql().count('objective_readings')).toBe(3);
    expect(await sql().count('objective_readings', 'on_target = false')).toBe(1);

    // The owner's personal chat gets the card with both buttons.
    const card = offTargetCard();
    expect(text(card)).toContain('hours to acknowledge an S1 incident was');
    const actions = executeActions(card);
    expect(Object.keys(actions)).toEqual(['Log as nonconformity', 'Explain']);
    expect(actions['Log as nonconformity']?.data).toMatchObject({
      aims: {
        action: ROUTER_ACTIONS.openForm,
        args: {
          form: 'nonconformity.log',
          source: 'objective',
          ref: 'OBJ-1',
          clause: '9.1',
          description:
            'OBJ-1 S1 acknowledgement: hours to acknowledge an S1 incident was 2.5 on 2026-11-22, target hours to acknowledge an S1 incident ≤ 1.',
          owner: expect.stringMatching(/^\d+$/),
        },
      },
    });
    // Explain opens its short form in place; the member may not.
    expect(text(await click(MEMBER, actions.Explain!))).toContain('Only the owner of OBJ-1 or an admin can explain its readings.');
    const explain = await click(OWNER, actions.Explain!);
    expect(text(explain)).toContain('missed the target');
    const saved = await click(OWNER, fillCard(explain, 'Save', { explanation: 'Pager rota gap over the bank holiday; fixed.' }));
    expect(text(saved)).toContain('Explanation saved on the reading of OBJ-1.');
    expect(await sql().all('SELECT explanation FROM objective_readings WHERE on_target = false')).toEqual([
      { explanation: 'Pager rota gap over the bank holiday; fixed.' },
    ]);
    expect(await sql().count('audit_events', "action = 'objective.reading_explained'")).toBe(1);

    const status = text(await say(ADMIN, 'aims status'));
    expect(status).toContain('0 on target, 1 off target, 0 without a reading');
    expect(status).toContain('off target: 2.5 on 2026-11-22');
    expect(status).toContain('·········▁▂█');
    expect(status).toMatch(/A\.6\.1\.2/);
    expect(status).toMatch(/A\.9\.3/);
    // Recorded in chat as well, and a value that is not a number refused.
    expect(text(await say(OWNER, 'aims objective OBJ-1 record soon'))).toContain('“soon” is not a number');
    expect(text(await say(OWNER, 'aims objective S1 acknowledgement record 0.4'))).toContain('Recorded 0.4 for OBJ-1: on target');
    // The note typed after the value is on the card's line of that reading (seen missing in the Playground).
    expect(text(await say(OWNER, 'aims objective OBJ-1 record 0.5 after the holdout rerun'))).toContain(
      '2026-11-22 · 0.5 "},{"type":"TextRun","text":"on target","color":"Good"},{"type":"TextRun","text":" · chat · “after the holdout rerun”"}',
    );
    expect(await sql().count('objective_readings')).toBe(5);
  });

  it('off target, the note says "you" to the owner in their personal chat, names the owner to anyone else and in a channel', async () => {
    const form = await say(ADMIN, 'aims objective add');
    const values = { name: 'S1 ack', metric: 'hours to acknowledge', direction: 'at-most', target: '1', cadence: 'monthly' };
    await click(ADMIN, fillCard(form, 'Set objective', { ...values, source: 'recorded', owner: OWNER.user, system: systemId }));
    const mine = text(await say(OWNER, 'aims objective OBJ-1 record 3'));
    expect(mine).toContain('Recorded 3 for OBJ-1: off target (hours to acknowledge ≤ 1). You own OBJ-1: the bot sends you a message');
    expect(mine).not.toContain('Its owner');
    const theirs = text(await say(ADMIN, 'aims objective OBJ-1 record 4'));
    expect(theirs).toContain('Its owner, Olivia Owner, is asked to log a nonconformity or explain it.');
    const channel = text(
      await say(OWNER, 'aims objective OBJ-1 record 5', {
        conversationType: 'channel',
        mentionBot: true,
        conversationId: '19:leadership@thread.tacv2',
      }),
    );
    expect(channel).toContain('Its owner, Olivia Owner, is asked');
    expect(channel).not.toContain('You own');
  });
});
