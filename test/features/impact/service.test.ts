import { afterEach, describe, expect, it } from 'vitest';
import { actorOf } from '../../../src/core/actor.ts';
import { AiSystemService } from '../../../src/features/ai-systems/service.ts';
import { impactFeature } from '../../../src/features/impact/feature.ts';
import { RiskService } from '../../../src/features/risks/service.ts';
import { IMPACT_EXPORT_COLUMNS, impactDueForRelease, ImpactService } from '../../../src/features/impact/service.ts';
import { impactExport } from '../../../src/features/impact/export.ts';
import { allRows } from '../../helpers/all-rows.ts';
import type { GovernanceStore } from '../../../src/store/governance-store.ts';
import { parseArgs } from '../../../src/cli/cli-args.ts';
import { exportSourcesOf, runExport } from '../../../src/cli/export-command.ts';
import { features } from '../../../src/features/index.ts';
import { refusal } from '../../helpers/refusal.ts';
import { scorerWorkspace } from '../../helpers/scorer-workspace.ts';
import { openTestStore } from '../../helpers/store-kinds.ts';
import { directoryFor } from '../../helpers/test-store.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const assessment = (aiSystemId: number, severity = 4) => ({
  aiSystemId,
  intendedUse: 'u',
  foreseeableMisuse: 'm',
  affected: 'a',
  societalImpact: 's',
  harms: [{ description: 'h', severity, likelihood: 2 }],
  mitigations: [{ text: 't', riskRefs: ['r 1'] }],
  humanOversight: 'o',
});

async function world() {
  store = await openTestStore();
  const w = await scorerWorkspace(store, []);
  const { system: helper } = await new AiSystemService(store, w.clock).add(w.people.admin, {
    name: 'Helper',
    description: 'd',
    purpose: 'p',
    ownerPersonId: w.people.admin.personId,
    euRiskLevel: 'minimal',
    internalTier: 'tier-3',
    stage: 'development',
    provider: 'in-house',
  });
  // R-1 of the register, for the assessments' mitigations to name.
  await new RiskService(store, w.clock).add(w.people.admin, {
    title: 'Wrong answers',
    description: 'd',
    systemIds: [],
    category: 'transparency',
    phase: 'operation',
    ownerPersonId: w.people.admin.personId,
    inherentLikelihood: 3,
    inherentImpact: 3,
    treatment: 'mitigate',
    plan: 'p',
    controls: ['A.6.2.6'],
    residualLikelihood: 2,
    residualImpact: 2,
    reviewEveryDays: 90,
  });
  return { ...w, helper, impact: new ImpactService(store, w.clock), store };
}

// Two weeks after the world was built: what became required then falls due now.
const window = { today: '2026-12-20', horizon: '2026-12-23', daysOverdue: () => 0 };

describe('ImpactService through the feature contract', () => {
  it('nudges the owner of a system in production and high risk, then the approvers but its author, then nobody once signed', async () => {
    const { people, system, impact, store } = await world();
    const nudges = async () =>
      (await store.read(async (repos) => await impactFeature.nudges!.items!(repos, people.admin.workspaceId, window))).map((n) => [
        n.personId,
        n.item.text,
      ]);
    // Required from the start, it falls due two weeks later: nudged from three days before.
    const early = await store.read(
      async (repos) =>
        await impactFeature.nudges!.items!(repos, people.admin.workspaceId, { ...window, today: '2026-11-25', horizon: '2026-11-28' }),
    );
    expect(early).toEqual([]);
    expect(await nudges()).toEqual([[people.admin.personId, 'Impact assessment due: Scorer (in production, EU AI Act high risk)']]);
    const overdue = await store.read(async (repos) =>
      impactFeature.digest!.overdue!(repos, people.admin.workspaceId, {
        from: '2026-12-13',
        today: window.today,
        since: '2026-12-13T00:00:00.000Z',
        daysOverdue: () => 14,
      }),
    );
    expect(overdue.map((item) => [item.what, item.due])).toEqual([
      ['Impact assessment of Scorer (in production, EU AI Act high risk)', '2026-12-06'],
    ]);
    const { assessment: ia } = await impact.submit(people.app1, assessment(system.id));
    expect(ia.mitigations[0]?.riskRefs).toEqual(['R-1']);
    expect(await nudges()).toEqual([[people.app2.personId, 'Sign off IA-1: impact assessment of Scorer']]);
    const status = async () =>
      await store.read(
        async (repos) =>
          await impactFeature.status!.section(repos, people.admin.workspaceId, {
            now: new Date(),
            today: window.today,
            timeZone: 'UTC',
            changesAt: () => undefined,
          }),
      );
    expect((await status()).fields).toEqual([
      { label: 'Due', value: '1 (Scorer)' },
      { label: 'Awaiting sign-off', value: '1' },
      { label: 'Signed (current)', value: '0' },
    ]);
    await impact.sign(people.app2, ia.id);
    expect(await nudges()).toEqual([]);
    expect((await status()).fields[0]).toEqual({ label: 'Due', value: 'none' });
    const evidence = await store.read(async (repos) => await impactFeature.evidence!.count(repos, people.admin.workspaceId, {}));
    expect(evidence).toEqual({ 'impact-assessment': 1 });
    const rows = await store.read(async (repos) => await allRows(impactExport.rows(repos, people.admin.workspaceId, { now: new Date() })));
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0] ?? {})).toEqual([...IMPACT_EXPORT_COLUMNS]);
    expect(rows[0]).toMatchObject({ id: 'IA-1', system: 'Scorer', status: 'signed', max_severity: 4, risk_refs: 'R-1' });
    // `aims impact export --format csv`: the header and the one assessment.
    const lines: string[] = [];
    const code = await runExport(exportSourcesOf(features).get('impact')!, store, parseArgs(['--format', 'csv']), {
      out: (line) => lines.push(line),
      err: (line) => lines.push(line),
    });
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^Assessment,AI system,Version,Status,Author,Signed by/);
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 2))).toEqual([['IA-1', 'Scorer']]);
  });

  it('a release of code or architecture asks again until one is signed after it; a retrain does not', async () => {
    const { people, helper, impact, releases, store } = await world();
    const release = async (version: string, changeType: string) =>
      (
        await releases.request(people.requester, {
          aiSystemId: helper.id,
          version,
          changeType,
          whatChanged: 'w',
          measurements: [],
          risks: 'r',
        })
      ).release;
    const due = async (id: number) =>
      await store.read(async (repos) => await impactDueForRelease(repos, people.admin.workspaceId, { id, aiSystemId: helper.id }));
    const retrain = await release('1.0', 'retrain');
    expect(await due(retrain.id)).toBe(false);
    const rewrite = await release('2.0', 'code-or-architecture');
    expect(await due(rewrite.id)).toBe(true);
    const { assessment: ia } = await impact.submit(people.requester, assessment(helper.id));
    expect(await due(rewrite.id)).toBe(true);
    await impact.sign(people.app1, ia.id);
    expect(await due(rewrite.id)).toBe(false);
    const digest = await store.read(async (repos) =>
      impactFeature.digest!.fields!(repos, people.admin.workspaceId, {
        from: '2026-01-01',
        today: window.today,
        since: '2000-01-01T00:00:00.000Z',
        daysOverdue: () => 0,
      }),
    );
    expect(digest[0]?.value).toContain('1 signed this week');
  });

  it('refuses a severity outside 1-5, a signer who wrote it, a signer who is no approver, and another workspace', async () => {
    const { people, system, impact, store, clock } = await world();
    for (const severity of [0, 6])
      expect((await refusal(async () => await impact.submit(people.app1, assessment(system.id, severity)))).details.fieldErrors).toEqual({
        'harms.0.severity': 'The severity is from 1 to 5.',
      });
    // A mitigation naming a risk the register does not hold is an error at its field.
    const unknownRisk = { ...assessment(system.id), mitigations: [{ text: 't', riskRefs: ['R-9'] }] };
    expect((await refusal(async () => await impact.submit(people.app1, unknownRisk))).details.fieldErrors).toEqual({
      'mitigations.0.riskRefs': 'R-9 is not a risk of this workspace.',
    });
    const { assessment: ia } = await impact.submit(people.app1, assessment(system.id));
    expect((await refusal(async () => await impact.sign(people.app1, ia.id))).message).toBe(
      'You wrote IA-1, so you cannot sign it off: another approver must.',
    );
    expect((await refusal(async () => await impact.sign(people.member, ia.id))).message).toBe(
      'Only approvers can sign off impact assessments.',
    );
    // An approver of another workspace finds no IA-1 there, and T1's stays pending.
    const other = actorOf(
      await directoryFor(store, { seedAdmins: [{ platform: 'slack', userId: 'UOTHER' }] }, clock).contact({
        platform: 'slack',
        workspaceExternalId: 'T2',
        userExternalId: 'UOTHER',
        displayName: 'other',
      }),
    );
    const foreign = await refusal(async () => await impact.sign({ ...other, roles: ['approver', 'admin'] }, ia.id));
    expect([foreign.code, foreign.message]).toEqual(['not_found', 'There is no IA-1 in this workspace.']);
    expect((await refusal(async () => await impact.details(other.workspaceId, ia.id))).code).toBe('not_found');
    expect((await impact.details(people.app1.workspaceId, ia.id)).assessment.status).toBe('pending');
    // Another workspace's system cannot be assessed either.
    expect((await refusal(async () => await impact.submit(other, assessment(system.id)))).details.fieldErrors).toEqual({
      aiSystemId: 'Choose an AI system of this workspace that is not retired.',
    });
  });
});
