import { nudgeSourcesOf } from '../../src/chat/feature.ts';
import { features } from '../../src/features/index.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { actorOf, type Actor } from '../../src/core/actor.ts';
import { AiSystemService } from '../../src/features/ai-systems/service.ts';
import { IncidentService } from '../../src/features/incidents/service.ts';
import { calendarDate, isCalendarDate } from '../../src/core/input/calendar-date.ts';
import { cleanText } from '../../src/core/input/clean-text.ts';
import { defaultDomain } from '../../src/features/releases/domain.ts';
import { ReviewService } from '../../src/features/reviews/service.ts';
import { RoleService } from '../../src/core/role-service.ts';
import { NudgeService } from '../../src/core/scheduling/nudge-service.ts';
import { TrainingService } from '../../src/features/training/service.ts';
import { zonedToUtc } from '../../src/core/zoned-time.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { openTestStore, STORE_KINDS, type StoreKind } from '../helpers/store-kinds.ts';
import { refusal } from '../helpers/refusal.ts';
import { directoryFor, testClock } from '../helpers/test-store.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function world(kind: StoreKind) {
  store = await openTestStore(kind);
  const directory = directoryFor(store, { seedAdmins: [{ platform: 'slack', userId: 'UADMIN' }] });
  const meet = async (user: string): Promise<Actor> =>
    actorOf(
      await directory.contact({ platform: 'slack', workspaceExternalId: 'T1', userExternalId: user, displayName: user.toLowerCase() }),
    );
  const clock = testClock(); // 2026-11-22
  const admin = await meet('UADMIN');
  const systems = new AiSystemService(store, clock);
  const { system } = await systems.add(admin, {
    name: 'Fraud Scorer',
    description: 'd',
    purpose: 'p',
    ownerPersonId: (await meet('UOWNER')).personId,
    euRiskLevel: 'high',
    internalTier: 'tier-1',
    stage: 'production',
    provider: 'in-house',
  });
  return {
    store,
    meet,
    admin,
    owner: await meet('UOWNER'),
    member: await meet('UMEMBER'),
    system,
    systems,
    roles: new RoleService(store, clock),
    incidents: new IncidentService(store, clock),
    training: new TrainingService(store, clock, 'UTC'),
    reviews: new ReviewService(store, clock, 'UTC'),
    nudges: new NudgeService(store, clock, 'UTC', nudgeSourcesOf(features)),
  };
}

describe.each(STORE_KINDS)('input rules on %s', (kind) => {
  it('takes real calendar days only', () => {
    expect(['2024-02-29', '2026-12-31'].map(isCalendarDate)).toEqual([true, true]);
    expect(['2025-02-30', '2025-99-99', '2025-00-10', '2025-2-3', ''].map(isCalendarDate)).toEqual([false, false, false, false, false]);
    expect(calendarDate('Give the date.', 'Give the date as YYYY-MM-DD.').safeParse('2025-02-30').error?.issues[0]?.message).toBe(
      '2025-02-30 is not a day on the calendar. Give the date as YYYY-MM-DD.',
    );
    expect(zonedToUtc('2025-02-30', '10:00', 'UTC')).toBeUndefined();
    expect(zonedToUtc('2025-02-28', '25:00', 'UTC')).toBeUndefined();
  });

  it('NFC-normalises and strips zero-width and bidi controls', () => {
    expect(cleanText('Fraud\u200bScorer\u200c\u200d\u2060\ufeff')).toBe('FraudScorer');
    expect(cleanText('\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069v1')).toBe('v1');
    expect(cleanText('Cafe\u0301')).toBe('Café');
  });

  it('gives metrics a domain by their name', () => {
    for (const metric of ['recall', 'Precision', 'accuracy', 'f1_macro', 'roc_auc', 'AUC', 'false_positive_rate', 'specificity'])
      expect(defaultDomain(metric), metric).toMatchObject({ min: 0, max: 1 });
    for (const metric of ['latency', 'latency_p95', 'duration_ms', 'inference-time'])
      expect(defaultDomain(metric), metric).toMatchObject({ min: 0, max: null });
    expect(defaultDomain('rmse')).toBeUndefined();
  });

  it('refuses AI system and course names that differ only by invisible characters', async () => {
    const { admin, owner, systems, training } = await world(kind);
    const twin = {
      name: 'Fraud\u200bScorer',
      description: 'd',
      purpose: 'p',
      ownerPersonId: owner.personId,
      euRiskLevel: 'high',
      internalTier: 'tier-1',
      stage: 'production',
      provider: 'in-house',
    };
    expect((await refusal(async () => await systems.add(admin, twin))).details.fieldErrors).toEqual({
      name: 'An AI system named “Fraud Scorer” already exists in this workspace.',
    });
    expect((await systems.find(admin.workspaceId, 'fraud\u2066 scorer')).name).toBe('Fraud Scorer');
    await training.addCourse(admin, { name: 'AI Policy', description: 'd', requiredRoles: [], renewalMonths: 12 });
    expect(
      (
        await refusal(
          async () =>
            await training.addCourse(admin, { name: 'AI\u200b Policy\u202e', description: 'd', requiredRoles: [], renewalMonths: 12 }),
        )
      ).details.fieldErrors,
    ).toEqual({ name: 'A course named “AI Policy” already exists.' });
    expect((await refusal(async () => await training.selfAttest(admin, { courseId: 1, date: '2025-99-99' }))).message).toBe(
      '2025-99-99 is not a day on the calendar. Give the date as YYYY-MM-DD.',
    );
  });
});

describe.each(STORE_KINDS)('escalation and snoozes on %s', (kind) => {
  it('a snoozed item stays out of its owner’s nudge but is still escalated to admins and leadership', async () => {
    const { admin, owner, reviews, nudges } = await world(kind);
    const review = await reviews.add(admin, { kind: 'bias-review', ownerPersonId: owner.personId, cadenceDays: 90, nextDue: '2026-10-23' });
    await nudges.snooze(owner, `review:${review.id}`, 1);
    const plan = await nudges.plan(admin.workspaceId);
    expect(plan.people.map((entry) => entry.person.id)).not.toContain(owner.personId);
    expect(plan.toAdmins.map((entry) => [entry.person.id, entry.item.key, entry.item.daysOverdue])).toEqual([
      [owner.personId, `review:${review.id}`, 30],
    ]);
    expect(plan.toLeadership.map((entry) => entry.item.key)).toEqual([`review:${review.id}`]);
  });

  it('a replayed review submission (same key) creates one schedule', async () => {
    const { admin, owner, reviews } = await world(kind);
    const raw = { kind: 'internal-audit', ownerPersonId: owner.personId, cadenceDays: 365, nextDue: '2026-12-01' };
    const first = await reviews.add(admin, raw, 'form:slack:view:V1');
    expect(await reviews.add(admin, raw, 'form:slack:view:V1')).toEqual(first);
    expect(await reviews.list(admin.workspaceId)).toHaveLength(1);
  });
});

describe.each(STORE_KINDS)('permissions on %s', (kind) => {
  const report = (aiSystemId: number) => ({
    aiSystemId,
    title: 't',
    description: 'd',
    severity: 'S1',
    type: 'malfunction',
    detectedAt: '2026-11-22T09:00:00Z',
    affected: 'a',
  });

  it('acknowledging records the responder and keeps the owner; only the owner or an admin moves it on or reassigns it', async () => {
    const { admin, owner, member, system, incidents } = await world(kind);
    const { incident } = await incidents.report(member, report(system.id));
    expect(
      (await refusal(async () => await incidents.transition(member, incident.number, 'acknowledge', { ownerPersonId: member.personId })))
        .details.fieldErrors?.owner,
    ).toContain('Only the owner of INC-1 or an admin can reassign it. The owner is uowner. Admins: uadmin.');
    const acked = (await incidents.transition(member, incident.number, 'acknowledge')).incident;
    expect([acked.ownerPersonId, acked.responderPersonId]).toEqual([owner.personId, member.personId]);
    expect((await refusal(async () => await incidents.transition(member, incident.number, 'mitigate'))).code).toBe('forbidden');
    expect((await refusal(async () => await incidents.assign(member, incident.number, member.personId))).message).toBe(
      'Only the owner of INC-1 or an admin can reassign it.',
    );
    expect(await incidents.assign(admin, incident.number, member.personId)).toMatchObject({
      changed: true,
      incident: { ownerPersonId: member.personId },
    });
    expect((await incidents.transition(member, incident.number, 'mitigate')).changed).toBe(true);
  });

  it('a member records training for themselves only; an admin or a trainer records it for others', async () => {
    const { admin, member, meet, roles, training } = await world(kind);
    const course = await training.addCourse(admin, { name: 'AI Policy', description: 'd', requiredRoles: [], renewalMonths: 12 });
    const session = (attendees: number[]) => ({ courseId: course.id, date: '2026-11-20', trainer: 'T', attendeePersonIds: attendees });
    const refused = await refusal(async () => await training.recordSession(member, session([admin.personId, member.personId])));
    expect(refused.code).toBe('forbidden');
    expect(refused.details.hint).toContain('Admins: uadmin.');
    expect((await training.recordSession(member, session([member.personId]))).recorded).toEqual([member.personId]);
    await roles.grant(admin, (await meet('UTRAINER')).personId, 'trainer');
    const trainer = await meet('UTRAINER');
    expect((await refusal(async () => await training.recordSession(member, session([admin.personId])))).details.hint).toContain(
      'Trainers: utrainer.',
    );
    expect((await training.recordSession(trainer, session([admin.personId]))).recorded).toEqual([admin.personId]);
  });
});
