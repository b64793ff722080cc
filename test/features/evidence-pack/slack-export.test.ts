import { createHash } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateSigningKeys } from '../../../src/evidence-pack/pack-signature.ts';
import { verifyEvidencePack } from '../../../src/evidence-pack/verify-pack.ts';
import type { PackManifest } from '../../../src/evidence-pack/pack-manifest.ts';
import type { startSlackHarness } from '../../helpers/start-test-app.ts';
import { slackConversation } from '../../helpers/slack-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';
import { checkSlackMessage } from '../../helpers/slack-limits.ts';
import { SLACK_ADMIN, SLACK_MEMBER, SLACK_OWNER, startSlackWorkspace } from '../../helpers/workspace-builders.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
let slack: Harness;
const { command } = slackConversation(() => slack);
const text = (value: unknown) => JSON.stringify(value ?? null);
const keys = generateSigningKeys();

const exports = async () =>
  await sqlOf(slack.app.store).all<{ actor: string; payload: string }>(
    "SELECT actor, payload FROM audit_events WHERE action = 'evidence_pack.exported' ORDER BY sequence",
  );

/** The pack is built after the answer (Slack's 3 seconds): waits for its upload to complete. */
async function uploaded(count = 1) {
  await vi.waitFor(() => expect(slack.slackApi.files.filter((f) => f.completed)).toHaveLength(count), { timeout: 60_000, interval: 100 });
  return slack.slackApi.files.filter((f) => f.completed).at(-1)!;
}

/** The zip bytes the fake Slack received for an upload (raw, or inside a multipart form). */
function zipOf(file: { body?: Buffer; length: number }): Buffer {
  const body = file.body ?? Buffer.alloc(0);
  const start = body.indexOf(Buffer.from('PK\x03\x04', 'latin1'));
  expect(start).toBeGreaterThanOrEqual(0);
  return body.subarray(start, start + file.length);
}

beforeEach(async () => {
  vi.stubEnv('AIMS_SIGNING_KEY', keys.privateKey);
  ({ slack } = await startSlackWorkspace());
});
afterEach(async () => {
  await slack.close();
  vi.unstubAllEnvs();
});

describe('/aims export on Slack', () => {
  it('uploads the signed pack to the admin’s DM with files.uploadV2; the zip verifies; the export is audited', async () => {
    const response = await command(SLACK_ADMIN, 'export 2020-01-01 2099-12-31');
    expect(response.status, text(response)).toBe(200);
    expect(response.json?.response_type).toBe('ephemeral');
    expect(text(response.json)).toContain('Your evidence pack (2020-01-01 to 2099-12-31) is being built');
    expect(text(response.json)).toContain('it will be in your direct messages');
    const file = await uploaded();

    const dm = slack.slackApi.callsTo('chat.postMessage').filter((call) => call.args.channel === SLACK_ADMIN.user);
    expect(dm).toHaveLength(1);
    expect(dm[0]?.problems).toEqual([]);
    expect(text(dm[0]?.args)).toContain('Your evidence pack, 2020-01-01 to 2099-12-31');
    expect(text(dm[0]?.args)).toContain('signed (Ed25519)');
    expect(slack.slackApi.files).toHaveLength(1);
    expect(file).toMatchObject({
      filename: 'aims-evidence-pack-2020-01-01-2099-12-31.zip',
      channelId: SLACK_ADMIN.user,
      completed: true,
    });

    const zip = zipOf(file);
    const verdict = verifyEvidencePack(zip, keys.publicKey);
    expect(verdict.checks.filter((check) => !check.ok)).toEqual([]);
    expect(verdict.signed).toBe(true);
    const entries = unzipSync(zip);
    expect(Object.keys(entries)).toEqual(expect.arrayContaining(['index.pdf', 'soa.xlsx', 'audit-log.jsonl', 'manifest.json']));
    const manifestText = strFromU8(entries['manifest.json']!);
    const manifest = JSON.parse(manifestText) as PackManifest;
    expect(manifest.period).toEqual({ from: '2020-01-01', to: '2099-12-31' });
    expect(manifest.chain.events).toBeGreaterThan(0);

    // Audited: who, the period, the manifest's sha256 (of manifest.json as in the zip).
    const audited = await exports();
    expect(audited).toHaveLength(1);
    expect(audited[0]?.actor).toContain(`slack:${SLACK_ADMIN.user}`);
    const payload = text(JSON.parse(audited[0]!.payload));
    expect(payload).toContain('2020-01-01');
    expect(payload).toContain('2099-12-31');
    expect(payload).toContain(createHash('sha256').update(manifestText).digest('hex'));
    expect(payload).toContain(createHash('sha256').update(zip).digest('hex'));
  });

  it('help says where the pack goes on Slack: the DM upload', async () => {
    for (const words of ['help', 'help more']) {
      const answer = (await command(SLACK_ADMIN, words)).json as Record<string, unknown>;
      // Every area's line: still within Slack's limits (50 blocks, 3,000 characters a section).
      expect(checkSlackMessage(answer)).toEqual([]);
      const help = text(answer);
      expect(help).toContain('the last 90 days by default), uploaded to your direct messages.');
      expect(help).not.toContain('download link');
    }
  });

  it('leadership may export; the default period is the last 90 days to today', async () => {
    await command(SLACK_ADMIN, `role grant <@${SLACK_OWNER.user}> leadership`);
    const response = await command(SLACK_OWNER, 'export');
    expect(text(response.json)).toContain('it will be in your direct messages');
    const file = await uploaded();
    expect(file.channelId).toBe(SLACK_OWNER.user);
    const manifest = JSON.parse(strFromU8(unzipSync(zipOf(file))['manifest.json']!)) as PackManifest;
    // The app's clock says 2026-11-22: 90 days back is 2026-08-24.
    expect(manifest.period).toEqual({ from: '2026-08-24', to: '2026-11-22' });
    expect((await exports())[0]?.actor).toContain(`slack:${SLACK_OWNER.user}`);
  });

  it('an upload Slack refuses is said in the DM, not lost silently', async () => {
    slack.slackApi.failUploadsTo(SLACK_ADMIN.user);
    await command(SLACK_ADMIN, 'export 2026-01-01 2026-12-31');
    await vi.waitFor(
      () =>
        expect(text(slack.slackApi.callsTo('chat.postMessage').filter((call) => call.args.channel === SLACK_ADMIN.user))).toContain(
          'Evidence pack 2026-01-01 to 2026-12-31 could not be built or sent',
        ),
      { timeout: 60_000, interval: 100 },
    );
    expect(slack.slackApi.files.filter((f) => f.completed)).toHaveLength(0);
  });

  it('a member is refused, privately, and nothing is written or sent', async () => {
    const before = await sqlOf(slack.app.store).get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_events');
    const response = await command(SLACK_MEMBER, 'export');
    expect(response.json?.response_type).toBe('ephemeral');
    expect(text(response.json)).toContain('Only admins and leadership can export the evidence pack.');
    expect(slack.slackApi.files).toHaveLength(0);
    expect(await exports()).toEqual([]);
    const after = await sqlOf(slack.app.store).get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_events');
    // The member's first contact may add their person; no export event, no upload.
    expect(Number(after?.n)).toBeGreaterThanOrEqual(Number(before?.n));
  });

  it('bad days and a first day after the last are refused with a clear message, nothing written', async () => {
    for (const [words, refusal] of [
      ['export 2026-13-01', '“2026-13-01” is not a day. Give days as YYYY-MM-DD'],
      ['export 2026-02-30 2026-03-01', '“2026-02-30” is not a day.'],
      ['export yesterday', '“yesterday” is not a day.'],
      ['export 2026-03-01 2026-01-01', 'The first day 2026-03-01 is after the last day 2026-01-01.'],
      ['export 2026-01-01 2026-02-01 2026-03-01', 'export takes at most two days'],
    ] as const) {
      const response = await command(SLACK_ADMIN, words);
      expect(response.json?.response_type, words).toBe('ephemeral');
      expect(text(response.json), words).toContain(refusal);
    }
    expect(slack.slackApi.files).toHaveLength(0);
    expect(await exports()).toEqual([]);
  });
});
