import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamsMessage } from '../helpers/fake-teams-connector.ts';
import { startTeamsHarness } from '../helpers/start-test-app.ts';
import { storeCounts } from '../helpers/store-counts.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
let teams: Harness;

beforeAll(async () => {
  teams = await startTeamsHarness({
    MicrosoftAppId: '11111111-2222-4333-8444-555555555555',
    MicrosoftAppPassword: 'not-a-real-password',
    MicrosoftAppType: 'MultiTenant',
  });
});
afterAll(async () => {
  await teams.close();
});

describe('Teams with MicrosoftAppId set', () => {
  it('rejects an activity without a token with 401, answers nothing and stores nothing', async () => {
    const before = storeCounts(teams.app.store);
    const response = await teams.post(teamsMessage(teams.connector.serviceUrl, 'aims status'));
    expect(response.status).toBe(401);
    expect(teams.connector.activities).toHaveLength(0);
    expect(storeCounts(teams.app.store)).toEqual(before);
  });

  it('rejects a forged bearer token with 401', async () => {
    const forged = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"aud":"11111111-2222-4333-8444-555555555555"}').toString('base64url')}.`;
    const response = await teams.post(teamsMessage(teams.connector.serviceUrl, 'aims status'), { authorization: `Bearer ${forged}` });
    expect(response.status).toBe(401);
    expect(teams.connector.activities).toHaveLength(0);
    expect(storeCounts(teams.app.store).workspaces).toBe(0);
  });

  it('reports Teams as authenticated (and Slack off) on /healthz', async () => {
    const health = await (await fetch(`${teams.app.url}/healthz`)).json();
    expect(health).toEqual({ status: 'ok', database: { reachable: true }, platforms: { slack: 'off', teams: 'authenticated' } });
  });
});
