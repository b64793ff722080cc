import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trendSourcesOf } from '../../src/chat/feature.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { renderTrendChart } from '../../src/core/charts/trend-chart.ts';
import { TrendService } from '../../src/core/charts/trend-service.ts';
import { features } from '../../src/features/index.ts';
import { checkAdaptiveCard } from '../helpers/adaptive-card-check.ts';
import { decodePng } from '../helpers/png-check.ts';
import { runAims } from '../helpers/run-aims.ts';
import { slackJobEnv } from '../helpers/slack-job-env.ts';
import { submitModal } from '../helpers/slack-interactions.ts';
import { openModal, slackJobWorkspace, startSlackOnStoreFile } from '../helpers/slack-job-workspace.ts';
import { startTeamsHarness } from '../helpers/start-test-app.ts';
import { teamsConversation } from '../helpers/teams-conversation.ts';
import { sqlOf } from '../helpers/test-sql.ts';

const text = (value: unknown) => JSON.stringify(value ?? null);
const AT = '2026-11-23T09:00:00Z';

describe('the digest’s trend chart on Slack', () => {
  let slack: Awaited<ReturnType<typeof startSlackOnStoreFile>>;
  const runDigestCli = async (at: string) =>
    await runAims(['jobs', 'run', 'digest', '--at', at], slackJobEnv(slack.dbPath, slack.slackApi.apiUrl));

  // The app's clock says 2026-11-22 10:00 UTC: two incidents reported then, in the week the digest of 2026-W48 covers.
  beforeEach(async () => {
    slack = await startSlackOnStoreFile({ AIMS_ADMINS: 'slack:U0ADMIN' }, { users: { U0OWNER: 'Olivia Owner' } });
    const { systemId } = await slackJobWorkspace(slack, { admin: 'U0ADMIN', owner: 'U0OWNER', systemName: 'Fraud Scorer' });
    for (const [title, view] of [
      ['Scorer down', 'V3'],
      ['Scores drift', 'V4'],
    ] as const)
      await submitModal(
        slack.eventsUrl,
        await openModal(slack, 'U0ADMIN', `incident ${title}`),
        { aiSystem: systemId, description: 'd', severity: 'S3', type: 'malfunction', affected: 'all' },
        { user: 'U0ADMIN' },
        view,
      );
  });
  afterEach(async () => {
    await slack.close();
  });

  it('is uploaded to the leadership channel with files.uploadV2 right after the digest, once per week', async () => {
    expect((await runDigestCli(AT)).out).toContain('acme 2026-W48: sent');
    const methods = slack.slackApi
      .callsTo('*')
      .map((call) => call.method)
      .filter((method) => method === 'chat.postMessage' || method.startsWith('files.'));
    expect(methods.slice(-3)).toEqual(['chat.postMessage', 'files.getUploadURLExternal', 'files.completeUploadExternal']);
    const digest = slack.slackApi.callsTo('chat.postMessage').at(-1);
    expect(digest?.args.channel).toBe('C0LEAD');
    expect(text(digest?.args)).toContain('AIMS weekly digest · 2026-W48');
    expect(digest?.problems).toEqual([]);

    expect(slack.slackApi.files).toHaveLength(1);
    const file = slack.slackApi.files[0];
    expect(file).toMatchObject({
      filename: 'aims-trend-2026-W48.png',
      title: 'AIMS trend · 2026-W48',
      channelId: 'C0LEAD',
      completed: true,
    });
    expect(file?.altText).toContain('this week: Incidents opened 2, Incidents closed 0, Overdue corrective actions 0');
    const png = decodePng(file?.body ?? Buffer.alloc(0));
    expect({ width: png.width, height: png.height }).toEqual({ width: 960, height: 540 });
    expect(png.bytes.length).toBe(file?.length);
    writeFileSync('/tmp/aims-digest-chart-slack.png', png.bytes);

    // The picture is the one the store's figures draw: the two incidents in the last week, the same bytes.
    const workspace = (await sqlOf(slack.app.store).get<{ id: number }>("SELECT id FROM workspaces WHERE name = 'acme'"))!;
    const trends = new TrendService(slack.app.store, fixedClock(AT), 'UTC', trendSourcesOf(features));
    const data = await trends.data(workspace.id);
    expect(data.series.find((s) => s.key === 'incidents-opened')?.values).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(png.bytes.equals(await renderTrendChart(data))).toBe(true);

    expect((await runDigestCli('2026-11-24T09:00:00Z')).out).toContain('acme 2026-W48: already sent');
    expect(slack.slackApi.files).toHaveLength(1);
  });

  it('a chart Slack will not take leaves the digest sent (not posted again), and the next week’s goes up', async () => {
    slack.slackApi.failUploadsTo('C0LEAD');
    expect((await runDigestCli(AT)).out).toContain('acme 2026-W48: sent');
    expect(slack.slackApi.files.filter((f) => f.completed)).toHaveLength(0);
    slack.slackApi.failUploadsTo('C0LEAD', false);
    expect((await runDigestCli('2026-11-30T09:00:00Z')).out).toContain('acme 2026-W49: sent');
    const digests = slack.slackApi.callsTo('chat.postMessage').filter((call) => text(call.args).includes('AIMS weekly digest'));
    expect(digests).toHaveLength(2);
    expect(slack.slackApi.files.filter((f) => f.completed).map((f) => f.filename)).toEqual(['aims-trend-2026-W49.png']);
  });
});

describe('the digest’s trend chart on Teams', () => {
  let teams: Awaited<ReturnType<typeof startTeamsHarness>>;
  const { say } = teamsConversation(() => teams);
  const ADMIN = { user: 'aad-admin', name: 'Alice Admin' };
  const LEADERSHIP = '19%3Aleadership%40thread.tacv2';

  beforeEach(async () => {
    teams = await startTeamsHarness({ AIMS_ADMINS: 'teams:aad-admin' });
    await say(ADMIN, 'aims status');
    await say(ADMIN, 'aims setup channel leadership', {
      conversationType: 'channel',
      mentionBot: true,
      conversationId: '19:leadership@thread.tacv2',
    });
  });
  afterEach(async () => {
    await teams.close();
  });

  it('is in the digest card as a data URI image: a PNG within 1024 px and 1 MB, the card valid at 1.5 and within a message’s size', async () => {
    await teams.app.runJob('digest', new Date(AT));
    const digests = teams.connector.activities.filter(
      (entry) =>
        entry.method === 'POST' &&
        entry.path === `/v3/conversations/${LEADERSHIP}/activities` &&
        text(entry.activity).includes('AIMS weekly digest'),
    );
    expect(digests).toHaveLength(1);
    expect(digests[0]?.problems).toEqual([]);
    const card = (digests[0]?.activity as { attachments?: Array<{ content: { body: Array<Record<string, unknown>> } }> }).attachments?.[0]
      ?.content;
    expect(checkAdaptiveCard(card)).toEqual([]);
    const images = card?.body.filter((element) => element.type === 'Image') ?? [];
    expect(images).toHaveLength(1);
    const url = String(images[0]?.url);
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    expect(String(images[0]?.altText)).toContain('Trend over 12 weeks (W37 to W48)');
    const bytes = Buffer.from(url.slice('data:image/png;base64,'.length), 'base64');
    const png = decodePng(bytes);
    expect(png.bytes.length).toBe(bytes.length);
    expect(png.width).toBeLessThanOrEqual(1024);
    expect(png.height).toBeLessThanOrEqual(1024);
    expect({ width: png.width, height: png.height }).toEqual({ width: 960, height: 540 });
    expect(bytes.length).toBeLessThan(1024 * 1024);
    // The whole card, picture included, within the ~28 KB Teams takes from a bot (checkAdaptiveCard says so too).
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
  });
});
