import { afterEach, describe, expect, it } from 'vitest';
import type { startTeamsHarness } from '../../helpers/start-test-app.ts';
import { teamsConversation } from '../../helpers/teams-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';
import { startTeamsWorkspace, TEAMS_ADMIN } from '../../helpers/workspace-builders.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
let teams: Harness;
const { say } = teamsConversation(() => teams);
const text = (value: unknown) => JSON.stringify(value ?? null);

// Megan has talked to the bot in her personal chat: she is known by her AAD object id, her Teams id (29:…)
// is in her personal-chat reference. The connector does not know her as a member of the admin's personal
// chat (Teams answers 404 for anyone but the two in a 1:1 chat), so the mention carries only her Teams id.
const MEGAN = { user: 'aad-megan', name: 'Megan Bowen' };

afterEach(async () => {
  await teams.close();
});

describe('role grant on Teams, in the admin’s personal chat', () => {
  it('gives the role to the person the bot already knows (matched by their Teams id), not to a new one', async () => {
    ({ teams } = await startTeamsWorkspace({}, { people: [MEGAN], channels: {}, system: null }));
    const sql = () => sqlOf(teams.app.store);
    const before = await sql().count('people');
    const reply = await say(TEAMS_ADMIN, 'aims role grant <at>Megan Bowen</at> approver', {
      mentions: [{ id: `29:${MEGAN.user}`, name: MEGAN.name }],
    });
    expect(text(reply)).toContain('approver');
    expect(await sql().count('people')).toBe(before);
    expect(
      await sql().all("SELECT p.external_id AS who FROM role_assignments r JOIN people p ON p.id = r.person_id WHERE r.role = 'approver'"),
    ).toEqual([{ who: MEGAN.user }]);
  });

  it('someone granted before they ever wrote to the bot is the same person when they do', async () => {
    ({ teams } = await startTeamsWorkspace({}, { channels: {}, system: null }));
    const sql = () => sqlOf(teams.app.store);
    await say(TEAMS_ADMIN, 'aims role grant <at>Megan Bowen</at> approver', {
      mentions: [{ id: `29:${MEGAN.user}`, name: MEGAN.name }],
    });
    const before = await sql().count('people');
    await say(MEGAN, 'aims status');
    expect(await sql().count('people')).toBe(before);
    expect(
      await sql().all("SELECT p.external_id AS who FROM role_assignments r JOIN people p ON p.id = r.person_id WHERE r.role = 'approver'"),
    ).toEqual([{ who: MEGAN.user }]);
  });
});
