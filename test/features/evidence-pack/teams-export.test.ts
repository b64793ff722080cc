import { strFromU8, unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../../src/core/clock.ts';
import type { UnitOfWork } from '../../../src/core/ports.ts';
import { generateSigningKeys } from '../../../src/evidence-pack/pack-signature.ts';
import type { PackManifest } from '../../../src/evidence-pack/pack-manifest.ts';
import { verifyEvidencePack } from '../../../src/evidence-pack/verify-pack.ts';
import { EvidencePackService, PACK_LINK_MS, type BuiltPack } from '../../../src/features/evidence-pack/service.ts';
import type { startTeamsHarness } from '../../helpers/start-test-app.ts';
import { teamsConversation } from '../../helpers/teams-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';
import { startTeamsWorkspace, TEAMS_ADMIN, TEAMS_MEMBER } from '../../helpers/workspace-builders.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
let teams: Harness;
const { say } = teamsConversation(() => teams);
const text = (value: unknown) => JSON.stringify(value ?? null);
const keys = generateSigningKeys();

const exports = async () =>
  await sqlOf(teams.app.store).all<{ actor: string }>("SELECT actor FROM audit_events WHERE action = 'evidence_pack.exported'");

describe('/aims export on Teams: a one-time download link served by the bot', () => {
  beforeEach(async () => {
    vi.stubEnv('AIMS_SIGNING_KEY', keys.privateKey);
    ({ teams } = await startTeamsWorkspace());
  });
  afterEach(async () => {
    await teams.close();
    vi.unstubAllEnvs();
  });

  it('help says what export does on Teams: a one-time link in the answer, not the direct messages', async () => {
    for (const words of ['aims help', 'aims help more']) {
      const help = text(await say(TEAMS_ADMIN, words));
      expect(help).toContain('the last 90 days by default): a one-time download link in the answer, valid 15 minutes.');
      expect(help).not.toContain('direct messages');
    }
  });

  it('answers with a link that downloads the verifying pack once, then 404; a forged token is 404', async () => {
    const card = text(await say(TEAMS_ADMIN, 'aims export 2020-01-01 2099-12-31'));
    expect(card).toContain('Your evidence pack (2020-01-01 to 2099-12-31');
    expect(card).toContain('The link works once');
    const url = /(http:\/\/[^"\\)\]]+\/packs\/[A-Za-z0-9._-]+)/.exec(card)?.[1];
    expect(url, card).toBeDefined();
    expect(url?.startsWith(teams.app.url)).toBe(true);

    const [base, expiry, mac] = url!.slice(url!.lastIndexOf('/') + 1).split('.');
    const forged = `${teams.app.url}/packs/${base}.${Number(expiry) + 3_600_000}.${mac}`;
    expect((await fetch(forged)).status).toBe(404);
    expect((await fetch(`${teams.app.url}/packs/${base}.${expiry}.${mac!.slice(0, -2)}xx`)).status).toBe(404);

    const first = await fetch(url!);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('application/zip');
    expect(first.headers.get('content-disposition')).toContain('aims-evidence-pack-2020-01-01-2099-12-31.zip');
    const zip = Buffer.from(await first.arrayBuffer());
    const verdict = verifyEvidencePack(zip, keys.publicKey);
    expect(verdict.checks.filter((check) => !check.ok)).toEqual([]);
    expect(verdict.signed).toBe(true);
    const manifest = JSON.parse(strFromU8(unzipSync(zip)['manifest.json']!)) as PackManifest;
    expect(manifest.workspace.platform).toBe('teams');

    expect((await fetch(url!)).status).toBe(404);
    expect(await exports()).toHaveLength(1);
    expect((await exports())[0]?.actor).toContain(`teams:${TEAMS_ADMIN.user}`);
  });

  it('a member is refused and nothing is written; bad days are refused', async () => {
    expect(text(await say(TEAMS_MEMBER, 'aims export'))).toContain('Only admins and leadership can export the evidence pack.');
    expect(text(await say(TEAMS_ADMIN, 'aims export 2026-03-01 2026-01-01'))).toContain(
      'The first day 2026-03-01 is after the last day 2026-01-01.',
    );
    expect(text(await say(TEAMS_ADMIN, 'aims export 01/02/2026'))).toContain('is not a day');
    expect(await exports()).toEqual([]);
  });
});

describe('the download token', () => {
  it('expires after 15 minutes, and works once', () => {
    let now = new Date('2026-11-22T10:00:00Z');
    const clock: Clock = { now: () => now };
    // The links need neither the store nor the chart.
    const service = new EvidencePackService({} as UnitOfWork, clock, [], async () => undefined);
    service.servedAt('https://aims.example.com/');
    const pack = { bytes: Buffer.from('zip'), filename: 'p.zip' } as BuiltPack;
    const tokenOf = (url: string) => url.slice('https://aims.example.com/packs/'.length);

    const late = tokenOf(service.offer(pack).url);
    now = new Date(now.getTime() + PACK_LINK_MS);
    expect(service.take(late)).toBeUndefined();

    const once = service.offer(pack);
    expect(once.url.startsWith('https://aims.example.com/packs/')).toBe(true);
    expect(service.take(tokenOf(once.url))?.bytes.toString()).toBe('zip');
    expect(service.take(tokenOf(once.url))).toBeUndefined();
    expect(service.take('nonsense')).toBeUndefined();
  });
});
