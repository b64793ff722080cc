import { afterEach, describe, expect, it } from 'vitest';
import { seedLargeStore } from '../../scripts/bench/seed-large-store.ts';
import { trendSourcesOf } from '../../src/chat/feature.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { TrendService } from '../../src/core/charts/trend-service.ts';
import { features } from '../../src/features/index.ts';
import { isRequired, trainingState } from '../../src/features/training/domain.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { openTestStore, STORE_KINDS } from '../helpers/store-kinds.ts';
import { sqlOf } from '../helpers/test-sql.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const NOW = '2026-11-23T09:00:00.000Z';
const DAY = 86_400_000;
type Row = Record<string, unknown>;
const str = (row: Row | undefined, key: string): string => String(row?.[key] ?? '');
const num = (row: Row | undefined, key: string): number => Number(row?.[key] ?? 0);

describe.each(STORE_KINDS)('the trend chart’s figures against a plain recount on %s', () => {
  it('every week’s incidents opened and closed, overdue actions and training completion equal the rows counted one by one', async () => {
    store = await openTestStore();
    const seeded = await seedLargeStore(store, {
      now: new Date(NOW),
      people: 60,
      aiSystems: 20,
      incidents: 600,
      correctiveActions: 120,
      releases: 10,
      reviews: 10,
      courses: 4,
      trainingCompletions: 1500,
      auditEvents: 1000,
      otherWorkspaces: 2,
    });
    const ws = seeded.workspaceId;
    const trends = new TrendService(store, fixedClock(NOW), 'UTC', trendSourcesOf(features));
    const data = await trends.data(ws);
    const db = sqlOf(store);
    const rows = async (table: string) => await db.all<Row>(`SELECT * FROM ${table} WHERE workspace_id = ? ORDER BY id`, ws);

    // The twelve weeks, counted here on their own: week i ends (11 - i) weeks before the digest's moment.
    const weeks = Array.from({ length: 12 }, (_, i) => {
      const end = Date.parse(NOW) - (11 - i) * 7 * DAY;
      return {
        start: new Date(end - 7 * DAY).toISOString(),
        end: new Date(end).toISOString(),
        lastDay: new Date(end).toISOString().slice(0, 10),
      };
    });
    expect(data.weeks).toHaveLength(12);
    expect(data.weeks.at(-1)).toBe('W48');
    const series = (key: string) => data.series.find((s) => s.key === key)?.values;
    expect(data.series.map((s) => s.key)).toEqual(['incidents-opened', 'incidents-closed', 'overdue', 'training-completion']);

    const incidents = await rows('incidents');
    const within = (at: unknown, week: { start: string; end: string }) => typeof at === 'string' && at >= week.start && at < week.end;
    const opened = weeks.map((week) => incidents.filter((i) => within(i.created_at, week)).length);
    const closed = weeks.map((week) => incidents.filter((i) => within(i.closed_at, week)).length);
    expect(series('incidents-opened')).toEqual(opened);
    expect(series('incidents-closed')).toEqual(closed);
    // Incidents in more than one week, so the weeks are told apart (not one total repeated).
    expect(opened.filter((n) => n > 0).length).toBeGreaterThan(1);
    expect(new Set(opened).size).toBeGreaterThan(1);

    const actions = await rows('corrective_actions');
    const overdue = weeks.map(
      (week) =>
        actions.filter(
          (a) =>
            str(a, 'due_date') < week.lastDay && str(a, 'created_at') < week.end && (a.done_at === null || str(a, 'done_at') >= week.end),
        ).length,
    );
    expect(series('overdue')).toEqual(overdue);
    expect(overdue.some((n) => n > 0)).toBe(true);

    // Training, as trainingReport judges it, on each week's last day: the latest completion per person and course.
    const people = await rows('people');
    const roles = await rows('role_assignments');
    const completions = await rows('training_completions');
    const courses = (await rows('courses')).filter((c) => c.status !== 'retired');
    const completion = weeks.map(({ lastDay }) => {
      let required = 0;
      let valid = 0;
      for (const course of courses) {
        const requiredRoles = (
          typeof course.required_roles === 'string' ? JSON.parse(course.required_roles) : course.required_roles
        ) as string[];
        for (const person of people) {
          const held = roles.filter((r) => num(r, 'person_id') === num(person, 'id')).map((r) => str(r, 'role'));
          if (!isRequired({ requiredRoles: requiredRoles as never }, held)) continue;
          required += 1;
          const latest = completions
            .filter(
              (c) => num(c, 'course_id') === num(course, 'id') && num(c, 'person_id') === num(person, 'id') && str(c, 'date') <= lastDay,
            )
            .map((c) => str(c, 'date'))
            .sort()
            .pop();
          const { state } = trainingState(latest, course.renewal_months === null ? null : num(course, 'renewal_months'), lastDay);
          if (state === 'valid' || state === 'due-soon') valid += 1;
        }
      }
      return required === 0 ? null : Math.round((valid / required) * 100);
    });
    expect(series('training-completion')).toEqual(completion);

    // Another workspace's chart counts its own rows only.
    const other = seeded.otherWorkspaceIds[0] as number;
    const theirs = await trends.data(other);
    const theirIncidents = await db.all<Row>('SELECT * FROM incidents WHERE workspace_id = ?', other);
    expect(theirs.series.find((s) => s.key === 'incidents-opened')?.values).toEqual(
      weeks.map((week) => theirIncidents.filter((i) => within(i.created_at, week)).length),
    );
  });

  it('series of the same key from two areas add up; a new key (objectives off target) is a new line', async () => {
    store = await openTestStore();
    const seeded = await seedLargeStore(store, {
      now: new Date(NOW),
      people: 5,
      aiSystems: 2,
      incidents: 20,
      correctiveActions: 10,
      releases: 1,
      reviews: 1,
      courses: 1,
      trainingCompletions: 5,
      auditEvents: 10,
      otherWorkspaces: 0,
    });
    const weeks = 3;
    const extra = {
      series: async () => [
        { key: 'overdue', label: 'Overdue items', unit: 'count' as const, shape: 'line' as const, values: [10, null, 30] },
        { key: 'objectives-off-target', label: 'Objectives off target', unit: 'count' as const, shape: 'line' as const, values: [1, 2, 3] },
      ],
    };
    const alone = await new TrendService(store, fixedClock(NOW), 'UTC', trendSourcesOf(features)).data(
      seeded.workspaceId,
      undefined,
      weeks,
    );
    const both = await new TrendService(store, fixedClock(NOW), 'UTC', [...trendSourcesOf(features), extra]).data(
      seeded.workspaceId,
      undefined,
      weeks,
    );
    const base = alone.series.find((s) => s.key === 'overdue')?.values ?? [];
    expect(alone.series.find((s) => s.key === 'overdue')?.label).toBe('Overdue corrective actions');
    expect(both.series.find((s) => s.key === 'overdue')?.label).toBe('Overdue items');
    expect(both.series.find((s) => s.key === 'overdue')?.values).toEqual([(base[0] ?? 0) + 10, base[1] ?? 0, (base[2] ?? 0) + 30]);
    expect(both.series.at(-1)).toMatchObject({ label: 'Objectives off target', values: [1, 2, 3] });
    expect(both.series).toHaveLength(alone.series.length + 1);
  });
});
