// seedLargeStore(store, sizes?): fills a migrated store of either kind (SqliteStore or PgStore) with one
// large workspace and a few small ones, fast: bulk multi-row inserts through src/store/bulk-insert.ts, in
// chunks, so memory stays bounded. Returns the large workspace's id (and the others'). Default sizes are
// issue 15's: 10k AI systems, 100k incidents, 20k releases, 18k reviews, 1M training completions and 1M
// audit events (a valid hash chain), with 5k people and 20 courses; pass smaller `sizes` for tests.
// The data is deterministic (a seeded PRNG) and dated around `sizes.now` (default: the wall clock).
import { canonicalJson } from '../../src/core/canonical-json.ts';
import { chainHash, GENESIS_HASH } from '../../src/store/audit/audit-chain.ts';
import { analyzeStore, bulkInsert, bulkMax, type BulkRow, type BulkTable } from '../../src/store/bulk-insert.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';

export interface SeedSizes {
  people: number;
  aiSystems: number;
  incidents: number;
  correctiveActions: number;
  releases: number;
  reviews: number;
  courses: number;
  trainingCompletions: number;
  auditEvents: number;
  /** Small workspaces besides the large one (each a few dozen rows of every kind). */
  otherWorkspaces: number;
  now: Date;
}

export const LARGE_SIZES: Omit<SeedSizes, 'now'> = {
  people: 5000,
  aiSystems: 10_000,
  incidents: 100_000,
  correctiveActions: 10_000,
  releases: 20_000,
  reviews: 18_000,
  courses: 20,
  trainingCompletions: 1_000_000,
  auditEvents: 1_000_000,
  otherWorkspaces: 3,
};

export interface SeededStore {
  workspaceId: number;
  otherWorkspaceIds: number[];
  /** A person of the large workspace holding the approver role (for "waiting on your approval"). */
  approverPersonId: number;
}

const DAY = 86_400_000;
const CHUNK = 20_000;
const KINDS = [
  'drift-review',
  'bias-review',
  'risk-register-review',
  'impact-assessment',
  'ai-policy-review',
  'internal-audit',
  'management-review',
];
const ROLES = ['admin', 'approver', 'leadership', 'trainer'] as const;

/** mulberry32: a small deterministic PRNG, so two seeds of the same sizes hold the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeds `store` (migrated; may hold data already: ids continue after it) and returns where the large workspace is. */
export async function seedLargeStore(store: GovernanceStore, sizes: Partial<SeedSizes> = {}): Promise<SeededStore> {
  const size: SeedSizes = { ...LARGE_SIZES, now: new Date(), ...sizes };
  const random = prng(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const int = (below: number): number => Math.floor(random() * below);
  const now = size.now.getTime();
  const iso = (ms: number): string => new Date(ms).toISOString();
  const day = (ms: number): string => iso(ms).slice(0, 10);
  const next = async (table: BulkTable, column = 'id') => (await bulkMax(store, table, column)) + 1;

  // Rows go in by chunks: a million objects at once would cost hundreds of MB.
  const pending = new Map<BulkTable, BulkRow[]>();
  const put = async (table: BulkTable, row: BulkRow): Promise<void> => {
    const rows = pending.get(table) ?? [];
    rows.push(row);
    pending.set(table, rows);
    if (rows.length >= CHUNK) await flush(table);
  };
  const flush = async (table: BulkTable): Promise<void> => {
    const rows = pending.get(table);
    if (rows && rows.length > 0) await bulkInsert(store, table, rows);
    pending.set(table, []);
  };

  // Each seeded workspace is new, so its own chain starts from GENESIS_HASH (a store that is not fresh
  // keeps a legacy chain only if it was migrated; the bench's stores are fresh): one event per seeded
  // record and the rest as edits.
  const heads = new Map<number, { sequence: number; hash: string }>();
  const perWorkspace = new Map<number, number>();
  const audit = async (workspaceId: number, at: string, action: string, subject: string, after: unknown): Promise<void> => {
    const head = heads.get(workspaceId);
    const sequence = (head?.sequence ?? 0) + 1;
    const previousHash = head?.hash ?? GENESIS_HASH;
    perWorkspace.set(workspaceId, (perWorkspace.get(workspaceId) ?? 0) + 1);
    const event = { sequence, at, workspaceId, actorPersonId: null, actor: 'system:seed', action, subject, before: null, after };
    const payload = canonicalJson(event);
    const hash = chainHash(previousHash, payload);
    await put('audit_events', {
      chain: workspaceId,
      sequence,
      at,
      workspace_id: workspaceId,
      actor_person_id: null,
      actor: 'system:seed',
      action,
      subject,
      payload,
      previous_hash: previousHash,
      hash,
    });
    heads.set(workspaceId, { sequence, hash });
  };

  const firstWorkspace = await next('workspaces');
  const workspaceIds = Array.from({ length: 1 + size.otherWorkspaces }, (_, i) => firstWorkspace + i);
  for (const [i, id] of workspaceIds.entries()) {
    await put('workspaces', {
      id,
      platform: 'slack',
      external_id: `TSEED${id}`,
      name: i === 0 ? 'large' : `small-${i}`,
      created_at: iso(now - 5 * 365 * DAY),
    });
  }
  await flush('workspaces');

  let personId = (await next('people')) - 1;
  let systemId = (await next('ai_systems')) - 1;
  let incidentId = (await next('incidents')) - 1;
  let actionId = (await next('corrective_actions')) - 1;
  let releaseId = (await next('releases')) - 1;
  let decisionId = (await next('release_decisions')) - 1;
  let scheduleId = (await next('review_schedules')) - 1;
  let reviewDoneId = (await next('review_completions')) - 1;
  let courseId = (await next('courses')) - 1;
  let completionId = (await next('training_completions')) - 1;
  let approverPersonId = 0;

  for (const [w, workspaceId] of workspaceIds.entries()) {
    // The large workspace gets the sizes; the others about a hundredth of the smallest, at least a few.
    const n = (count: number): number => (w === 0 ? count : Math.max(3, Math.min(50, Math.floor(count / 1000))));
    const createdAt = iso(now - 5 * 365 * DAY);
    const people: number[] = [];
    for (let i = 0; i < n(size.people); i += 1) {
      personId += 1;
      people.push(personId);
      await put('people', {
        id: personId,
        workspace_id: workspaceId,
        platform: 'slack',
        external_id: `U${personId}`,
        display_name: `person ${personId}`,
        direct_reference: null,
        created_at: createdAt,
      });
      await audit(workspaceId, createdAt, 'person.created', `person:${personId}`, { externalId: `U${personId}` });
    }
    await flush('people');
    // A few of each role; the approvers are the first ones after the admins.
    const holders = { admin: 3, approver: w === 0 ? 30 : 3, leadership: 5, trainer: 5 };
    let holder = 0;
    for (const role of ROLES) {
      for (let i = 0; i < holders[role] && holder < people.length; i += 1, holder += 1) {
        const person = people[holder] as number;
        if (w === 0 && role === 'approver' && approverPersonId === 0) approverPersonId = person;
        await put('role_assignments', { workspace_id: workspaceId, person_id: person, role, granted_by: null, granted_at: createdAt });
        await audit(workspaceId, createdAt, 'role.granted', `person:${person}`, { roles: [role] });
      }
    }
    await flush('role_assignments');
    const channel = (name: string) => ({ id: `C${name}${workspaceId}`, name });
    await put('workspace_settings', {
      workspace_id: workspaceId,
      incidents_channel: channel('incidents'),
      approvals_channel: channel('approvals'),
      leadership_channel: channel('leadership'),
      default_approvals: 2,
      time_zone: 'UTC',
      nudge_hour: 8,
      digest_weekday: 1,
      digest_hour: 9,
      updated_at: createdAt,
    });
    await flush('workspace_settings');

    const systems: number[] = [];
    for (let i = 0; i < n(size.aiSystems); i += 1) {
      systemId += 1;
      systems.push(systemId);
      const r = random();
      await put('ai_systems', {
        id: systemId,
        workspace_id: workspaceId,
        name: `System ${systemId}`,
        name_key: `system ${systemId}`,
        description: 'seeded',
        purpose: 'seeded',
        owner_person_id: random() < 0.05 ? null : pick(people),
        eu_risk_level: r < 0.01 ? 'prohibited' : r < 0.2 ? 'high' : r < 0.5 ? 'limited' : 'minimal',
        internal_tier: pick(['tier-1', 'tier-2', 'tier-3']),
        stage: pick(['production', 'production', 'development', 'development', 'retired']),
        provider: 'in-house',
        vendor_name: null,
        model_card_url: null,
        repository_url: null,
        created_at: createdAt,
        updated_at: createdAt,
      });
      await audit(workspaceId, createdAt, 'system.created', `ai_system:${systemId}`, { name: `System ${systemId}` });
    }
    await flush('ai_systems');

    // Five years of incidents, 2% still active; closed ones closed a few days after they opened.
    const incidentCount = n(size.incidents);
    for (let i = 0; i < incidentCount; i += 1) {
      incidentId += 1;
      const opened = now - Math.floor(((incidentCount - i) / incidentCount) * 5 * 365 * DAY) + int(DAY);
      const active = random() < 0.02;
      const closedAt = active ? null : Math.min(now - 1000, opened + (1 + int(10)) * DAY);
      const s = random();
      await put('incidents', {
        id: incidentId,
        workspace_id: workspaceId,
        number: i + 1,
        ai_system_id: pick(systems),
        system_name: null,
        title: `Incident ${i + 1}`,
        description: 'seeded',
        severity: s < 0.05 ? 'S1' : s < 0.2 ? 'S2' : s < 0.6 ? 'S3' : 'S4',
        type: 'performance',
        detected_at: iso(opened),
        affected: 'seeded',
        reporter_person_id: pick(people),
        owner_person_id: pick(people),
        responder_person_id: null,
        status: active ? pick(['open', 'acknowledged', 'mitigated']) : 'closed',
        root_cause: null,
        created_at: iso(Math.min(opened, now - 1000)),
        updated_at: iso(closedAt ?? Math.min(opened, now - 1000)),
        closed_at: closedAt === null ? null : iso(closedAt),
      });
      await audit(workspaceId, iso(Math.min(opened, now - 1000)), 'incident.reported', `incident:${incidentId}`, { number: i + 1 });
    }
    await flush('incidents');
    for (let i = 0; i < n(size.correctiveActions); i += 1) {
      actionId += 1;
      const open = random() < 0.1;
      await put('corrective_actions', {
        id: actionId,
        workspace_id: workspaceId,
        incident_id: null,
        review_completion_id: null,
        title: `Action ${actionId}`,
        owner_person_id: pick(people),
        due_date: day(now + (int(120) - 60) * DAY),
        status: open ? 'open' : 'done',
        done_at: open ? null : iso(now - int(365) * DAY),
        created_at: iso(now - int(400) * DAY),
      });
    }
    await flush('corrective_actions');

    // Releases: 1% pending (each with one decision by an approver, so "waiting on you" has work), the rest decided.
    const releaseCount = n(size.releases);
    for (let i = 0; i < releaseCount; i += 1) {
      releaseId += 1;
      const created = now - Math.floor(((releaseCount - i) / releaseCount) * 3 * 365 * DAY);
      const r = random();
      const status = r < 0.01 ? 'pending' : r < 0.86 ? 'approved' : r < 0.96 ? 'rejected' : 'withdrawn';
      const decided = status === 'approved' || status === 'rejected' ? iso(Math.min(now - 1000, created + 2 * DAY)) : null;
      await put('releases', {
        id: releaseId,
        workspace_id: workspaceId,
        ai_system_id: pick(systems),
        version: `1.${i}`,
        version_key: `1.${i}`,
        change_type: 'retrain',
        what_changed: 'seeded',
        evaluation_link: random() < 0.5 ? 'https://example.test/eval' : null,
        risks: 'seeded',
        justification: null,
        approvals_needed: 2,
        requester_person_id: pick(people),
        status,
        content_hash: `${releaseId}`.padStart(64, '0'),
        created_at: iso(created),
        updated_at: decided ?? iso(created),
        decided_at: decided,
      });
      await audit(workspaceId, iso(created), 'release.requested', `release:${releaseId}`, { version: `1.${i}` });
      if (status === 'pending') {
        decisionId += 1;
        await put('release_decisions', {
          id: decisionId,
          release_id: releaseId,
          person_id: people[3 + int(Math.min(holders.approver, Math.max(1, people.length - 3)))] ?? (people[0] as number),
          decision: 'approve',
          comment: null,
          content_hash: `${releaseId}`.padStart(64, '0'),
          at: iso(created + 1000),
          active: true,
        });
      }
    }
    await flush('releases');
    await flush('release_decisions');

    for (let i = 0; i < n(size.reviews); i += 1) {
      scheduleId += 1;
      const done = random() < 0.8;
      const lastDone = done ? day(now - (1 + int(90)) * DAY) : null;
      await put('review_schedules', {
        id: scheduleId,
        workspace_id: workspaceId,
        kind: pick(KINDS),
        ai_system_id: pick(systems),
        owner_person_id: pick(people),
        cadence_days: 90,
        next_due: day(now + (int(120) - 30) * DAY),
        last_done: lastDone,
        created_at: createdAt,
        updated_at: createdAt,
      });
      if (lastDone) {
        reviewDoneId += 1;
        await put('review_completions', {
          id: reviewDoneId,
          schedule_id: scheduleId,
          date: lastDone,
          outcome: 'no-findings',
          findings: null,
          evidence: null,
          recorded_by: pick(people),
          created_at: `${lastDone}T12:00:00.000Z`,
        });
      }
    }
    await flush('review_schedules');
    await flush('review_completions');

    // Courses: most for everyone, some for a role; most renewed yearly, some never expire.
    const courses: number[] = [];
    for (let i = 0; i < n(size.courses); i += 1) {
      courseId += 1;
      courses.push(courseId);
      await put('courses', {
        id: courseId,
        workspace_id: workspaceId,
        name: `Course ${courseId}`,
        name_key: `course ${courseId}`,
        description: 'seeded',
        required_roles: i % 5 === 4 ? [ROLES[i % 4] as string] : [],
        renewal_months: i % 4 === 3 ? null : 12,
        status: i === 0 && w > 0 ? 'retired' : 'active',
        created_at: createdAt,
        updated_at: createdAt,
      });
    }
    await flush('courses');
    // Completions: spread over (person, course) pairs, yearly, the latest within the last 15 months.
    const completions = w === 0 ? size.trainingCompletions : n(size.trainingCompletions);
    const pairs = people.length * courses.length;
    for (let i = 0; i < completions; i += 1) {
      const pair = i % pairs;
      const round = Math.floor(i / pairs);
      const person = people[pair % people.length] as number;
      const course = courses[Math.floor(pair / people.length)] as number;
      const offset = (pair * 7919) % 450;
      completionId += 1;
      await put('training_completions', {
        id: completionId,
        workspace_id: workspaceId,
        course_id: course,
        person_id: person,
        date: day(now - (offset + round * 365) * DAY),
        session_id: null,
        self_attested: random() < 0.3,
        evidence: null,
        recorded_by: person,
        created_at: iso(now - (offset + round * 365) * DAY),
      });
    }
    await flush('training_completions');

    // The rest of the workspace's events, as edits spread over its five years.
    const events = w === 0 ? size.auditEvents : n(size.auditEvents);
    for (let i = 0; (perWorkspace.get(workspaceId) ?? 0) < events; i += 1) {
      await audit(workspaceId, iso(now - 5 * 365 * DAY + Math.floor((i / events) * 5 * 365 * DAY)), 'record.updated', `seed:${i}`, { i });
    }
    await flush('audit_events');
  }
  await flush('audit_events');
  await analyzeStore(store);
  return { workspaceId: firstWorkspace, otherWorkspaceIds: workspaceIds.slice(1), approverPersonId };
}
