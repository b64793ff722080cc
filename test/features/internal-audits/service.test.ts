import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/aims-cli.ts';
import { actorOf } from '../../../src/core/actor.ts';
import { internalAuditsFeature } from '../../../src/features/internal-audits/feature.ts';
import { InternalAuditService } from '../../../src/features/internal-audits/service.ts';
import { PolicyService } from '../../../src/features/policies/service.ts';
import { RiskService } from '../../../src/features/risks/service.ts';
import type { GovernanceStore } from '../../../src/store/governance-store.ts';
import { SqliteStore } from '../../../src/store/sqlite-store.ts';
import { refusal } from '../../helpers/refusal.ts';
import { scorerWorkspace } from '../../helpers/scorer-workspace.ts';
import { openTestStore, testStoreUrl, TEST_STORE_KIND } from '../../helpers/store-kinds.ts';
import { directoryFor } from '../../helpers/test-store.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

const dir = mkdtempSync(join(tmpdir(), 'aims-audits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function world(file?: string) {
  store = file ? SqliteStore.open(file) : await openTestStore();
  const w = await scorerWorkspace(store, []);
  return { ...w, audits: new InternalAuditService(store, w.clock), risks: new RiskService(store, w.clock), store };
}

const plan = (lead: number, extra: Record<string, unknown> = {}) => ({
  title: 'Q4 audit',
  clauses: ['9.2'],
  controls: [],
  systemIds: [],
  areas: [],
  plannedStart: '2026-12-01',
  plannedEnd: '2026-12-05',
  leadAuditorPersonId: lead,
  auditorPersonIds: [],
  ...extra,
});

describe('InternalAuditService', () => {
  it('refuses auditors of their own work (an AI system, a risk in scope), bad scope and dates, naming the field', async () => {
    const { people, audits, risks, system, store: st, clock } = await world();
    const { admin, member, app1 } = people;
    await risks.add(admin, {
      title: 'Drift unnoticed',
      description: 'd',
      systemIds: [],
      category: 'fairness',
      phase: 'operation',
      ownerPersonId: member.personId,
      inherentLikelihood: 3,
      inherentImpact: 3,
      treatment: 'mitigate',
      plan: 'Monitor.',
      controls: ['A.6.2.6'],
      residualLikelihood: 2,
      residualImpact: 2,
      reviewEveryDays: 90,
    });
    const byRisk = await refusal(async () => await audits.plan(admin, plan(member.personId, { controls: ['A.6.2.6'] })));
    expect(byRisk.details.fieldErrors?.leadAuditorPersonId).toContain('umember owns risk R-1 (Drift unnoticed) in the scope of this audit');
    const bySystem = await refusal(
      async () => await audits.plan(admin, plan(app1.personId, { auditorPersonIds: [admin.personId], areas: ['ai-systems'] })),
    );
    expect(bySystem.details.fieldErrors?.auditorPersonIds).toContain('owns AI system Scorer in the scope');
    // A policy's owner (who added it) may not audit the policies, nor the AI policy's clause 5.2.
    await new PolicyService(st, clock).addVersion(admin, {
      name: 'AI policy',
      title: 'AI policy',
      effectiveDate: '2026-12-01',
      link: 'https://intranet.example/ai-policy',
      changes: 'First version.',
      audience: ['everyone'],
    });
    for (const scope of [{ areas: ['policies'] }, { clauses: ['5.2'] }, { controls: ['A.2.2'] }])
      expect(
        (await refusal(async () => await audits.plan(admin, plan(admin.personId, scope)))).details.fieldErrors?.leadAuditorPersonId,
      ).toContain('owns policy POL-1 (AI policy) in the scope of this audit');
    expect(
      (
        await refusal(
          async () => await audits.plan(admin, plan(app1.personId, { systemIds: [system.id], auditorPersonIds: [admin.personId] })),
        )
      ).details.fieldErrors?.auditorPersonIds,
    ).toContain('AI system Scorer');
    expect(
      (await refusal(async () => await audits.plan(admin, plan(app1.personId, { clauses: ['9.9'], plannedEnd: '2026-11-30' })))).details
        .fieldErrors,
    ).toEqual({
      clauses: '9.9 is not a clause of annex-a.json (e.g. 9.2, 10.2).',
      plannedEnd: 'The end date cannot be before the start date.',
    });
    expect(await sqlOf(store!).count('internal_audits')).toBe(0);
  });

  it('follows a nonconformity through a failed check and a passed one; feeds the review inputs and the nudges; refuses another workspace', async () => {
    const { people, audits, meet, clock } = await world();
    const { admin, member, app1 } = people;
    const { audit } = await audits.plan(admin, plan(app1.personId));
    const { finding } = await audits.logFinding(app1, audit.number, { kind: 'major-nc', clause: '9.2', description: 'No programme.' });
    await audits.logFinding(app1, audit.number, { kind: 'ofi', clause: 'A.6.2.6', description: 'Automate the drift report.' });
    // A nonconformity of finding F1, logged twice (a double click): one.
    const origin = { source: 'audit', ref: 'AUD-1', finding: String(finding.id) };
    const raw = { clause: '9.2', grade: 'major', description: 'No programme.', ownerPersonId: member.personId };
    const { nc } = await audits.logNonconformity(app1, origin, raw, 'form:k1');
    expect((await audits.logNonconformity(app1, origin, raw, 'form:k2')).created).toBe(false);
    // Another workspace's AUD-1 is not there for its people.
    const elsewhere = actorOf(
      await directoryFor(store!, { seedAdmins: [{ platform: 'slack', userId: 'UX' }] }, clock).contact({
        platform: 'slack',
        workspaceExternalId: 'T2',
        userExternalId: 'UX',
        displayName: 'x',
      }),
    );
    expect((await refusal(async () => await audits.logNonconformity(elsewhere, { source: 'audit', ref: 'AUD-1' }, raw))).message).toBe(
      'There is no AUD-1 in this workspace.',
    );
    expect((await refusal(async () => await audits.check(app1, nc.number, { result: 'passed' }))).code).toBe('conflict');
    const { action } = await audits.raiseAction(member, nc.number, {
      rootCause: 'Nobody owned the programme.',
      title: 'Name a programme owner',
      ownerPersonId: member.personId,
      dueDate: '2026-12-15',
      checkerPersonId: app1.personId,
    });
    // Not done yet: no check; done, then the owner may not check it.
    expect((await refusal(async () => await audits.check(app1, nc.number, { result: 'passed' }))).message).toContain('is not done yet');
    await audits.actionDone(member, nc.number);
    expect((await refusal(async () => await audits.check(member, nc.number, { result: 'passed' }))).code).toBe('forbidden');
    const nudges = await store!.read(
      async (repos) =>
        await internalAuditsFeature.nudges!.items!(repos, admin.workspaceId, {
          today: '2026-11-22',
          horizon: '2026-11-29',
          daysOverdue: () => 0,
        }),
    );
    expect(nudges.map((n) => [n.personId, n.item.key])).toEqual([[app1.personId, `audit:check:${nc.id}`]]);
    const failed = await audits.check(app1, nc.number, { result: 'failed', note: 'Owner named but not told.' });
    expect(failed.action).toMatchObject({ id: action.id, status: 'open', checkResult: 'failed', doneAt: null });
    expect(failed.nc.status).toBe('action');
    await audits.actionDone(member, nc.number);
    const passed = await audits.check(await meet('UAPP2'), nc.number, { result: 'passed' });
    expect(passed.nc.status).toBe('closed');
    const items = await store!.read(
      async (repos) => await internalAuditsFeature.reviewInputs!.items(repos, admin.workspaceId, { until: '2027-01-01T00:00:00Z' }),
    );
    expect(items.map((i) => [i.section, i.ref])).toEqual([
      ['audit-results', 'AUD-1'],
      ['improvement', 'AUD-1'],
      ['nonconformities', 'NC-1'],
    ]);
    expect(items[0]?.text).toBe('AUD-1 Q4 audit (in-progress): 1 major nonconformity, 1 opportunity for improvement');
    expect(items[2]?.text).toContain('corrective action #');
    expect(items[2]?.text).toContain('effectiveness check passed · closed (effective)');
    expect(await store!.verifyAudit()).toMatchObject({ ok: true });
  });

  it('`aims audit report AUD-1 --format csv` prints its findings; AUD-9 is refused with exit 3', async () => {
    const file = join(dir, 'report.db');
    const { people, audits } = await world(TEST_STORE_KIND === 'sqlite' ? file : undefined);
    const { audit } = await audits.plan(people.admin, plan(people.app1.personId));
    await audits.logFinding(people.app1, audit.number, { kind: 'observation', clause: '9.2', description: 'Criteria, kept "informally"' });
    const db = TEST_STORE_KIND === 'sqlite' ? file : (testStoreUrl(store!) ?? '');
    const env = TEST_STORE_KIND === 'sqlite' ? { AIMS_DB: db } : { AIMS_DATABASE_URL: db };
    const run = async (args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(args, { out: (line) => out.push(line), err: (line) => err.push(line), env });
      return { code, out, err };
    };
    const report = await run(['audit', 'report', 'AUD-1', '--format', 'csv']);
    expect(report.code).toBe(0);
    expect(report.out[1]).toBe(
      'AUD-1,Q4 audit,F1,Observation,9.2,"Criteria, kept ""informally""",,uapp1,2026-11-22T10:00:00.000Z,,,,,,,,,',
    );
    expect(await run(['audit', 'report', 'AUD-9', '--format', 'csv'])).toMatchObject({
      code: 3,
      err: ['There is no AUD-9 in this workspace.'],
    });
    expect((await run(['audit', 'report', 'R-1', '--format', 'csv'])).code).toBe(2);
  });
});
