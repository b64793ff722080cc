import { afterEach, describe, expect, it } from 'vitest';
import { IncidentService } from '../../../src/features/incidents/service.ts';
import { lastPeriods, offTargetOn, periodOf, sparkline } from '../../../src/features/objectives/domain.ts';
import { trendWeeks } from '../../../src/core/charts/trend-source.ts';
import { objectivesFeature } from '../../../src/features/objectives/feature.ts';
import { numberFrom } from '../../../src/features/objectives/input.ts';
import { ObjectiveService } from '../../../src/features/objectives/service.ts';
import type { GovernanceStore } from '../../../src/store/governance-store.ts';
import { refusal } from '../../helpers/refusal.ts';
import { scorerWorkspace } from '../../helpers/scorer-workspace.ts';
import { movableClock } from '../../helpers/start-test-app.ts';
import { openTestStore } from '../../helpers/store-kinds.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const objective = (ownerPersonId: number, extra: Record<string, unknown> = {}) => ({
  name: 'S1 acknowledgement',
  metric: 'hours to acknowledge an S1',
  direction: 'at-most',
  target: 1,
  cadence: 'monthly',
  source: 's1-acknowledgement-hours',
  ownerPersonId,
  ...extra,
});

describe('objectives: periods, trend and numbers', () => {
  it('names the period of a day per cadence, lists the last 12, draws the sparkline', () => {
    expect(periodOf('weekly', '2026-11-22')).toBe('2026-W47');
    expect(periodOf('weekly', '2027-01-01')).toBe('2026-W53');
    expect(periodOf('monthly', '2026-11-22')).toBe('2026-11');
    expect(periodOf('quarterly', '2026-11-22')).toBe('2026-Q4');
    expect(lastPeriods('quarterly', '2026-11-22', 5)).toEqual(['2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
    expect(lastPeriods('monthly', '2026-03-31', 4)).toEqual(['2025-12', '2026-01', '2026-02', '2026-03']);
    expect(lastPeriods('weekly', '2026-11-22', 3)).toEqual(['2026-W45', '2026-W46', '2026-W47']);
    expect(sparkline([1, undefined, 2, 3, 4, 5, 6, 7, 8])).toBe('▁·▂▃▄▅▆▇█');
    expect(sparkline([5, 5])).toBe('▄▄');
    expect([numberFrom('0.93'), numberFrom(' 95 % '), numberFrom('1,5'), numberFrom('')]).toEqual([0.93, 95, 1.5, undefined]);
    expect(numberFrom('high')).toBeNaN();
    expect(numberFrom('0x10')).toBeNaN();
  });
});

describe('ObjectiveService', () => {
  it('refuses at the field: a target that is not a number, a name taken, an owner of another workspace; nothing written', async () => {
    store = await openTestStore();
    const w = await scorerWorkspace(store, []);
    const objectives = new ObjectiveService(store, w.clock, 'UTC');
    const { admin } = w.people;
    expect(
      (await refusal(async () => await objectives.add(admin, objective(admin.personId, { target: Number.NaN })))).details.fieldErrors,
    ).toEqual({
      target: 'The target must be a number (e.g. 0.92, 95 or 1).',
    });
    expect(
      (await refusal(async () => await objectives.add(admin, objective(admin.personId, { target: '1' })))).details.fieldErrors,
    ).toEqual({
      target: 'The target must be a number (e.g. 0.92, 95 or 1).',
    });
    expect((await refusal(async () => await objectives.add(admin, objective(99_999)))).details.fieldErrors).toEqual({
      ownerPersonId: 'The owner must be a person of this workspace.',
    });
    await objectives.add(admin, objective(admin.personId));
    expect(
      (await refusal(async () => await objectives.add(admin, objective(admin.personId, { name: ' s1  ACKNOWLEDGEMENT ' })))).details
        .fieldErrors,
    ).toEqual({
      name: 'OBJ-1 is already called “S1 acknowledgement”: choose another name.',
    });
    expect(await sqlOf(store).count('objectives')).toBe(1);
  });

  it('computes the slowest S1 acknowledgement from incidents: off target queues the owner’s message; a second run the same day records nothing; review inputs list it under monitoring', async () => {
    store = await openTestStore();
    const clock = movableClock('2026-11-20T08:00:00.000Z');
    const w = await scorerWorkspace(store, [], clock);
    const objectives = new ObjectiveService(store, clock, 'UTC');
    const incidents = new IncidentService(store, clock);
    const { admin, member } = w.people;
    const { objective: s1 } = await objectives.add(admin, objective(member.personId));
    const { incident } = await incidents.report(admin, {
      aiSystemId: w.system.id,
      title: 'Scorer blocks all card payments',
      description: 'Every payment scored as fraud.',
      severity: 'S1',
      type: 'malfunction',
      detectedAt: '2026-11-20T07:55:00.000Z',
      affected: 'All card customers',
    });
    clock.set('2026-11-20T10:30:00.000Z');
    await incidents.transition(member, incident.number, 'acknowledge');
    const recorded = await objectives.computeReadings(admin.workspaceId, new Date('2026-11-21T09:00:00.000Z'));
    expect(recorded.map(({ reading }) => [reading.value, reading.onTarget, reading.channel, reading.date])).toEqual([
      [2.5, false, 'bot', '2026-11-21'],
    ]);
    expect(await objectives.computeReadings(admin.workspaceId, new Date('2026-11-21T17:00:00.000Z'))).toEqual([]);
    const sql = sqlOf(store);
    expect(await sql.count('objective_readings')).toBe(1);
    expect(await sql.all("SELECT kind, target, detail FROM outbox_messages WHERE subject LIKE 'objective-reading:%'")).toEqual([
      { kind: 'direct', target: String(member.personId), detail: 'objective.off-target' },
    ]);
    // The owner explains it; a member who does not own it may not.
    const readingId = recorded[0]!.reading.id;
    expect((await refusal(async () => await objectives.explain(admin, readingId, { explanation: '' }))).details.fieldErrors).toEqual({
      explanation: 'The explanation is required.',
    });
    await objectives.explain(member, readingId, { explanation: 'Paged the wrong rota.' });
    const items = await store.read(
      async (repos) => await objectivesFeature.reviewInputs!.items(repos, admin.workspaceId, { until: '2026-12-01T00:00:00.000Z' }),
    );
    expect(items).toEqual([
      {
        section: 'monitoring',
        ref: `OBJ-${s1.number}`,
        text: 'OBJ-1 S1 acknowledgement (hours to acknowledge an S1 ≤ 1): 1 reading(s), 0 on target, 1 off target (1 explained); last 2.5 on 2026-11-21',
      },
    ]);
    expect(
      await store.read(
        async (repos) =>
          await objectivesFeature.reviewInputs!.items(repos, admin.workspaceId, {
            since: '2026-11-22T00:00:00.000Z',
            until: '2026-12-01T00:00:00.000Z',
          }),
      ),
    ).toEqual([]);
    // The digest's trend chart: off target from the week the reading fell in; no point before any reading.
    const weeks = trendWeeks('2026-11-28', new Date('2026-11-28T12:00:00.000Z'), 3);
    const series = await store.read(async (repos) => await objectivesFeature.trend!.series(repos, admin.workspaceId, weeks));
    expect(series.map(({ key, values }) => ({ key, values }))).toEqual([{ key: 'objectives-off-target', values: [null, 1, 1] }]);
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
  });
});

describe('objectives off target on a day (the trend chart)', () => {
  it('counts the objectives whose latest reading by that day is off target', () => {
    const readings = [
      { id: 1, objectiveId: 1, date: '2026-11-02', onTarget: false },
      { id: 2, objectiveId: 2, date: '2026-11-03', onTarget: false },
      { id: 3, objectiveId: 1, date: '2026-11-09', onTarget: true },
      { id: 4, objectiveId: 2, date: '2026-11-09', onTarget: false },
      { id: 5, objectiveId: 2, date: '2026-11-09', onTarget: true },
    ];
    expect(offTargetOn(readings, '2026-11-01')).toBeNull();
    expect(offTargetOn(readings, '2026-11-02')).toBe(1);
    expect(offTargetOn(readings, '2026-11-08')).toBe(2);
    // The later reading of a day wins: objective 2 was put back on target the same day.
    expect(offTargetOn(readings, '2026-11-09')).toBe(0);
  });
});
