import { afterEach, describe, expect, it } from 'vitest';
import { actorOf } from '../../../src/core/actor.ts';
import { RoleService } from '../../../src/core/role-service.ts';
import { RiskService } from '../../../src/features/risks/service.ts';
import type { GovernanceStore } from '../../../src/store/governance-store.ts';
import { refusal } from '../../helpers/refusal.ts';
import { scorerWorkspace } from '../../helpers/scorer-workspace.ts';
import { openTestStore } from '../../helpers/store-kinds.ts';
import { directoryFor } from '../../helpers/test-store.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function world() {
  store = await openTestStore();
  const w = await scorerWorkspace(store, []);
  return { ...w, risks: new RiskService(store, w.clock), store };
}

const risk = (ownerPersonId: number, extra: Record<string, unknown> = {}) => ({
  title: 'Unfair declines for thin-file applicants',
  description: 'Applicants with short histories are scored as high risk.',
  systemIds: [],
  category: 'fairness',
  phase: 'operation',
  ownerPersonId,
  inherentLikelihood: 4,
  inherentImpact: 5,
  treatment: 'mitigate',
  plan: 'Reweigh the training set; monitor approval rates by segment.',
  controls: ['A.6.2.6'],
  residualLikelihood: 4,
  residualImpact: 5,
  reviewEveryDays: 90,
  ...extra,
});

describe('RiskService', () => {
  it('refuses at the field: a level outside 1-5, a control not in Annex A, accept of a critical residual without an acceptance, an owner of another workspace', async () => {
    const { people, risks, clock, store } = await world();
    const { admin } = people;
    expect(
      (await refusal(async () => await risks.add(admin, risk(admin.personId, { inherentLikelihood: 6 })))).details.fieldErrors,
    ).toEqual({
      inherentLikelihood: 'The inherent likelihood must be from 1 to 5.',
    });
    expect((await refusal(async () => await risks.add(admin, risk(admin.personId, { residualImpact: 0 })))).details.fieldErrors).toEqual({
      residualImpact: 'The residual impact must be from 1 to 5.',
    });
    expect(
      (await refusal(async () => await risks.add(admin, risk(admin.personId, { controls: ['A.6.2.6', 'A.99'] })))).details.fieldErrors,
    ).toEqual({
      controls: 'A.99 is not a control of Annex A (e.g. A.6.2.6).',
    });
    expect((await refusal(async () => await risks.add(admin, risk(admin.personId, { treatment: 'accept' })))).details.fieldErrors).toEqual({
      treatment:
        'A critical residual risk is accepted only with an acceptance: give the acceptance rationale (the owner and approvers then sign it), or treat it otherwise.',
    });
    // Someone of another workspace is not a person of this one, as risk owner or as action owner.
    const elsewhere = actorOf(
      await directoryFor(store, {}, clock).contact({
        platform: 'slack',
        workspaceExternalId: 'T2',
        userExternalId: 'UOTHER',
        displayName: 'other',
      }),
    );
    expect(
      (
        await refusal(
          async () =>
            await risks.add(
              admin,
              risk(elsewhere.personId, { actions: [{ title: 'Fix', ownerPersonId: elsewhere.personId, dueDate: '2027-01-10' }] }),
            ),
        )
      ).details.fieldErrors,
    ).toEqual({
      ownerPersonId: 'The risk owner must be a person of this workspace.',
      'actions.0.ownerPersonId': 'The owner of the action must be a person of this workspace.',
    });
    expect(await sqlOf(store).count('risks')).toBe(0);
    // Nothing of one workspace in the other: R-1 of T1 is not there for T2.
    await risks.add(admin, risk(admin.personId, { treatment: 'accept', acceptanceRationale: 'Business need.' }));
    expect((await refusal(async () => await risks.details(elsewhere.workspaceId, 1))).message).toBe('There is no R-1 in this workspace.');
    expect(await risks.list(elsewhere)).toEqual([]);
  });

  it('acceptance: the owner and N distinct approvers, never the last editor, each with the content hash; a material change drops them', async () => {
    const { people, risks, meet, store, clock } = await world();
    const { admin, app1, app2, member } = people;
    const owner = await meet('UREQ');
    const { risk: r } = await risks.add(app1, risk(owner.personId));
    expect(r).toMatchObject({ number: 1, inherentLevel: 'critical', residualLevel: 'critical', acceptance: 'pending', approvalsNeeded: 2 });
    // app1 last edited it: app1 may not accept; a member is no approver.
    expect((await refusal(async () => await risks.accept(app1, 1))).message).toBe(
      'You last edited R-1, so you cannot accept it: another approver must.',
    );
    expect((await refusal(async () => await risks.accept(member, 1))).message).toBe(
      'Only the risk owner and approvers can accept a residual risk.',
    );
    // A stale card (an older hash) cannot sign.
    expect((await refusal(async () => await risks.accept(owner, 1, 'feed'))).code).toBe('conflict');
    expect(await risks.accept(owner, 1, r.contentHash)).toMatchObject({ changed: true, accepted: false });
    expect(await risks.accept(owner, 1)).toMatchObject({ changed: false });
    expect(await risks.accept(app2, 1)).toMatchObject({ changed: true, accepted: false });
    const admin2 = await meet('UADMIN');
    // The admin is no approver yet: granted, met again, accepts.
    expect((await refusal(async () => await risks.accept(admin2, 1))).code).toBe('forbidden');
    await new RoleService(store, clock).grant(admin, admin.personId, 'approver');
    expect(await risks.accept(await meet('UADMIN'), 1)).toMatchObject({ accepted: true });
    const hashes = await sqlOf(store).all<{ hash: string }>(
      'SELECT content_hash AS hash FROM risk_decisions WHERE risk_id = ? AND active',
      r.id,
    );
    expect(hashes.map((h) => h.hash)).toEqual([r.contentHash, r.contentHash, r.contentHash]);
    // A change of the title is not material: the acceptance stands.
    expect(await risks.edit(owner, 1, risk(owner.personId, { title: 'Unfair declines (thin files)' }))).toMatchObject({
      material: false,
      dropped: [],
    });
    expect((await risks.details(admin.workspaceId, 1)).risk.acceptance).toBe('accepted');
    // The impact is: every acceptance is dropped and asked again.
    const edited = await risks.edit(owner, 1, risk(owner.personId, { title: 'Unfair declines (thin files)', residualImpact: 4 }));
    expect(edited).toMatchObject({ material: true, risk: { residualLevel: 'high', acceptance: 'pending' } });
    expect(edited.dropped.sort()).toEqual([owner.personId, app2.personId, admin.personId].sort());
    expect(await sqlOf(store).count('risk_decisions', 'active')).toBe(0);
    expect(await risks.risksByControl(admin.workspaceId)).toEqual(new Map([['A.6.2.6', ['R-1']]]));
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
  });
});
