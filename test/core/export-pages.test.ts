import { afterEach, describe, expect, it } from 'vitest';
import { seedLargeStore } from '../../scripts/bench/seed-large-store.ts';
import { EXPORT_PAGE_SIZE } from '../../src/core/export/export-lookups.ts';
import type { ExportRow, ExportSource } from '../../src/core/export/export-source.ts';
import { features } from '../../src/features/index.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { allRows } from '../helpers/all-rows.ts';
import { openTestStore, STORE_KINDS } from '../helpers/store-kinds.ts';
import { sqlOf } from '../helpers/test-sql.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const NOW = new Date('2026-11-22T10:00:00.000Z');
const sources = features.flatMap((feature): ExportSource[] => (feature.export ? [feature.export] : []));
const sourceNamed = (name: string) => sources.find((source) => source.name === name) as ExportSource;

/** Every row of one export of the workspace, read with `pageSize` records a page, in one read unit. */
async function exported(source: ExportSource, workspaceId: number, pageSize?: number): Promise<ExportRow[]> {
  return await (store as GovernanceStore).read(
    async (repos) => await allRows(source.rows(repos, workspaceId, { now: NOW, ...(pageSize ? { pageSize } : {}) })),
  );
}

/** Fills the policies register through its repository: versions inserted out of (policy, version) order, approvals and asks. */
async function fillPolicies(workspaceId: number, personIds: number[]): Promise<void> {
  await (store as GovernanceStore).write(async (repos) => {
    const at = NOW.toISOString();
    const policies = [];
    for (let n = 1; n <= 3; n += 1)
      policies.push(
        await repos.policies.insert({
          workspaceId,
          number: n,
          name: `Policy ${n}`,
          nameKey: `policy ${n}`,
          ownerPersonId: personIds[0] as number,
          reviewScheduleId: null,
          createdAt: at,
          updatedAt: at,
        }),
      );
    for (let version = 1; version <= 3; version += 1)
      for (const policy of [...policies].reverse()) {
        const v = await repos.policies.insertVersion({
          workspaceId,
          policyId: policy.id,
          version,
          title: `${policy.name} v${version}`,
          effectiveDate: '2026-11-01',
          link: null,
          text: 't',
          changes: 'c',
          audience: 'everyone',
          status: 'published',
          approvalsNeeded: 1,
          contentHash: `h${policy.id}.${version}`,
          authorPersonId: personIds[0] as number,
          createdAt: at,
          approvedAt: at,
          publishedAt: at,
          publishedBy: personIds[0] as number,
        });
        await repos.policies.addApproval({
          versionId: v.id,
          personId: personIds[1] as number,
          decision: 'approve',
          contentHash: v.contentHash,
          at,
          active: true,
        });
        for (const personId of personIds.slice(0, version + 1)) {
          const ask = await repos.policies.ask({ workspaceId, versionId: v.id, personId, contentHash: v.contentHash, askedAt: at });
          if (ask && personId === personIds[0]) await repos.policies.acknowledge(workspaceId, ask.id, v.contentHash, at);
        }
      }
  });
}

describe.each(STORE_KINDS)('exports read a page at a time on %s', () => {
  it('an export of more rows than one page is complete, ordered, and the same whatever the page size', async () => {
    store = await openTestStore();
    const seeded = await seedLargeStore(store, {
      now: NOW,
      people: 60,
      aiSystems: 2 * EXPORT_PAGE_SIZE + 30,
      incidents: 2 * EXPORT_PAGE_SIZE + 70,
      correctiveActions: 300,
      releases: EXPORT_PAGE_SIZE + 90,
      reviews: EXPORT_PAGE_SIZE + 40,
      courses: 5,
      trainingCompletions: 2 * EXPORT_PAGE_SIZE + 11,
      auditEvents: 500,
      otherWorkspaces: 1,
    });
    const ws = seeded.workspaceId;
    const db = sqlOf(store);
    const people = (await db.all<{ id: number }>(`SELECT id FROM people WHERE workspace_id = ${ws} ORDER BY id LIMIT 4`)).map((p) =>
      Number(p.id),
    );
    await fillPolicies(ws, people);

    // Complete and ordered along the register's key, the other workspace's rows left out.
    const count = async (table: string, where = '') => await db.count(table, `workspace_id = ${ws}${where}`);
    const incidents = await exported(sourceNamed('incident'), ws);
    expect(incidents).toHaveLength(await count('incidents'));
    expect(incidents.length).toBeGreaterThan(2 * EXPORT_PAGE_SIZE);
    const numbers = incidents.map((row) => Number(String(row.incident).replace(/^INC-/, '')));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(new Set(numbers).size).toBe(numbers.length);
    const byId = async (name: string, key: string, table: string, where = '') => {
      const rows = await exported(sourceNamed(name), ws);
      const ids = rows.map((row) => Number(String(row[key]).replace(/^\D+/, '')));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(await count(table, where));
      return rows;
    };
    expect((await byId('system', 'system', 'ai_systems', " AND stage <> 'retired'")).length).toBeGreaterThan(EXPORT_PAGE_SIZE);
    expect((await byId('release', 'release', 'releases')).length).toBe(await count('releases'));
    expect((await byId('training', 'completion', 'training_completions')).length).toBeGreaterThan(2 * EXPORT_PAGE_SIZE);
    // One row per completion, and one per schedule never done.
    const reviews = await byId('review', 'schedule', 'review_schedules');
    const done = Number(
      (
        await db.get<{ n: number }>(
          `SELECT count(*) AS n FROM review_completions c JOIN review_schedules s ON s.id = c.schedule_id WHERE s.workspace_id = ${ws}`,
        )
      )?.n,
    );
    expect(reviews.filter((row) => row.outcome !== 'not done yet')).toHaveLength(done);
    // Timelines and corrective actions are the incident's own, gathered per page.
    const withActions = incidents.filter((row) => row.correctiveActions !== '').length;
    expect(withActions).toBe(
      Number(
        (await db.get<{ n: number }>(`SELECT count(DISTINCT incident_id) AS n FROM corrective_actions WHERE workspace_id = ${ws}`))?.n,
      ),
    );
    // Policies: 9 version rows by (policy, version), then one row per ask by id, with the figures of each version.
    const policies = await exported(sourceNamed('policy'), ws, 2);
    const versions = policies.filter((row) => row.record === 'version');
    expect(versions.map((row) => `${row.policy} ${row.version}`)).toEqual(
      ['POL-1', 'POL-2', 'POL-3'].flatMap((p) => ['v1', 'v2', 'v3'].map((v) => `${p} ${v}`)),
    );
    expect(versions.map((row) => [row.approvals, row.asked, row.acknowledged])).toEqual(
      [1, 2, 3].flatMap(() => [2, 3, 4].map((asked) => [1, asked, 1])),
    );
    expect(policies.filter((row) => row.record === 'acknowledgement')).toHaveLength(await count('policy_acknowledgements'));

    // Every export gives the same rows read 7 records a page, a default page, or all in one page.
    for (const source of sources) {
      const whole = await exported(source, ws, 1_000_000);
      expect(await exported(source, ws, 7), source.name).toEqual(whole);
      expect(await exported(source, ws), source.name).toEqual(whole);
    }
  });

  it('lets the event loop run between pages', async () => {
    store = await openTestStore();
    const seeded = await seedLargeStore(store, {
      now: NOW,
      people: 10,
      aiSystems: 5,
      incidents: 50,
      correctiveActions: 0,
      releases: 0,
      reviews: 0,
      courses: 1,
      trainingCompletions: 0,
      auditEvents: 10,
      otherWorkspaces: 0,
    });
    let ticks = 0;
    const tick = () => {
      ticks += 1;
      if (ticks < 1000) setImmediate(tick);
    };
    const seen = await store.read(async (repos) => {
      const rows = [];
      for await (const row of sourceNamed('incident').rows(repos, seeded.workspaceId, { now: NOW, pageSize: 10 })) {
        if (rows.length === 0) setImmediate(tick);
        rows.push({ row, ticks });
      }
      return rows;
    });
    expect(seen).toHaveLength(50);
    // Within a page no turn of the loop passes; between pages at least one does.
    expect(seen[9]?.ticks).toBe(seen[0]?.ticks);
    expect(seen[10]?.ticks).toBeGreaterThan(seen[9]?.ticks ?? 0);
    expect(seen[49]?.ticks).toBeGreaterThan(seen[10]?.ticks ?? 0);
  });
});
