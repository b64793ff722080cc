import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedReleaseWorkspace } from '../helpers/release-workspace.ts';
import { startSlackHarness } from '../helpers/start-test-app.ts';
import { sqlOf } from '../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
let slack: Harness;

const TOKEN = 'token-for-acme-domains-0123456789';
const post = async (body: unknown) => {
  const response = await fetch(`${slack.app.url}/api/v1/releases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    json: (await response.json()) as { error?: string; issues?: Array<{ path: unknown[]; message: string }> },
  };
};
const issues = (json: { issues?: Array<{ path: unknown[]; message: string }> }) =>
  Object.fromEntries((json.issues ?? []).map((issue) => [issue.path.join('.'), issue.message]));
const releases = async () => await sqlOf(slack.app.store).count('releases');

const body = (measurements: unknown[], version = '3.0.0') => ({
  aiSystem: 'Fraud Scorer',
  version,
  changeType: 'retrain',
  whatChanged: 'Nightly retrain.',
  measurements,
  risks: 'None known.',
  requester: 'U0PIPE',
});

// A fresh bot and store per test: no test sees a release another created.
beforeEach(async () => {
  slack = await startSlackHarness(
    { AIMS_ADMINS: 'slack:U0ADMIN', AIMS_API_TOKENS: `slack:T0TEST=${TOKEN}` },
    { channels: { C0APP: 'ai-approvals', C0INC: 'ai-incidents', C0LEAD: 'ai-leadership' } },
  );
  await seedReleaseWorkspace(slack.app.store, { defaultApprovals: 1, criteria: ['recall >= 0.92 holdout', 'latency <= 100 prod'] });
});
afterEach(async () => {
  await slack.close();
});

describe('pipeline API: value domains and one value per criterion', () => {
  it('a measured recall of 42 and a latency of -1e12 are 400s naming their fields; nothing is created', async () => {
    const answer = await post(
      body([
        { metric: 'recall', dataset: 'holdout', value: 42 },
        { metric: 'latency', dataset: 'prod', value: -1e12 },
      ]),
    );
    expect(answer.status).toBe(400);
    expect(answer.json.error).toBe('invalid_input');
    expect(issues(answer.json)).toEqual({
      'measurements.0': '42 is not a possible recall: it must be a rate in [0, 1].',
      'measurements.1': '-1000000000000 is not a possible latency: it must be a duration, at least 0.',
    });
    expect(await releases()).toBe(0);
  });

  it('two values for one criterion are a 400 naming the second; the failing one is never dropped', async () => {
    const answer = await post(
      body([
        { metric: 'recall', dataset: 'holdout', value: 0.95 },
        { metric: 'latency', dataset: 'prod', value: 80 },
        { metric: 'recall', dataset: 'holdout', value: 0.5 },
      ]),
    );
    expect(answer.status).toBe(400);
    expect(issues(answer.json)).toEqual({ 'measurements.2': 'A second value for recall on holdout: give one value per criterion.' });
    expect(await releases()).toBe(0);
  });

  it('metric names and versions are cleaned of zero-width and bidi characters before matching and uniqueness', async () => {
    const first = await post(
      body(
        [
          { metric: 're\u200bcall', dataset: 'hold\u2066out\u2069', value: 0.95 },
          { metric: 'latency', dataset: 'prod', value: 80 },
        ],
        '3.0.0\u200b',
      ),
    );
    expect(first.status).toBe(201);
    expect(await sqlOf(slack.app.store).all('SELECT version FROM releases')).toEqual([{ version: '3.0.0' }]);
    expect(await sqlOf(slack.app.store).all('SELECT metric, dataset, passed FROM release_metrics ORDER BY id')).toEqual([
      { metric: 'recall', dataset: 'holdout', passed: 1 },
      { metric: 'latency', dataset: 'prod', passed: 1 },
    ]);
    const twin = await post(
      body(
        [
          { metric: 'recall', dataset: 'holdout', value: 0.95 },
          { metric: 'latency', dataset: 'prod', value: 80 },
        ],
        '\ufeff3.0.0\u200e',
      ),
    );
    expect(twin.status).toBe(400);
    expect(issues(twin.json)).toEqual({ version: 'Fraud Scorer 3.0.0 already has a pending request (REL-1).' });
    expect(await releases()).toBe(1);
  });
});
