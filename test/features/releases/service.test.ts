import { afterEach, describe, expect, it } from 'vitest';
import type { GovernanceStore } from '../../../src/store/governance-store.ts';
import { refusal } from '../../helpers/refusal.ts';
import { scorerWorkspace } from '../../helpers/scorer-workspace.ts';
import { openTestStore } from '../../helpers/store-kinds.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function world() {
  store = await openTestStore();
  const { people, system, releases } = await scorerWorkspace(store, [
    { metric: 'recall', comparison: '>=', threshold: 0.9, dataset: 'holdout' },
    { metric: 'latency', comparison: '<=', threshold: 100, dataset: 'prod' },
  ]);
  return { ...people, system, releases };
}

const request = (aiSystemId: number, recall: number, latency: number, extra: Record<string, unknown> = {}) => ({
  aiSystemId,
  version: '1.0.0',
  changeType: 'retrain',
  whatChanged: 'w',
  measurements: [
    { metric: 'Recall', dataset: 'holdout', value: recall },
    { metric: 'latency', value: latency },
    { metric: 'f1', dataset: 'holdout', value: 0.8 },
  ],
  risks: 'r',
  ...extra,
});

describe('ReleaseService', () => {
  it('judges measured values against each criterion (>= and <=), keeps extra metrics, and wants a justification for a failure', async () => {
    const { requester, system, releases } = await world();
    // FAIL is named at the measured value that failed, and the justification is asked for.
    expect((await refusal(async () => await releases.request(requester, request(system.id, 0.85, 90)))).details.fieldErrors).toEqual({
      'measurements.0': 'FAIL: recall on holdout needs ≥ 0.9. Correct the value, or justify shipping anyway.',
      justification: 'A criterion failed: explain why it should ship anyway.',
    });
    const { release } = await releases.request(
      requester,
      request(system.id, 0.95, 120, { justification: 'Latency is fine for batch use.' }),
    );
    const { metrics } = await releases.details(requester.workspaceId, release.id);
    expect(metrics.map((m) => [m.metric, m.passed])).toEqual([
      ['recall', true],
      ['latency', false],
      ['f1', null],
    ]);
  });

  it('asks for every criterion, and never lowers the approvals needed; only admins raise them', async () => {
    const { admin, requester, system, releases } = await world();
    const missing =
      (await refusal(async () => await releases.request(requester, { ...request(system.id, 0.95, 90), measurements: [] }))).details
        .fieldErrors ?? {};
    expect(Object.values(missing)).toEqual(['Enter the measured recall on holdout.', 'Enter the measured latency on prod.']);
    expect(
      (await refusal(async () => await releases.request(requester, request(system.id, 0.95, 90, { approvalsNeeded: 1 })))).details
        .fieldErrors,
    ).toEqual({
      approvalsNeeded: 'A release needs at least 2 approvals here (the workspace default).',
    });
    expect(
      (await refusal(async () => await releases.request(requester, request(system.id, 0.95, 90, { approvalsNeeded: 3 })))).details
        .fieldErrors,
    ).toEqual({
      approvalsNeeded: 'Only admins can ask for more approvals than the default.',
    });
    expect((await releases.request(admin, request(system.id, 0.95, 90, { approvalsNeeded: 3 }))).release.approvalsNeeded).toBe(3);
  });

  it('N distinct approvers approve; the requester and non-approvers cannot; one rejection rejects; decisions are final', async () => {
    const { requester, app1, app2, member, system, releases } = await world();
    const { release } = await releases.request(requester, request(system.id, 0.95, 90));
    expect((await refusal(async () => await releases.decide(requester, release.id, 'approve'))).code).toBe('forbidden');
    expect((await refusal(async () => await releases.decide(member, release.id, 'approve'))).message).toBe(
      'Only approvers can approve releases.',
    );
    expect(await releases.decide(app1, release.id, 'approve')).toMatchObject({ changed: true, decided: false });
    expect(await releases.decide(app1, release.id, 'approve')).toMatchObject({ changed: false, decided: false });
    expect(await releases.decide(app2, release.id, 'approve')).toMatchObject({
      changed: true,
      decided: true,
      release: { status: 'approved' },
    });
    expect((await refusal(async () => await releases.decide(app2, release.id, 'reject', 'late'))).code).toBe('conflict');

    const second = (await releases.request(requester, request(system.id, 0.95, 90, { version: '1.1.0' }))).release;
    expect((await refusal(async () => await releases.decide(app1, second.id, 'reject', ' '))).details.fieldErrors).toEqual({
      reason: 'Say why you reject it.',
    });
    expect((await releases.decide(app1, second.id, 'reject', 'No.')).release.status).toBe('rejected');
    // A rejected version may be asked again; an approved one not.
    expect((await releases.request(requester, request(system.id, 0.95, 90, { version: '1.1.0' }))).created).toBe(true);
    expect((await refusal(async () => await releases.request(requester, request(system.id, 0.95, 90)))).details.fieldErrors).toEqual({
      version: 'Scorer 1.0.0 was already released.',
    });
  });

  it('an admin’s raise of the approvals needed is a floor the requester cannot lower by editing', async () => {
    const { admin, requester, system, releases } = await world();
    const { release } = await releases.request(requester, request(system.id, 0.95, 90));
    await releases.edit(admin, release.id, request(system.id, 0.95, 90, { approvalsNeeded: 4 }));
    expect(
      (await refusal(async () => await releases.edit(requester, release.id, request(system.id, 0.96, 90, { approvalsNeeded: 2 })))).details
        .fieldErrors,
    ).toEqual({ approvalsNeeded: 'An admin set this release to need 4 approvals; only an admin can lower it.' });
    expect((await releases.edit(requester, release.id, request(system.id, 0.96, 90, { approvalsNeeded: 4 }))).release.approvalsNeeded).toBe(
      4,
    );
  });

  it('a decision made on an older version of the request is refused', async () => {
    const { requester, app1, system, releases } = await world();
    const { release } = await releases.request(requester, request(system.id, 0.95, 90));
    const seen = release.contentHash;
    await releases.edit(requester, release.id, request(system.id, 0.97, 90));
    expect(await refusal(async () => await releases.decide(app1, release.id, 'approve', undefined, seen))).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('was edited since you saw it'),
    });
  });

  it('an edit drops the approvals given and changes the content hash; withdrawal is the requester’s alone', async () => {
    const { requester, app1, system, releases } = await world();
    const { release } = await releases.request(requester, request(system.id, 0.95, 90));
    await releases.decide(app1, release.id, 'approve');
    const edited = await releases.edit(requester, release.id, request(system.id, 0.97, 90));
    expect(edited.droppedApprovers).toEqual([app1.personId]);
    expect(edited.release.contentHash).not.toBe(release.contentHash);
    expect((await releases.details(requester.workspaceId, release.id)).approvals).toBe(0);
    expect((await refusal(async () => await releases.withdraw(app1, release.id))).code).toBe('forbidden');
    expect((await releases.withdraw(requester, release.id)).changed).toBe(true);
    expect((await releases.withdraw(requester, release.id)).changed).toBe(false);
  });
});

describe('ReleaseService value domains and edits', () => {
  it('refuses measured values outside the domain of their criterion or metric name, each at its field', async () => {
    const { requester, system, releases } = await world();
    const refused = await refusal(
      async () =>
        await releases.request(requester, {
          ...request(system.id, 42, -1e12),
          measurements: [
            { metric: 'recall', dataset: 'holdout', value: 42 },
            { metric: 'latency', value: -1e12 },
            { metric: 'auc', value: 1.2 },
          ],
        }),
    );
    expect(refused.details.fieldErrors).toEqual({
      'measurements.0': '42 is not a possible recall: it must be a rate in [0, 1].',
      'measurements.1': '-1000000000000 is not a possible latency: it must be a duration, at least 0.',
      'measurements.2': '1.2 is not a possible auc: it must be a rate in [0, 1].',
    });
  });

  it('keeps bounds declared with a criterion, and refuses a threshold outside its domain', async () => {
    const { admin, requester, system, releases } = await world();
    const score = await releases.addCriterion(admin, system.id, {
      metric: 'quality_score',
      comparison: '>=',
      threshold: 60,
      dataset: 'audit',
      minValue: 0,
      maxValue: 100,
    });
    expect([score.minValue, score.maxValue]).toEqual([0, 100]);
    expect(
      (
        await refusal(
          async () =>
            await releases.addCriterion(admin, system.id, { metric: 'precision', comparison: '>=', threshold: 92, dataset: 'holdout' }),
        )
      ).message,
    ).toContain('The threshold 92 is outside the values precision can take (a rate in [0, 1])');
    expect(
      (
        await refusal(
          async () =>
            await releases.addCriterion(admin, system.id, {
              metric: 'x',
              comparison: '>=',
              threshold: 1,
              dataset: 'd',
              minValue: 5,
              maxValue: 5,
            }),
        )
      ).message,
    ).toContain('is empty');
    // Declared bounds win over the name: an accuracy in percent.
    await releases.addCriterion(admin, system.id, {
      metric: 'accuracy',
      comparison: '>=',
      threshold: 90,
      dataset: 'pct',
      minValue: 0,
      maxValue: 100,
    });
    const measurements = [
      { metric: 'recall', dataset: 'holdout', value: 0.95 },
      { metric: 'latency', value: 80 },
      { metric: 'accuracy', dataset: 'pct', value: 93 },
    ];
    expect(
      (
        await refusal(
          async () =>
            await releases.request(requester, {
              ...request(system.id, 0.95, 80),
              measurements: [...measurements, { metric: 'quality_score', dataset: 'audit', value: 101 }],
            }),
        )
      ).details.fieldErrors,
    ).toEqual({ 'measurements.3': '101 is not a possible quality_score: it must be in [0, 100].' });
    expect(
      (
        await releases.request(requester, {
          ...request(system.id, 0.95, 80),
          measurements: [...measurements, { metric: 'quality_score', dataset: 'audit', value: 75 }],
        })
      ).created,
    ).toBe(true);
  });

  it('takes one value per criterion: a second one is an error at its field, not dropped', async () => {
    const { requester, system, releases } = await world();
    const twice = await refusal(
      async () =>
        await releases.request(requester, {
          ...request(system.id, 0.95, 90),
          measurements: [
            { metric: 'recall', dataset: 'holdout', value: 0.95 },
            { metric: 'latency', value: 90 },
            { metric: 'RECALL', dataset: 'Holdout', value: 0.41 },
          ],
        }),
    );
    expect(twice.details.fieldErrors).toEqual({ 'measurements.2': 'A second value for recall on holdout: give one value per criterion.' });
  });

  it('cleans versions, metric and dataset names of invisible characters before matching and uniqueness', async () => {
    const { requester, system, releases } = await world();
    const { release } = await releases.request(requester, {
      ...request(system.id, 0.95, 90),
      version: '1.0.0\u200b',
      measurements: [
        { metric: 're\u200dcall', dataset: '\u202aholdout\u202c', value: 0.95 },
        { metric: 'latency', value: 90 },
      ],
    });
    expect(release.version).toBe('1.0.0');
    expect(
      (await refusal(async () => await releases.request(requester, { ...request(system.id, 0.95, 90), version: '\u20661.0.0\u2069' })))
        .details.fieldErrors,
    ).toEqual({ version: 'Scorer 1.0.0 already has a pending request (REL-1).' });
  });

  it('an edit with no change keeps the approvals, the content hash and writes no audit event', async () => {
    const { requester, app1, system, releases } = await world();
    const raw = request(system.id, 0.95, 90);
    const { release } = await releases.request(requester, raw);
    await releases.decide(app1, release.id, 'approve');
    const events = async () => await sqlOf(store!).count('audit_events', 'subject = ?', `release:${release.id}`);
    const before = await events();
    const same = await releases.edit(requester, release.id, raw);
    expect(same).toMatchObject({ changed: false, droppedApprovers: [] });
    expect(same.release.contentHash).toBe(release.contentHash);
    expect(await events()).toEqual(before);
    expect((await releases.details(requester.workspaceId, release.id)).approvals).toBe(1);
    const changed = await releases.edit(requester, release.id, { ...raw, whatChanged: 'Something else.' });
    expect(changed).toMatchObject({ changed: true, droppedApprovers: [app1.personId] });
  });
});
