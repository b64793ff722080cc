import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTeamsHarness } from '../helpers/start-test-app.ts';
import { teamsConversation } from '../helpers/teams-conversation.ts';
import { sqlOf } from '../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
let teams: Harness;
const { say } = teamsConversation(() => teams);
const sql = () => sqlOf(teams.app.store);
const text = (value: unknown) => JSON.stringify(value ?? null);
const approvers = async () =>
  (
    await sql().all<{ external_id: string }>(
      "SELECT p.external_id FROM role_assignments r JOIN people p ON p.id = r.person_id WHERE r.role = 'approver' ORDER BY p.external_id",
    )
  ).map((row) => row.external_id);

const ADMIN = { user: 'aad-admin', name: 'Alice Admin' };

// The connector knows nobody: as in a personal chat, where Teams cannot look up a mentioned member.
beforeEach(async () => {
  teams = await startTeamsHarness({ AIMS_ADMINS: 'teams:aad-admin' }, {});
  for (const who of [
    ADMIN,
    { user: 'aad-ben', name: 'Ben Approver' },
    { user: 'aad-sam1', name: 'Sam Same' },
    { user: 'aad-sam2', name: 'Sam Same' },
  ])
    await say(who, 'aims status');
});
afterEach(async () => {
  await teams.close();
});

describe('a Teams @mention that cannot be looked up (a personal chat)', () => {
  it('names the one person of the workspace with that name, not a new person under the chat id', async () => {
    const people = await sql().count('people');
    const answer = await say(ADMIN, 'aims role grant <at>Ben Approver</at> approver', {
      mentions: [{ id: '29:ben-chat', name: 'Ben Approver' }],
    });
    expect(text(answer)).toContain('Ben Approver is now an approver.');
    expect(await approvers()).toEqual(['aad-ben']);
    expect(await sql().count('people')).toBe(people);
  });

  it('with two people of that name, asks for a mention where Teams can tell them apart, and changes nothing', async () => {
    const people = await sql().count('people');
    const events = await sql().count('audit_events');
    const answer = await say(ADMIN, 'aims role grant <at>Sam Same</at> approver', { mentions: [{ id: '29:sam-chat', name: 'Sam Same' }] });
    expect(text(answer)).toContain('More than one person here is called Sam Same');
    expect(await approvers()).toEqual([]);
    expect(await sql().count('people')).toBe(people);
    expect(await sql().count('audit_events')).toBe(events);
  });

  it('someone who never used the bot is met under the chat id, as before', async () => {
    const answer = await say(ADMIN, 'aims role grant <at>Nia New</at> approver', { mentions: [{ id: '29:nia', name: 'Nia New' }] });
    expect(text(answer)).toContain('Nia New is now an approver.');
    expect(await approvers()).toEqual(['29:nia']);
  });
});
