import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/aims-cli.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { governedDb, type GovernedDb, type GovernedStore, type Tamper } from '../helpers/governed-store.ts';
import type { TestSql } from '../helpers/test-sql.ts';

const dir = mkdtempSync(join(tmpdir(), 'aims-gate-'));
// The store the gate reads: a SQLite file, or a PostgreSQL database (--db takes its URL), per the project.
let governed: GovernedDb;
let pristine: string;
let world: GovernedStore;

async function gate(path: string, id: number) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['release', 'status', String(id), '--db', path], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: {},
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const tampered = async (tamper: Tamper): Promise<string> => await governed.tampered(tamper);

/**
 * What someone who can run code against the store could forge: decision rows with matching audit
 * events (a valid chain), a release.approved event and the status. The gate still checks who approved.
 */
async function forgeApprovals(sql: TestSql, store: GovernanceStore, releaseId: number, personIds: number[]): Promise<void> {
  const { content_hash: contentHash, workspace_id: workspaceId } = (await sql.get<{ content_hash: string; workspace_id: number }>(
    'SELECT content_hash, workspace_id FROM releases WHERE id = ?',
    releaseId,
  ))!;
  const at = '2026-11-22T11:00:00.000Z';
  // The rows by hand (behind the bot's back), their events through the store's own append (a valid chain).
  for (const personId of personIds)
    await sql.run(
      "INSERT INTO release_decisions (release_id, person_id, decision, content_hash, at, active) VALUES (?, ?, 'approve', ?, ?, TRUE)",
      releaseId,
      personId,
      contentHash,
      at,
    );
  await store.write(async (repos) => {
    for (const personId of personIds) {
      await repos.audit.append(
        {
          workspaceId,
          actorPersonId: personId,
          actor: 'forged',
          action: 'release.approval_given',
          subject: `release:${releaseId}`,
          before: null,
          after: { decision: 'approve', comment: null, contentHash },
        },
        at,
      );
    }
    await repos.audit.append(
      {
        workspaceId,
        actorPersonId: personIds[0] ?? null,
        actor: 'forged',
        action: 'release.approved',
        subject: `release:${releaseId}`,
        before: { status: 'pending' },
        after: { status: 'approved', approvals: personIds.length, contentHash },
      },
      at,
    );
  });
  await sql.run("UPDATE releases SET status = 'approved' WHERE id = ?", releaseId);
}

beforeAll(async () => {
  governed = await governedDb(dir);
  pristine = governed.db;
  world = governed.world;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('aims release status (the CI gate)', () => {
  it('exits 0 approved, 2 pending, 1 rejected, 3 unknown, from the decisions and their audit events', async () => {
    expect(await gate(pristine, world.approved)).toMatchObject({
      code: 0,
      out: `REL-${world.approved} Scorer 1.0.0: approved (2 of 2 approvals)`,
    });
    expect(await gate(pristine, world.pending)).toMatchObject({
      code: 2,
      out: `REL-${world.pending} Scorer 2.0.0: pending (0 of 2 approvals)`,
    });
    expect(await gate(pristine, world.rejected)).toMatchObject({
      code: 1,
      out: `REL-${world.rejected} Scorer 3.0.0: rejected (0 of 2 approvals)`,
    });
    expect(await gate(pristine, 99)).toMatchObject({ code: 3, err: expect.stringContaining('No release 99') });
  });

  it("UPDATE releases SET status = 'approved' on a release with 0 of 2 approvals fails the gate, naming the check", async () => {
    const path = await tampered(async (sql) => await sql.run("UPDATE releases SET status = 'approved' WHERE id = ?", world.pending));
    const result = await gate(path, world.pending);
    expect(result.code).toBe(1);
    expect(result.out).toBe(
      `REL-${world.pending} Scorer 2.0.0: NOT APPROVED: check "status" failed: the status column says 'approved' but the chain records 0 of 2 approvals`,
    );
  });

  it.each([
    [
      'approval rows without audit events',
      async (sql: TestSql) => {
        for (const p of [world.people.app1, world.people.app2])
          await sql.run(
            "INSERT INTO release_decisions (release_id, person_id, decision, content_hash, at, active) SELECT id, ?, 'approve', content_hash, 'x', TRUE FROM releases WHERE id = ?",
            p.personId,
            world.pending,
          );
        await sql.run("UPDATE releases SET status = 'approved' WHERE id = ?", world.pending);
      },
      'decisions backed by audit events',
      () => `the approval by person #${world.people.app1.personId} has no matching audit event`,
    ],
    [
      'the approvals needed lowered to 0',
      async (sql: TestSql) => await sql.run("UPDATE releases SET approvals_needed = 0, status = 'approved' WHERE id = ?", world.pending),
      'recorded in the chain',
      () => 'it needs 0 approvals but the chain records 2',
    ],
    [
      'the rejection deleted and the status set',
      async (sql: TestSql) => {
        await sql.run('DELETE FROM release_decisions WHERE release_id = ?', world.rejected);
        await sql.run("UPDATE releases SET status = 'approved' WHERE id = ?", world.rejected);
      },
      'decisions backed by audit events',
      () => `the chain records a rejection by person #${world.people.app1.personId}`,
    ],
    [
      'an approval by the requester, forged with a valid chain',
      async (sql: TestSql, store: GovernanceStore) =>
        await forgeApprovals(sql, store, world.pending, [world.people.requester.personId, world.people.app1.personId]),
      'not by the requester',
      () => `the requester (person #${world.people.requester.personId}) approved it`,
    ],
    [
      'an approval by a non-approver, forged with a valid chain',
      async (sql: TestSql, store: GovernanceStore) =>
        await forgeApprovals(sql, store, world.pending, [world.people.member.personId, world.people.app1.personId]),
      'by approvers',
      () => `person #${world.people.member.personId} did not hold the approver role when approving, per the chain`,
    ],
    [
      'the version of an approved release edited in place',
      async (sql: TestSql) => await sql.run("UPDATE releases SET version = '9.9.9' WHERE id = ?", world.approved),
      'recorded in the chain',
      () => "the version is '9.9.9' but the chain records '1.0.0'",
    ],
    [
      'the metrics of an approved release edited in place',
      async (sql: TestSql) => await sql.run('UPDATE release_metrics SET measured = 0.1 WHERE release_id = ?', world.approved),
      'recorded in the chain',
      () => 'the measured values differ from the ones the chain records',
    ],
    [
      'an audit event edited',
      async (sql: TestSql) =>
        await sql.run(
          "UPDATE audit_events SET payload = replace(payload, 'Not this one.', 'Fine.') WHERE action = 'release.rejection_given'",
        ),
      'audit chain intact',
      () => 'the audit chain of workspace slack:T1 is broken at sequence',
    ],
  ])('fails on %s, naming the check', async (what, tamper, check, detail) => {
    // The rejected release is the one whose rejection is deleted or whose audit event is edited.
    const id = /rejection|audit event edited/.test(what) ? world.rejected : /approved release/.test(what) ? world.approved : world.pending;
    const result = await gate(await tampered(tamper), id);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`NOT APPROVED: check "${check}" failed: `);
    expect(result.out).toContain(detail());
  });
});
