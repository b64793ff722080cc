import { afterEach, describe, expect, it } from 'vitest';
import { evidenceSourcesOf } from '../../../src/chat/feature.ts';
import { actorOf } from '../../../src/core/actor.ts';
import { csvCell, csvHeader, csvLine } from '../../../src/core/export/csv.ts';
import { inPeriod, type EvidenceSource } from '../../../src/core/iso42001/evidence-coverage.ts';
import { RoleService } from '../../../src/core/role-service.ts';
import { features } from '../../../src/features/index.ts';
import { createLogger } from '../../../src/logger.ts';
import { createServices } from '../../../src/services.ts';
import { liveEvidence } from '../../../src/core/iso42001/live-evidence.ts';
import { SoaService } from '../../../src/features/soa/service.ts';
import type { GovernanceStore } from '../../../src/store/governance-store.ts';
import { refusal } from '../../helpers/refusal.ts';
import { openTestStore, STORE_KINDS, type StoreKind } from '../../helpers/store-kinds.ts';
import { directoryFor, testClock } from '../../helpers/test-store.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const A626 = { controlId: 'A.6.2.6', applicable: 'yes', justification: 'Treats R-1.', state: 'implemented' };

async function world(kind: StoreKind) {
  store = await openTestStore(kind);
  const clock = testClock();
  const directory = directoryFor(store, {
    seedAdmins: [
      { platform: 'slack', userId: 'UADMIN' },
      { platform: 'slack', userId: 'UADMIN2' },
    ],
  });
  const meet = async (user: string, team = 'T1') =>
    actorOf(await directory.contact({ platform: 'slack', workspaceExternalId: team, userExternalId: user }));
  const admin = await meet('UADMIN');
  const roles = new RoleService(store, clock);
  for (const user of ['UAPP1', 'UAPP2']) await roles.grant(admin, (await meet(user)).personId, 'approver');
  await roles.grant(admin, admin.personId, 'approver');
  return {
    admin: await meet('UADMIN'),
    approver1: await meet('UAPP1'),
    approver2: await meet('UAPP2'),
    member: await meet('UMEMBER'),
    stranger: await meet('UADMIN2', 'T2'),
    soa: new SoaService(store, clock, async () => evidenceSourcesOf(features)),
  };
}

describe.each(STORE_KINDS)('SoaService on %s', (kind) => {
  it('refuses, at their fields: an exclusion without a justification, a control not in Annex A, an owner of another workspace', async () => {
    const { admin, stranger, soa } = await world(kind);
    const fields = async (raw: Record<string, unknown>) => (await refusal(async () => await soa.edit(admin, raw))).details.fieldErrors;
    expect(await fields({ ...A626, applicable: 'no', justification: '  ' })).toEqual({
      justification: 'An excluded control needs a justification: say why it does not apply.',
    });
    expect(await fields({ ...A626, controlId: 'A.11.1' })).toEqual({ controlId: 'Not an Annex A control: use an id such as A.6.2.6.' });
    expect(await fields({ ...A626, ownerPersonId: stranger.personId })).toEqual({
      ownerPersonId: 'The owner must be a person in this workspace.',
    });
    expect(await fields({ ...A626, state: 'done', applicable: undefined })).toEqual({
      applicable: 'Say whether the control applies.',
      state: 'Choose the implementation state.',
    });
    expect((await refusal(async () => await soa.control(admin.workspaceId, 'A.1'))).message).toBe('A.1 is not an Annex A control.');
    // Nothing was written by any of them.
    expect((await soa.overview(admin.workspaceId)).rows.filter((row) => row.entry.updatedAt !== null)).toEqual([]);
  });

  it('keeps each workspace its own: an edit and a version of one are not seen or approved from the other', async () => {
    const { admin, stranger, soa } = await world(kind);
    await soa.edit(admin, { ...A626, controlId: 'a.6.2.6' });
    const { version } = await soa.requestApproval(admin);
    expect((await soa.control(admin.workspaceId, 'A.6.2.6')).row.entry.state).toBe('implemented');
    expect((await soa.control(stranger.workspaceId, 'A.6.2.6')).row.entry).toMatchObject({ state: 'planned', updatedAt: null });
    expect((await soa.overview(stranger.workspaceId)).versions).toEqual([]);
    expect((await refusal(async () => await soa.approve(stranger, version.id))).code).toBe('not_found');
  });

  it('approval: N distinct approvers, never the last editor, once each; each decision holds the content hash', async () => {
    const { admin, approver1, approver2, soa } = await world(kind);
    await soa.edit(admin, A626);
    const { version, created } = await soa.requestApproval(admin);
    expect(created).toBe(true);
    expect(await soa.requestApproval(approver1)).toMatchObject({ version: { id: version.id }, created: false });
    expect((await refusal(async () => await soa.approve(admin, version.id))).message).toBe(
      'You edited the SoA last, so you cannot approve SoA v1: someone else must.',
    );
    expect(await soa.approve(approver1, version.id)).toMatchObject({ changed: true, approved: false });
    expect(await soa.approve(approver1, version.id)).toMatchObject({ changed: false, approved: false });
    const approved = await soa.approve(approver2, version.id);
    expect(approved).toMatchObject({ changed: true, approved: true, version: { status: 'approved' } });
    const overview = await soa.overview(admin.workspaceId);
    expect(overview.changedSinceApproved).toBe(false);
    expect(overview.approved?.contentHash).toBe(overview.contentHash);
    expect(await sqlOf(store as GovernanceStore).all('SELECT content_hash AS hash FROM soa_decisions ORDER BY id')).toEqual([
      { hash: overview.contentHash },
      { hash: overview.contentHash },
    ]);
    expect((await refusal(async () => await soa.requestApproval(admin))).message).toBe(
      'SoA v1 is approved and nothing changed since: there is nothing to approve.',
    );
    // An approver edits: now the admin may approve the next version, and the approver who edited may not.
    expect((await refusal(async () => await soa.edit(approver1, { ...A626, state: 'partial' }))).code).toBe('forbidden');
    await soa.edit(admin, { ...A626, state: 'partial', ownerPersonId: approver1.personId });
    await soa.edit(approver1, { ...A626, state: 'implemented', ownerPersonId: approver1.personId });
    expect((await soa.overview(admin.workspaceId)).changedSinceApproved).toBe(true);
    const v2 = (await soa.requestApproval(admin)).version;
    expect(v2.version).toBe(2);
    expect((await refusal(async () => await soa.approve(approver1, v2.id))).code).toBe('forbidden');
    await soa.approve(admin, v2.id);
    await soa.approve(approver2, v2.id);
    expect((await soa.overview(admin.workspaceId)).versions.map((v) => [v.version, v.status])).toEqual([
      [1, 'superseded'],
      [2, 'approved'],
    ]);
    expect(await store?.verifyAudit()).toMatchObject({ ok: true });
  });

  it('status and the weekly digest show the SoA version and the controls implemented without evidence', async () => {
    const { admin, approver1, approver2, soa } = await world(kind);
    const services = createServices({
      store: store as GovernanceStore,
      clock: testClock(),
      directory: { seedAdmins: [], firstContactBecomesAdmin: false },
      defaultTimeZone: 'UTC',
      logger: createLogger('silent'),
    });
    await soa.edit(admin, A626);
    const { version } = await soa.requestApproval(admin);
    await soa.approve(approver1, version.id);
    await soa.approve(approver2, version.id);
    await soa.edit(admin, { ...A626, controlId: 'A.2.2', justification: 'Policy AI-1.' });
    const section = (await services.status.summarize(admin.workspaceId)).sections.find((s) => s.title === 'Statement of Applicability');
    expect(section?.fields).toEqual([
      { label: 'Version', value: 'SoA v1 approved, changed since v1' },
      { label: 'Controls', value: '38 applicable, 2 implemented, 4 with evidence' },
      { label: 'Implemented without evidence (12 months)', value: 'A.2.2, A.6.2.6' },
    ]);
    expect((await services.digests.build(admin.workspaceId)).lines).toContainEqual({
      label: 'Statement of Applicability',
      value: 'SoA v1 approved, changed since v1; implemented without evidence: A.2.2, A.6.2.6',
    });
  });
});

describe('live evidence of a control', () => {
  // Records of one kind on known days, as an area's evidence source counts them.
  const days = ['2025-10-01T10:00:00Z', '2026-03-01T09:00:00Z', '2026-11-20T13:00:00Z'];
  const source: EvidenceSource = {
    kinds: ['incident', 'review:drift'],
    count: async (_repos, _workspaceId, period) => ({ incident: days.filter((at) => inPeriod(at, period)).length }),
  };

  it('counts the records of the last 12 months and finds the day of the newest', async () => {
    store = await openTestStore();
    const found = await store.read(
      async (repos) => await liveEvidence(repos, 1, [source], ['incident', 'review:drift', 'role'], new Date('2026-11-22T12:00:00Z')),
    );
    expect(Object.fromEntries(found)).toEqual({
      incident: { count: 2, lastDate: '2026-11-20' },
      'review:drift': { count: 0, lastDate: null },
      role: { count: 0, lastDate: null },
    });
    const sameDay = await store.read(
      async (repos) => await liveEvidence(repos, 1, [source], ['incident'], new Date('2026-11-20T13:00:00Z')),
    );
    expect(sameDay.get('incident')).toEqual({ count: 2, lastDate: '2026-11-20' });
  });
});

describe('CSV cells', () => {
  it('quotes commas, quotes and line breaks, says yes/no, and keeps text a spreadsheet would run as a formula inert', () => {
    expect(csvCell('Treats R-1, R-2')).toBe('"Treats R-1, R-2"');
    expect(csvCell('say "no"\nthen')).toBe('"say ""no""\nthen"');
    expect(csvCell(true)).toBe('yes');
    expect(csvCell(null)).toBe('');
    expect(csvCell(3)).toBe('3');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    const columns = [{ key: 'a', header: 'A' }];
    expect([csvHeader(columns), csvLine(columns, { a: '@SUM(1)' }), csvLine(columns, {})]).toEqual(['A', "'@SUM(1)", '']);
  });
});
