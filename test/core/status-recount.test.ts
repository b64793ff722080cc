import { afterEach, describe, expect, it } from 'vitest';
import { seedLargeStore } from '../../scripts/bench/seed-large-store.ts';
import { digestSourcesOf, evidenceSourcesOf, outboxLabelsOf, statusSourcesOf } from '../../src/chat/feature.ts';
import { DigestService } from '../../src/core/digest/digest-service.ts';
import { impactsDue } from '../../src/features/impact/service.ts';
import { OnboardingService } from '../../src/features/onboarding/service.ts';
import { evidenceWindowStart } from '../../src/core/iso42001/live-evidence.ts';
import { soaLines } from '../../src/features/soa/feature.ts';
import { soaRows } from '../../src/features/soa/service.ts';
import { soaCounts } from '../../src/features/soa/views.ts';
import { ANNEX_A_CONTROLS, claimsWithoutEvidence } from '../../src/features/soa/domain.ts';
import { ageOf } from '../../src/chat/views/status-view.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { evidenceCounts, evidenceCoverage, inPeriod } from '../../src/core/iso42001/evidence-coverage.ts';
import { StatusService, type StatusSummary } from '../../src/core/status-service.ts';
import { features } from '../../src/features/index.ts';
import { countsByKind } from '../../src/features/reviews/views.ts';
import type { ReviewKind } from '../../src/features/reviews/domain.ts';
import { isRequired, trainingState } from '../../src/features/training/domain.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { openTestStore, STORE_KINDS } from '../helpers/store-kinds.ts';
import { sqlOf } from '../helpers/test-sql.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const NOW = '2026-11-22T10:00:00.000Z';
const TODAY = NOW.slice(0, 10);
const DAY = 86_400_000;

type Row = Record<string, unknown>;
const str = (row: Row | undefined, key: string): string => String(row?.[key] ?? '');
const num = (row: Row | undefined, key: string): number => Number(row?.[key] ?? 0);
const field = (summary: StatusSummary, section: string, label: string) =>
  summary.sections.find((s) => s.title === section)?.fields.find((f) => f.label === label || f.label.startsWith(`${label} (`));

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

describe.each(STORE_KINDS)('status figures against a plain recount on %s', () => {
  it('every figure of the aggregate queries equals what reading the rows one by one gives', async () => {
    store = await openTestStore();
    const seeded = await seedLargeStore(store, {
      now: new Date(NOW),
      people: 120,
      aiSystems: 60,
      incidents: 400,
      correctiveActions: 80,
      releases: 300,
      reviews: 150,
      courses: 8,
      trainingCompletions: 3000,
      auditEvents: 4000,
      otherWorkspaces: 2,
    });
    const ws = seeded.workspaceId;
    const db = sqlOf(store);
    const status = new StatusService(
      store,
      fixedClock(NOW),
      'UTC',
      evidenceSourcesOf(features),
      statusSourcesOf(features),
      outboxLabelsOf(features),
    );
    const summary = await status.summarize(ws, seeded.approverPersonId);
    const rows = async (table: string, order = 'id') =>
      await db.all<Row>(`SELECT * FROM ${table} WHERE workspace_id = ? ORDER BY ${order}`, ws);

    // The kernel's figures.
    const people = await rows('people');
    expect(summary.people).toBe(people.length);
    expect(summary.audit.workspaceEvents).toBe((await rows('audit_events', 'sequence')).length);

    // Inventory: stage, risk of the active ones, and those without an owner.
    const systems = await rows('ai_systems');
    const active = systems.filter((s) => s.stage !== 'retired');
    const stage = (name: string) => String(systems.filter((s) => s.stage === name).length);
    const risk = (level: string) => active.filter((s) => s.eu_risk_level === level).length;
    expect(field(summary, 'AI system inventory', 'In production')?.value).toBe(stage('production'));
    expect(field(summary, 'AI system inventory', 'In development')?.value).toBe(stage('development'));
    expect(field(summary, 'AI system inventory', 'Retired')?.value).toBe(stage('retired'));
    expect(field(summary, 'AI system inventory', 'Active by EU AI Act risk')?.value).toBe(
      `${risk('prohibited')} prohibited, ${risk('high')} high, ${risk('limited')} limited, ${risk('minimal')} minimal`,
    );
    expect(field(summary, 'AI system inventory', 'Active without an owner')?.value).toBe(
      String(active.filter((s) => s.owner_person_id === null).length),
    );
    expect(summary.activeSystems).toBe(active.length);

    // Incidents: active by severity, the oldest active, the last 30 days; corrective actions open and overdue.
    const incidents = await rows('incidents');
    const open = incidents.filter((i) => ['open', 'acknowledged', 'mitigated'].includes(str(i, 'status')));
    const since = new Date(Date.parse(NOW) - 30 * DAY).toISOString();
    const sev = (s: string) => open.filter((i) => i.severity === s).length;
    expect(field(summary, 'Incidents', 'Open by severity')?.value).toBe(
      `${sev('S1')} S1, ${sev('S2')} S2, ${sev('S3')} S3, ${sev('S4')} S4`,
    );
    const oldest = [...open].sort(
      (a, b) => str(a, 'created_at').localeCompare(str(b, 'created_at')) || num(a, 'number') - num(b, 'number'),
    )[0];
    expect(field(summary, 'Incidents', 'Oldest open')?.value).toBe(
      oldest
        ? `INC-${num(oldest, 'number')} ${str(oldest, 'title')} (${str(oldest, 'severity')}, ${ageOf(str(oldest, 'created_at'), NOW)})`
        : 'none',
    );
    const opened = incidents.filter((i) => str(i, 'created_at') >= since).length;
    const closed = incidents.filter((i) => i.closed_at !== null && str(i, 'closed_at') >= since).length;
    expect(field(summary, 'Incidents', 'Last 30 days')?.value).toBe(`${opened} opened, ${closed} closed`);
    const actions = (await rows('corrective_actions')).filter((a) => a.status === 'open');
    expect(field(summary, 'Incidents', 'Corrective actions')?.value).toBe(
      `${actions.length} open, ${actions.filter((a) => str(a, 'due_date') < TODAY).length} overdue`,
    );

    // Releases: the pending total and the five oldest, decisions of the last 30 days, and what waits on the approver.
    const releases = await rows('releases');
    const pending = releases.filter((r) => r.status === 'pending');
    const names = new Map(systems.map((s) => [num(s, 'id'), str(s, 'name')]));
    const pendingField = field(summary, 'Release sign-off', 'Pending');
    expect(pendingField?.label).toBe(`Pending (${pending.length})`);
    expect(pendingField?.value).toBe(
      [...pending]
        .sort((a, b) => str(a, 'created_at').localeCompare(str(b, 'created_at')) || num(a, 'id') - num(b, 'id'))
        .slice(0, 5)
        .map((r) => `REL-${num(r, 'id')} ${names.get(num(r, 'ai_system_id'))} ${str(r, 'version')}, ${ageOf(str(r, 'created_at'), NOW)}`)
        .join('\n') || 'none',
    );
    const decided = (s: string) => releases.filter((r) => r.status === s && r.decided_at !== null && str(r, 'decided_at') >= since).length;
    expect(field(summary, 'Release sign-off', 'Last 30 days')?.value).toBe(
      `${decided('approved')} approved, ${decided('rejected')} rejected`,
    );
    const decisions = await db.all<Row>('SELECT * FROM release_decisions WHERE active = ?', store.dialect === 'postgres' ? true : 1);
    const waiting = pending.filter(
      (r) =>
        num(r, 'requester_person_id') !== seeded.approverPersonId &&
        !decisions.some((d) => num(d, 'release_id') === num(r, 'id') && num(d, 'person_id') === seeded.approverPersonId),
    );
    expect(field(summary, 'Release sign-off', 'Waiting on your approval')?.value).toBe(String(waiting.length));

    // Reviews: overdue and due this week by kind, kinds listed as the schedules come by next due.
    const overdue: Partial<Record<ReviewKind, number>> = {};
    const dueThisWeek: Partial<Record<ReviewKind, number>> = {};
    for (const schedule of await rows('review_schedules', 'next_due, id')) {
      const kind = str(schedule, 'kind') as ReviewKind;
      if (str(schedule, 'next_due') < TODAY) overdue[kind] = (overdue[kind] ?? 0) + 1;
      else if (str(schedule, 'next_due') <= addDays(TODAY, 7)) dueThisWeek[kind] = (dueThisWeek[kind] ?? 0) + 1;
    }
    expect(field(summary, 'Reviews', 'Overdue')?.value).toBe(countsByKind(overdue));
    expect(field(summary, 'Reviews', 'Due this week')?.value).toBe(countsByKind(dueThisWeek));

    // Training, as trainingReport did it: every completion read, the latest per person and course judged.
    const recountTraining = async () => {
      const roles = await rows('role_assignments');
      const completions = await rows('training_completions');
      let required = 0;
      let valid = 0;
      const overduePeople = new Set<number>();
      for (const course of (await rows('courses')).filter((c) => c.status !== 'retired')) {
        const requiredRoles = (
          typeof course.required_roles === 'string' ? JSON.parse(course.required_roles) : course.required_roles
        ) as string[];
        for (const person of people) {
          const held = roles.filter((r) => num(r, 'person_id') === num(person, 'id')).map((r) => str(r, 'role'));
          if (!isRequired({ requiredRoles: requiredRoles as never }, held)) continue;
          required += 1;
          const latest = completions
            .filter(
              (c) => num(c, 'course_id') === num(course, 'id') && num(c, 'person_id') === num(person, 'id') && str(c, 'date') <= TODAY,
            )
            .map((c) => str(c, 'date'))
            .sort()
            .pop();
          const { state } = trainingState(latest, course.renewal_months === null ? null : num(course, 'renewal_months'), TODAY);
          if (state === 'valid' || state === 'due-soon') valid += 1;
          else overduePeople.add(num(person, 'id'));
        }
      }
      // The maintained aggregate itself: one row per (person, course) with a completion, its latest date.
      const latestOf = new Map<string, Row>();
      for (const c of completions) {
        const key = `${num(c, 'course_id')}:${num(c, 'person_id')}`;
        if (str(c, 'date') > str(latestOf.get(key), 'date')) latestOf.set(key, c);
      }
      const kept = await db.all<Row>('SELECT * FROM training_latest WHERE workspace_id = ? ORDER BY course_id, person_id', ws);
      expect(kept.map((r) => [num(r, 'course_id'), num(r, 'person_id'), str(r, 'date')])).toEqual(
        [...latestOf.values()]
          .map((c) => [num(c, 'course_id'), num(c, 'person_id'), str(c, 'date')] as const)
          .sort((a, b) => a[0] - b[0] || a[1] - b[1]),
      );
      return { required, valid, overdue: overduePeople.size, completions };
    };
    const expectTraining = async (shown: StatusSummary) => {
      const { required, valid, overdue } = await recountTraining();
      expect(required).toBeGreaterThan(valid);
      expect(field(shown, 'Training', 'Required training done')?.value).toBe(
        `${Math.round((valid / required) * 100)}% (${valid} of ${required})`,
      );
      expect(field(shown, 'Training', 'People overdue')?.value).toBe(String(overdue));
    };
    await expectTraining(summary);
    // Completions counted as Annex A evidence over a period: the database's count equals the filtered rows.
    const period = { from: new Date(Date.parse(NOW) - 365 * DAY).toISOString(), to: NOW };
    const trainingSource = evidenceSourcesOf(features).find((source) => source.kinds.includes('training'));
    const countedTraining = await store.read(async (repos) => await trainingSource?.count(repos, ws, period));
    expect(countedTraining?.training).toBe((await recountTraining()).completions.filter((c) => inPeriod(str(c, 'date'), period)).length);

    // An edit and a delete of completions (straight in the table: the triggers keep the aggregate, whoever writes).
    const latestValid = await db.all<Row>(
      'SELECT course_id, person_id, max(date) AS date FROM training_completions WHERE workspace_id = ? GROUP BY course_id, person_id ORDER BY course_id, person_id',
      ws,
    );
    const [edited, deleted] = latestValid.filter((r) => str(r, 'date') > addDays(TODAY, -200));
    await db.run(
      'UPDATE training_completions SET date = ? WHERE course_id = ? AND person_id = ? AND date = ?',
      '2019-01-02',
      num(edited, 'course_id'),
      num(edited, 'person_id'),
      str(edited, 'date'),
    );
    await db.run(
      'DELETE FROM training_completions WHERE course_id = ? AND person_id = ? AND date = ?',
      num(deleted, 'course_id'),
      num(deleted, 'person_id'),
      str(deleted, 'date'),
    );
    status.forget();
    const afterChanges = await status.summarize(ws, seeded.approverPersonId);
    expect(field(afterChanges, 'Training', 'Required training done')?.value).not.toBe(
      field(summary, 'Training', 'Required training done')?.value,
    );
    await expectTraining(afterChanges);

    // Three people complete every active course today (inserts), and a course's renewal changes (a course
    // edit): they are up to date, and the figures still equal the recount.
    const activeCourses = (await rows('courses')).filter((c) => c.status !== 'retired');
    for (const person of people.slice(0, 3))
      for (const course of activeCourses)
        await db.run(
          'INSERT INTO training_completions (workspace_id, course_id, person_id, date, session_id, self_attested, evidence, recorded_by, created_at) VALUES (?, ?, ?, ?, NULL, ?, NULL, ?, ?)',
          ws,
          num(course, 'id'),
          num(person, 'id'),
          TODAY,
          store.dialect === 'postgres' ? false : 0,
          num(person, 'id'),
          NOW,
        );
    const renewed = activeCourses.find((c) => c.renewal_months !== null);
    await db.run('UPDATE courses SET renewal_months = ? WHERE id = ?', 24, num(renewed, 'id'));
    status.forget();
    const afterCompletions = await status.summarize(ws, seeded.approverPersonId);
    const recounted = await recountTraining();
    expect(recounted.overdue).toBeLessThan(people.length);
    await expectTraining(afterCompletions);
    // The day histogram is the latest dates counted per course and day.
    const perDay = new Map<string, number>();
    for (const r of await db.all<Row>('SELECT course_id, date FROM training_latest WHERE workspace_id = ?', ws))
      perDay.set(`${num(r, 'course_id')}|${str(r, 'date')}`, (perDay.get(`${num(r, 'course_id')}|${str(r, 'date')}`) ?? 0) + 1);
    const days = await db.all<Row>('SELECT course_id, date, people FROM training_latest_days WHERE workspace_id = ?', ws);
    expect(new Map(days.map((r) => [`${num(r, 'course_id')}|${str(r, 'date')}`, num(r, 'people')]))).toEqual(perDay);

    // Evidence coverage from presence equals coverage from counting every record of every kind.
    const counted = await store.read(async (repos) => await evidenceCounts(evidenceSourcesOf(features), repos, ws));
    expect(summary.evidence).toEqual(evidenceCoverage(new Set([...counted].filter(([, n]) => n > 0).map(([kind]) => kind))));
    // And the figures are the large workspace's own: a small one reads its own.
    const small = await status.summarize(seeded.otherWorkspaceIds[0] ?? 0);
    expect(small.people).toBe((await db.all('SELECT id FROM people WHERE workspace_id = ?', seeded.otherWorkspaceIds[0])).length);
    expect(small.people).toBeLessThan(summary.people);
  });
});

describe.each(STORE_KINDS)('impact due, the digest verdict and the checklist against a plain recount on %s', () => {
  it('impact_due equals impactsDue read row by row, the verdict from overdueTop equals the one from every overdue item, after edits and deletes', async () => {
    store = await openTestStore();
    const seeded = await seedLargeStore(store, {
      now: new Date(NOW),
      people: 60,
      aiSystems: 40,
      incidents: 200,
      correctiveActions: 60,
      releases: 120,
      reviews: 80,
      courses: 4,
      trainingCompletions: 500,
      auditEvents: 1500,
      otherWorkspaces: 1,
    });
    const ws = seeded.workspaceId;
    const db = sqlOf(store);
    const systems = await db.all<Row>("SELECT * FROM ai_systems WHERE workspace_id = ? AND stage <> 'retired' ORDER BY id", ws);
    const author = await db.all<Row>('SELECT id FROM people WHERE workspace_id = ? ORDER BY id LIMIT 1', ws);
    const person = num(author[0], 'id');
    // Records the seed has none of: releases of new training data or code, signed and pending assessments (straight in the tables: the triggers keep impact_due).
    const release = async (system: Row, changeType: string, status: string, createdAt: string) =>
      await db.run(
        `INSERT INTO releases (workspace_id, ai_system_id, version, version_key, change_type, what_changed, evaluation_link, risks, justification, approvals_needed, requester_person_id, status, content_hash, created_at, updated_at, decided_at)
         VALUES (?, ?, ?, ?, ?, 'x', NULL, 'x', NULL, 1, ?, ?, ?, ?, ?, NULL)`,
        ws,
        num(system, 'id'),
        `9.${createdAt}`,
        `9.${createdAt}`,
        changeType,
        person,
        status,
        '0'.repeat(64),
        createdAt,
        createdAt,
      );
    const assess = async (system: Row, version: number, status: string, signedAt: string | null) =>
      await db.run(
        `INSERT INTO impact_assessments (workspace_id, ai_system_id, version, author_person_id, intended_use, foreseeable_misuse, affected, societal_impact, harms, mitigations, human_oversight, status, content_hash, signed_by_person_id, signed_at, superseded_by_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'x', 'x', 'x', 'x', '[]', '[]', 'x', ?, ?, ?, ?, NULL, ?, ?)`,
        ws,
        num(system, 'id'),
        version,
        person,
        status,
        '0'.repeat(64),
        signedAt === null ? null : person,
        signedAt,
        '2026-01-01T00:00:00.000Z',
        '2026-01-01T00:00:00.000Z',
      );
    const [a, b, c, d, e, f] = systems;
    await assess(a as Row, 1, 'signed', '2026-06-01T00:00:00.000Z');
    await release(a as Row, 'new-training-data', 'approved', '2026-07-01T00:00:00.000Z'); // after the signature: due again
    await release(a as Row, 'code-or-architecture', 'pending', '2026-05-01T00:00:00.000Z'); // before it: no reason
    await assess(b as Row, 1, 'signed', '2026-06-01T00:00:00.000Z');
    await release(b as Row, 'retrain', 'approved', '2026-08-01T00:00:00.000Z'); // not an impact change
    await assess(c as Row, 1, 'pending', null);
    await assess(d as Row, 1, 'signed', null);
    await release(d as Row, 'new-training-data', 'rejected', '2026-08-01T00:00:00.000Z');
    await release(e as Row, 'code-or-architecture', 'pending', '2026-10-20T00:00:00.000Z');
    await assess(e as Row, 1, 'pending', null);
    await assess(e as Row, 2, 'pending', null);

    const status = new StatusService(
      store,
      fixedClock(NOW),
      'UTC',
      evidenceSourcesOf(features),
      statusSourcesOf(features),
      outboxLabelsOf(features),
    );
    // The same sources without overdueTop: the verdict reads every overdue item, as before.
    const full = digestSourcesOf(features).map((source) => ({ ...source, overdueTop: undefined }));
    const digests = new DigestService(store, fixedClock(NOW), 'UTC', digestSourcesOf(features));
    const everyItem = new DigestService(store, fixedClock(NOW), 'UTC', full);
    const onboarding = new OnboardingService(store, fixedClock(NOW));

    const expectRecount = async () => {
      // impactsDue reads every system, assessment and release: the aggregate must hold exactly its systems.
      const due = await store!.read(async (repos) => await impactsDue(repos, ws));
      const kept = await db.all<Row>('SELECT * FROM impact_due WHERE workspace_id = ? ORDER BY name_key, ai_system_id', ws);
      expect(
        kept.map((r) => [num(r, 'ai_system_id'), str(r, 'since'), str(r, 'due'), r.pending_id === null ? null : num(r, 'pending_id')]),
      ).toEqual(due.map((x) => [x.system.id, x.since, x.due, x.pending?.id ?? null]));
      status.forget();
      const summary = await status.summarize(ws);
      const names = due.slice(0, 5).map((x) => x.system.name);
      expect(field(summary, 'Impact assessments', 'Due')?.value).toBe(
        due.length === 0 ? 'none' : `${due.length} (${names.join(', ')}${due.length > 5 ? ' …' : ''})`,
      );
      expect(field(summary, 'Impact assessments', 'Awaiting sign-off')?.value).toBe(String(due.filter((x) => x.pending).length));
      const signed = await db.all<Row>("SELECT id FROM impact_assessments WHERE workspace_id = ? AND status = 'signed'", ws);
      expect(field(summary, 'Impact assessments', 'Signed (current)')?.value).toBe(String(signed.length));
      // The verdict from each area's count and top items equals the one from every overdue item (the owners of a few looked up, not of all).
      // (Changed straight in the tables, no audit event moved the workspace's version: both forget what they kept.)
      digests.forget();
      everyItem.forget();
      const verdict = await digests.verdict(ws);
      expect(verdict).toEqual(await everyItem.verdict(ws));
      expect(verdict.concerns.some((concern) => /overdue item/.test(concern))).toBe(true);
      const built = await digests.build(ws);
      const builtFull = await everyItem.build(ws);
      expect({ ...built, lines: [] }).toEqual({ ...builtFull, lines: [] });
      // The checklist: counts and emptiness as the rows say.
      onboarding.forget();
      const checklist = await onboarding.checklist(ws);
      const count = async (table: string) => (await db.all<Row>(`SELECT id FROM ${table} WHERE workspace_id = ?`, ws)).length;
      expect(checklist.state.incidents).toBe(await count('incidents'));
      expect(checklist.state.releases).toBe(await count('releases'));
      expect(checklist.empty).toBe(false);
      return due;
    };
    const before = await expectRecount();
    expect(before.some((x) => x.system.id === num(a, 'id') && x.reasons.some((r) => r.kind === 'release'))).toBe(true);
    expect(before.some((x) => x.system.id === num(e, 'id') && x.pending)).toBe(true);

    // Edits and deletes, each straight in its table: a release decided, one deleted, a signature superseded,
    // a pending assessment deleted, a system retired and another moved to production, a system deleted.
    await db.run("UPDATE releases SET status = 'rejected' WHERE ai_system_id = ? AND change_type = 'new-training-data'", num(a, 'id'));
    await db.run("DELETE FROM releases WHERE ai_system_id = ? AND change_type = 'code-or-architecture'", num(e, 'id'));
    await db.run("UPDATE impact_assessments SET status = 'superseded' WHERE ai_system_id = ?", num(b, 'id'));
    await db.run('DELETE FROM impact_assessments WHERE ai_system_id = ? AND version = 2', num(e, 'id'));
    await db.run("UPDATE ai_systems SET stage = 'retired' WHERE id = ?", num(c, 'id'));
    await db.run(
      "UPDATE ai_systems SET stage = 'production', eu_risk_level = 'high', updated_at = ? WHERE id = ?",
      '2026-11-01T00:00:00.000Z',
      num(f, 'id'),
    );
    const spare = await db.all<Row>(
      "SELECT s.id FROM ai_systems s WHERE s.workspace_id = ? AND s.stage = 'production' AND NOT EXISTS (SELECT 1 FROM releases r WHERE r.ai_system_id = s.id) AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.ai_system_id = s.id) AND NOT EXISTS (SELECT 1 FROM review_schedules v WHERE v.ai_system_id = s.id) AND NOT EXISTS (SELECT 1 FROM impact_assessments x WHERE x.ai_system_id = s.id)",
      ws,
    );
    if (spare[0]) await db.run('DELETE FROM ai_systems WHERE id = ?', num(spare[0], 'id'));
    await db.run(
      "UPDATE review_schedules SET next_due = '2020-01-01' WHERE id IN (SELECT id FROM review_schedules WHERE workspace_id = ? ORDER BY id LIMIT 3)",
      ws,
    );
    await db.run(
      "DELETE FROM corrective_actions WHERE id IN (SELECT id FROM corrective_actions WHERE workspace_id = ? AND status = 'open' ORDER BY due_date LIMIT 2)",
      ws,
    );
    const after = await expectRecount();
    expect(after).not.toEqual(before);
    expect(after.some((x) => x.system.id === num(c, 'id'))).toBe(false);
    expect(after.some((x) => x.system.id === num(f, 'id'))).toBe(true);
  });
});

describe.each(STORE_KINDS)('live evidence asked with EXISTS against counting on %s', () => {
  it("each source's presentSince equals its count above 0 for any start, and the SoA's status lines equal the counted rows'", async () => {
    store = await openTestStore();
    const seeded = await seedLargeStore(store, {
      now: new Date(NOW),
      people: 40,
      aiSystems: 30,
      incidents: 150,
      correctiveActions: 40,
      releases: 90,
      reviews: 60,
      courses: 4,
      trainingCompletions: 400,
      auditEvents: 800,
      otherWorkspaces: 1,
    });
    const ws = seeded.workspaceId;
    const db = sqlOf(store);
    const sources = evidenceSourcesOf(features);
    const withPresence = sources.filter((source) => source.presentSince);
    expect(withPresence.length).toBeGreaterThanOrEqual(5);
    // Starts before everything, inside the data, at the 12-month window, after the newest record.
    const starts = [
      '2000-01-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
      evidenceWindowStart(new Date(NOW)),
      '2026-11-20T00:00:00.000Z',
      '2030-01-01T00:00:00.000Z',
    ];
    const expectSame = async () => {
      for (const source of withPresence)
        for (const from of starts) {
          const { present, counted } = await store!.read(async (repos) => ({
            present: [...((await source.presentSince?.(repos, ws, from)) ?? [])].sort(),
            counted: Object.entries(await source.count(repos, ws, { from }))
              .filter(([kind, n]) => source.kinds.includes(kind) && (n ?? 0) > 0)
              .map(([kind]) => kind)
              .sort(),
          }));
          expect({ from, present }).toEqual({ from, present: counted });
        }
      // The SoA's status lines (EXISTS) against soaRows' counts of every source in the window.
      const { lines, rows } = await store!.read(async (repos) => ({
        lines: await soaLines(repos, ws, new Date(NOW)),
        rows: await soaRows(repos, ws, sources, new Date(NOW), () => false),
      }));
      const counts = soaCounts(rows);
      expect(lines.summary).toBe(
        `${counts.applicable} applicable, ${counts.implemented} implemented, ${counts.withEvidence} with evidence`,
      );
      const missing = claimsWithoutEvidence(rows).map((row) => row.control.id);
      expect(lines.missing).toBe(missing.length === 0 ? 'none' : missing.join(', '));
      return { counts, missing };
    };
    // Some controls stated implemented (one of each evidence kind's, and some no area records), one not applicable.
    const person = num((await db.all<Row>('SELECT id FROM people WHERE workspace_id = ? ORDER BY id LIMIT 1', ws))[0], 'id');
    const state = async (controlId: string, applicable: boolean, stateOf: string) =>
      await db.run(
        'INSERT INTO soa_entries (workspace_id, control_id, applicable, justification, state, owner_person_id, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)',
        ws,
        controlId,
        store!.dialect === 'postgres' ? applicable : applicable ? 1 : 0,
        applicable ? null : 'not used',
        stateOf,
        person,
        '2026-10-01T00:00:00.000Z',
      );
    for (const control of ANNEX_A_CONTROLS.slice(0, 30)) await state(control.id, true, 'implemented');
    await state(ANNEX_A_CONTROLS[30]!.id, false, 'planned');
    const before = await expectSame();
    expect(before.counts.implemented).toBe(30);
    // Records ageing out of the window, or deleted: no training completion in it, every review done before it, no releases of the period.
    await db.run("DELETE FROM training_completions WHERE workspace_id = ? AND date >= '2025-11-01'", ws);
    await db.run(
      "UPDATE review_completions SET date = '2024-06-01' WHERE schedule_id IN (SELECT id FROM review_schedules WHERE workspace_id = ?)",
      ws,
    );
    await db.run("UPDATE releases SET created_at = '2024-06-01T00:00:00.000Z' WHERE workspace_id = ?", ws);
    await db.run("UPDATE acceptance_criteria SET created_at = '2024-06-01T00:00:00.000Z' WHERE workspace_id = ?", ws);
    const after = await expectSame();
    expect(after.missing.length).toBeGreaterThan(before.missing.length);
  });
});
