import { afterEach, describe, expect, it } from 'vitest';
import { evidenceSourcesOf, outboxLabelsOf, statusSourcesOf } from '../../src/chat/feature.ts';
import type { Clock } from '../../src/core/clock.ts';
import { RoleService } from '../../src/core/role-service.ts';
import { StatusService, type StatusSummary } from '../../src/core/status-service.ts';
import { AiSystemService } from '../../src/features/ai-systems/service.ts';
import { IncidentService } from '../../src/features/incidents/service.ts';
import { features } from '../../src/features/index.ts';
import { ReviewService } from '../../src/features/reviews/service.ts';
import { TrainingService } from '../../src/features/training/service.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { scorerWorkspace } from '../helpers/scorer-workspace.ts';
import { openTestStore, STORE_KINDS } from '../helpers/store-kinds.ts';
import { directoryFor } from '../helpers/test-store.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

/** A clock the test moves: status must notice the day turning and windows ageing with no write at all. */
function movableClock(at: string): Clock & { set(at: string): void } {
  let now = new Date(at);
  return { now: () => new Date(now), set: (next) => (now = new Date(next)) };
}

const field = (summary: StatusSummary, section: string, label: string): string | undefined =>
  summary.sections.find((s) => s.title === section)?.fields.find((f) => f.label === label || f.label.startsWith(`${label} (`))?.value;

async function world() {
  store = await openTestStore();
  const clock = movableClock('2026-11-22T10:00:00.000Z');
  const scorer = await scorerWorkspace(store, [{ metric: 'recall', comparison: '>=', threshold: 0.9, dataset: 'holdout' }], clock);
  const status = new StatusService(store, clock, 'UTC', evidenceSourcesOf(features), statusSourcesOf(features), outboxLabelsOf(features));
  return {
    ...scorer,
    clock,
    status,
    incidents: new IncidentService(store, clock),
    training: new TrainingService(store, clock, 'UTC'),
    reviews: new ReviewService(store, clock, 'UTC'),
    systems: new AiSystemService(store, clock),
    roles: new RoleService(store, clock),
  };
}

describe.each(STORE_KINDS)('the status snapshot on %s', () => {
  it('every change of every area shows in the very next status, though the workspace part is kept between them', async () => {
    const w = await world();
    const { admin, requester, app1, member } = w.people;
    const ask = async () => await w.status.summarize(admin.workspaceId);
    const first = await ask();
    // Nothing changed: the kept part is served again, with the instant of this status.
    expect(await ask()).toEqual(first);

    await w.incidents.report(admin, {
      aiSystemId: w.system.id,
      title: 'Drift',
      description: 'It drifted.',
      severity: 'S2',
      type: 'model-drift',
      detectedAt: '2026-11-22T09:00:00Z',
      affected: 'Users',
    });
    expect(field(await ask(), 'Incidents', 'Open by severity')).toBe('0 S1, 1 S2, 0 S3, 0 S4');
    expect(field(await ask(), 'Incidents', 'Last 30 days')).toBe('1 opened, 0 closed');

    await w.releases.request(requester, {
      aiSystemId: w.system.id,
      version: '2.0.0',
      changeType: 'retrain',
      whatChanged: 'w',
      measurements: [{ metric: 'recall', dataset: 'holdout', value: 0.95 }],
      risks: 'r',
    });
    expect(field(await ask(), 'Release sign-off', 'Pending')).toMatch(/^REL-\d+ Scorer 2\.0\.0, under an hour$/);

    await w.systems.add(admin, {
      name: 'Ranker',
      description: 'd',
      purpose: 'p',
      ownerPersonId: member.personId,
      euRiskLevel: 'limited',
      internalTier: 'tier-2',
      stage: 'development',
      provider: 'in-house',
    });
    const afterSystem = await ask();
    expect(field(afterSystem, 'AI system inventory', 'In development')).toBe('1');
    expect(field(afterSystem, 'AI system inventory', 'Active by EU AI Act risk')).toBe('0 prohibited, 1 high, 1 limited, 0 minimal');
    expect(afterSystem.activeSystems).toBe(2);

    const course = await w.training.addCourse(admin, { name: 'Basics', description: 'd', requiredRoles: [], renewalMonths: 12 });
    const required = field(await ask(), 'Training', 'Required training done');
    expect(required).toMatch(/^0% \(0 of \d+\)$/);
    await w.training.selfAttest(member, { courseId: course.id, date: '2026-11-21' });
    expect(field(await ask(), 'Training', 'Required training done')).toMatch(/^\d+% \(1 of \d+\)$/);

    const review = await w.reviews.add(admin, {
      kind: 'drift-review',
      ownerPersonId: admin.personId,
      cadenceDays: 30,
      nextDue: '2026-11-24',
    });
    expect(field(await ask(), 'Reviews', 'Due this week')).toBe('1 drift review');

    await w.roles.grant(admin, member.personId, 'leadership');
    expect((await ask()).roles.leadership.map((holder) => holder.personId)).toEqual([member.personId]);
    expect((await ask()).audit.workspaceEvents).toBeGreaterThan(first.audit.workspaceEvents);
    expect((await ask()).audit.head?.sequence).toBeGreaterThan(first.audit.head?.sequence ?? 0);

    // The day turning changes overdue with no write: the review falls due on the 24th, overdue on the 25th.
    w.clock.set('2026-11-25T10:00:00.000Z');
    expect(field(await ask(), 'Reviews', 'Overdue')).toBe('1 drift review');
    expect(field(await ask(), 'Reviews', 'Due this week')).toBe('none');
    void review;
    // Ages read in hours and days move on; a 30-day window lets its earliest record go.
    expect(field(await ask(), 'Release sign-off', 'Pending')).toMatch(/, 3 days$/);
    w.clock.set('2026-12-23T10:00:00.000Z');
    expect(field(await ask(), 'Incidents', 'Last 30 days')).toBe('0 opened, 0 closed');

    // The per-person part is read for whoever asks: an approver sees what waits on them, the requester does not.
    expect(field(await w.status.summarize(admin.workspaceId, app1.personId), 'Release sign-off', 'Waiting on your approval')).toBe('1');
    expect(field(await w.status.summarize(admin.workspaceId, requester.personId), 'Release sign-off', 'Waiting on your approval')).toBe(
      undefined,
    );
    const pending = (await w.releases.list(admin.workspaceId, { statuses: ['pending'] })).items[0];
    await w.releases.decide(app1, pending?.id ?? 0, 'approve');
    expect(field(await w.status.summarize(admin.workspaceId, app1.personId), 'Release sign-off', 'Waiting on your approval')).toBe('0');
  });

  it('keeps the snapshots of the 256 workspaces asked most recently, and forgets on request', async () => {
    const w = await world();
    const directory = directoryFor(store!, {}, w.clock);
    const ids: number[] = [];
    for (let i = 0; i < 260; i += 1)
      ids.push(
        (await directory.contact({ platform: 'slack', workspaceExternalId: `TW${i}`, userExternalId: 'U1', displayName: 'u' })).workspace
          .id,
      );
    for (const id of ids) expect((await w.status.summarize(id)).people).toBe(1);
    expect(w.status.keptSnapshots).toBe(256);
    w.status.forget(ids[259]);
    expect(w.status.keptSnapshots).toBe(255);
    w.status.forget();
    expect(w.status.keptSnapshots).toBe(0);
  });
});
