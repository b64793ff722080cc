import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { strFromU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../../../src/core/actor.ts';
import { features } from '../../../src/features/index.ts';
import { buildEvidencePack } from '../../../src/evidence-pack/build-pack.ts';
import type { PackManifest } from '../../../src/evidence-pack/pack-manifest.ts';
import { generateSigningKeys, privateKeyOf } from '../../../src/evidence-pack/pack-signature.ts';
import { ReleaseService } from '../../../src/features/releases/service.ts';
import { TrainingService } from '../../../src/features/training/service.ts';
import { RoleService } from '../../../src/core/role-service.ts';
import { runPackExport } from '../../../src/cli/pack-commands.ts';
import { parseArgs } from '../../../src/cli/cli-args.ts';
import { pdfText } from '../../helpers/pdf-text.ts';
import { runAims } from '../../helpers/run-aims.ts';
import { slackConversation } from '../../helpers/slack-conversation.ts';
import { submitModal } from '../../helpers/slack-interactions.ts';
import { startSlackHarness } from '../../helpers/start-test-app.ts';
import { sqlOf } from '../../helpers/test-sql.ts';
import { directoryFor } from '../../helpers/test-store.ts';
import { systemClock } from '../../../src/core/clock.ts';

/**
 * Two Slack workspaces in one store, filled through the bot (setup, inventory and incident modals) and the
 * services (releases with a decision, training): the pack of workspace A verifies on its own, fails naming
 * what was changed, and holds nothing of workspace B.
 */
type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
let slack: Harness;
const { openModal } = slackConversation(() => slack);
const dir = mkdtempSync(join(tmpdir(), 'aims-pack-'));
const A = 'T0ACME';
const B = 'T0BRAVO';
const ADMIN_A = { user: 'U0ADMINA', name: 'alice', team: A };
const ADMIN_B = { user: 'U0ADMINB', name: 'bertrand', team: B };
const B_SECRETS = ['T0BRAVO', 'U0ADMINB', 'bertrand', 'Bravo Merger Model', 'Merger model leaked deal names', 'C0BINC'];
const keys = generateSigningKeys();
const otherKeys = generateSigningKeys();
const today = new Date().toISOString().slice(0, 10);
const period = { from: '2020-01-01', to: '2099-12-31' };
let packA: string;
let manifest: PackManifest;
let workspaceA: number;
let workspaceB: number;

const report = { severity: 'S2', type: 'other', description: 'd', affected: 'a', detectedAt: '2026-11-22T08:30:00.000Z' };

async function setUp(admin: typeof ADMIN_A, channel: string, system: string, title: string): Promise<void> {
  const setup = await openModal(admin, 'setup');
  await submitModal(
    slack.eventsUrl,
    setup,
    {
      incidentsChannel: channel,
      approvalsChannel: `${channel}APP`,
      leadershipChannel: `${channel}LEAD`,
      defaultApprovals: '1',
      timeZone: 'UTC',
    },
    admin,
    `V0${admin.team}S`,
  );
  const add = await openModal(admin, 'system add');
  const values = {
    name: system,
    description: 'd',
    purpose: 'p',
    owner: admin.user,
    euRiskLevel: 'limited',
    internalTier: 'tier-2',
    stage: 'production',
    provider: 'in-house',
  };
  await submitModal(slack.eventsUrl, add, values, admin, `V0${admin.team}Y`);
  const form = await openModal(admin, 'incident');
  await submitModal(slack.eventsUrl, form, { ...report, title, systemName: system }, admin, `V0${admin.team}I`);
}

const workspaceId = async (team: string) =>
  (await sqlOf(slack.app.store).get<{ id: number }>('SELECT id FROM workspaces WHERE external_id = ?', team))!.id;

async function pack(
  name: string,
  signingKey: string | undefined,
  workspace = workspaceA,
): Promise<{ path: string; manifest: PackManifest }> {
  const path = join(dir, name);
  const built = await buildEvidencePack(slack.app.store, {
    workspaceId: workspace,
    ...period,
    out: path,
    now: new Date(),
    signingKey: signingKey ? privateKeyOf(signingKey) : undefined,
    features,
  });
  return { path, manifest: built };
}

const entriesOf = (path: string) => unzipSync(readFileSync(path));
/** A copy of the pack with `change` applied to its files, zipped again (so the zip itself is sound). */
function repacked(name: string, change: (files: Record<string, Uint8Array>) => void): string {
  const files = entriesOf(packA);
  change(files);
  const path = join(dir, name);
  writeFileSync(path, zipSync(files));
  return path;
}

beforeAll(async () => {
  slack = await startSlackHarness({ AIMS_ADMINS: 'slack:U0ADMINA,slack:U0ADMINB' });
  await setUp(ADMIN_A, 'C0AINC', 'Acme Helpdesk Bot', 'Helpdesk bot answers slowly');
  await setUp(ADMIN_B, 'C0BINC', 'Bravo Merger Model', 'Merger model leaked deal names');
  workspaceA = await workspaceId(A);
  workspaceB = await workspaceId(B);
  // Releases and training in A through the services, as the modals would call them.
  const store = slack.app.store;
  const directory = directoryFor(store, { seedAdmins: [{ platform: 'slack', userId: ADMIN_A.user }] }, systemClock);
  const meet = async (user: string) =>
    actorOf(await directory.contact({ platform: 'slack', workspaceExternalId: A, userExternalId: user, displayName: user.toLowerCase() }));
  const admin = await meet(ADMIN_A.user);
  await new RoleService(store, systemClock).grant(admin, (await meet('U0APPA')).personId, 'approver');
  const systemId = (await sqlOf(store).get<{ id: number }>("SELECT id FROM ai_systems WHERE name = 'Acme Helpdesk Bot'"))!.id;
  const releases = new ReleaseService(store, systemClock);
  await releases.addCriterion(admin, systemId, { metric: 'accuracy', comparison: '>=', threshold: 0.8, dataset: 'golden' });
  const { release } = await releases.request(await meet('U0REQA'), {
    aiSystemId: systemId,
    version: '1.2.0',
    changeType: 'retrain',
    whatChanged: 'New answers',
    measurements: [{ metric: 'accuracy', dataset: 'golden', value: 0.9 }],
    risks: 'r',
  });
  await releases.decide(await meet('U0APPA'), release.id, 'approve');
  const training = new TrainingService(store, systemClock, 'UTC');
  const course = await training.addCourse(admin, { name: 'Acme AI Policy', description: 'd', requiredRoles: [], renewalMonths: 12 });
  await training.recordSession(admin, { courseId: course.id, date: today, trainer: 'Tess', attendeePersonIds: [admin.personId] });
  // More of B after A's work, so B's events sit between and after A's in the chain.
  const bForm = await openModal(ADMIN_B, 'incident');
  await submitModal(
    slack.eventsUrl,
    bForm,
    { ...report, title: 'Bravo second incident', systemName: 'Bravo Merger Model' },
    ADMIN_B,
    'V0B2',
  );
  const aForm = await openModal(ADMIN_A, 'incident');
  await submitModal(
    slack.eventsUrl,
    aForm,
    { ...report, title: 'Helpdesk second incident', systemName: 'Acme Helpdesk Bot' },
    ADMIN_A,
    'V0A2',
  );
  ({ path: packA, manifest } = await pack('a.zip', keys.privateKey));
}, 120_000);
afterAll(async () => {
  await slack.close();
  if (!process.env.KEEP_PACK) rmSync(dir, { recursive: true, force: true });
});

describe('aims export: the evidence pack of one workspace', () => {
  it('holds index.pdf, soa.xlsx, every register as xlsx and CSV, the chain segment and the manifest listing them all', () => {
    const names = Object.keys(entriesOf(packA)).sort();
    const registers = features.flatMap((f) => (f.export ? [f.export.name] : []));
    expect(registers).toEqual(expect.arrayContaining(['soa', 'incident', 'release', 'training', 'review', 'system', 'risk', 'impact']));
    expect(names).toEqual(['index.pdf', 'audit-log.jsonl', 'manifest.json', ...registers.flatMap((r) => [`${r}.xlsx`, `${r}.csv`])].sort());
    expect(manifest.files.map((f) => f.name).sort()).toEqual(names.filter((n) => n !== 'manifest.json'));
    expect(manifest.signature).toMatchObject({ algorithm: 'Ed25519', publicKey: keys.publicKey });
    expect(manifest.chain.events).toBe(
      manifest.chain.last && manifest.chain.first ? [...strFromU8(entriesOf(packA)['audit-log.jsonl']!).matchAll(/"payload"/g)].length : 0,
    );
    const files = entriesOf(packA);
    expect(strFromU8(files['incident.csv']!)).toContain('Helpdesk second incident');
    expect(strFromU8(files['release.csv']!)).toMatch(/accuracy on golden: 0\.9 \(>= 0\.8: passed\)/);
    expect(strFromU8(files['training.csv']!)).toContain('Acme AI Policy');
    const pdf = pdfText(Buffer.from(files['index.pdf']!));
    expect(pdf).toContain(`slack:${A}`);
    expect(pdf).toContain('Annex A controls: ');
    expect(pdf).toContain('How to verify this pack');
    // Every citation of the manifest is printed in the PDF.
    expect(manifest.citations.length).toBeGreaterThan(0);
    // (Lines wrap: compared with the line breaks as spaces.)
    const flat = pdf.replace(/\s+/g, ' ');
    for (const c of manifest.citations) expect(flat).toContain(`${c.subject} ${c.action} `);
    for (const c of manifest.citations) expect(flat).toContain(`(event #${c.sequence}, ${c.hash.slice(0, 16)})`);
  });

  it('through the CLI: names the workspace as slack:T…, refuses an unknown one', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {} };
    const path = join(dir, 'cli.zip');
    const args = ['export', '--workspace', `slack:${A}`, '--from', today, '--to', today, '--out', path];
    expect(await runPackExport(slack.app.store, parseArgs(args), io)).toBe(0);
    expect(out.join('\n')).toContain('UNSIGNED');
    expect((await runAims(['audit', 'verify', '--pack', path])).out).toMatch(/\nOK \(UNSIGNED\)\n$/);
    expect(pdfText(Buffer.from(entriesOf(path)['index.pdf']!))).toContain('UNSIGNED: no AIMS_SIGNING_KEY');
    const unknown = ['export', '--workspace', 'slack:T0NOPE', '--from', today, '--to', today, '--out', path];
    expect(await runPackExport(slack.app.store, parseArgs(unknown), io)).toBe(2);
    expect(err.join('\n')).toContain('No workspace "slack:T0NOPE"');
    expect((await runAims(['export', '--workspace', `slack:${A}`, '--from', '2026-13-01', '--to', today])).code).toBe(2);
  });
});

describe('aims audit verify --pack', () => {
  it('prints OK on a copy in an empty folder, with no store and no environment', async () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    copyFileSync(packA, join(empty, 'pack.zip'));
    const bin = resolve('bin/aims.js');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, 'audit', 'verify', '--pack', 'pack.zip', '--public-key', keys.publicKey],
      {
        cwd: empty,
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    expect(stdout).toMatch(/ok {5}signature: signed by the given public key/);
    expect(stdout).toMatch(/ok {5}audit-log\.jsonl chain: \d+ event\(s\)/);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('OK');
  }, 60_000);

  it('fails naming the file when one byte of any file in the zip changed', async () => {
    for (const name of Object.keys(entriesOf(packA))) {
      const path = repacked(`byte-${name}`, (files) => {
        const bytes = files[name]!;
        const at = Math.floor(bytes.length / 2);
        bytes[at] = bytes[at]! ^ 0x01;
      });
      const run = await runAims(['audit', 'verify', '--pack', path, '--public-key', keys.publicKey]);
      expect(run.code, name).toBe(1);
      const failed = run.out.trimEnd().split('\n').at(-1) ?? '';
      expect(failed, name).toMatch(/^FAILED: /);
      // A changed manifest no longer matches its signature, or no longer parses.
      expect(failed, name).toMatch(name === 'manifest.json' ? /signature|manifest\.json/ : new RegExp(name.replace('.', '\\.')));
    }
  });

  it('fails naming audit-log.jsonl and the break in the chain when a line was deleted', async () => {
    const path = repacked('deleted-line.zip', (files) => {
      const lines = strFromU8(files['audit-log.jsonl']!).split('\n');
      lines.splice(3, 1);
      files['audit-log.jsonl'] = new TextEncoder().encode(lines.join('\n'));
    });
    const run = await runAims(['audit', 'verify', '--pack', path, '--public-key', keys.publicKey]);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/FAILED audit-log\.jsonl chain: audit-log\.jsonl line 4: event #\d+ does not follow/);
    expect(run.out).toMatch(/FAILED: .*audit-log\.jsonl/);
  });

  it('fails naming the signature when another key signed the pack', async () => {
    const other = await pack('other-key.zip', otherKeys.privateKey);
    const run = await runAims(['audit', 'verify', '--pack', other.path, '--public-key', keys.publicKey]);
    expect(run.code).toBe(1);
    expect(run.out).toContain('FAILED signature: manifest.json was not signed by the given public key');
    expect(run.out.trimEnd().split('\n').at(-1)).toBe('FAILED: signature');
    // And a manifest re-signed by a forger after changing a file still fails for the auditor's key.
    expect((await runAims(['audit', 'verify', '--pack', other.path, '--public-key', otherKeys.publicKey])).code).toBe(0);
  });
});

describe('the pack of workspace A holds nothing of workspace B', () => {
  it('in no file, the PDF text and the xlsx sheets included', async () => {
    const bIncidents = await sqlOf(slack.app.store).all<{ id: number }>('SELECT id FROM incidents WHERE workspace_id = ?', workspaceB);
    expect(bIncidents.length).toBe(2);
    const files = entriesOf(packA);
    for (const [name, bytes] of Object.entries(files)) {
      const texts = [strFromU8(bytes, true)];
      if (name.endsWith('.pdf')) texts.push(pdfText(Buffer.from(bytes)));
      // xlsx is itself a zip: read its sheets and shared strings.
      if (name.endsWith('.xlsx')) texts.push(...Object.values(unzipSync(bytes)).map((inner) => strFromU8(inner, true)));
      const all = texts.join('\n');
      for (const secret of B_SECRETS) expect(all, `${secret} in ${name}`).not.toContain(secret);
      expect(all, name).not.toContain(`"workspaceId":${workspaceB}`);
      for (const { id } of bIncidents) expect(all, name).not.toMatch(new RegExp(`incident:${id}\\b`));
    }
    // A's chain is A's alone: B's events (written in between) are not even links in A's segment.
    expect(strFromU8(files['audit-log.jsonl']!)).not.toMatch(/"link":true/);
    // The same checks pass on B's own pack, which holds B and not A.
    const packB = await pack('b.zip', keys.privateKey, workspaceB);
    const bText = Object.values(entriesOf(packB.path))
      .map((bytes) => strFromU8(bytes, true))
      .join('\n');
    expect(bText).toContain('Merger model leaked deal names');
    expect(bText).not.toContain('Helpdesk second incident');
    expect((await runAims(['audit', 'verify', '--pack', packB.path, '--public-key', keys.publicKey])).out).toMatch(/\nOK\n$/);
  });
});
