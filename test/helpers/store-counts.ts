import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { sqlOf } from './test-sql.ts';

/** Row counts of the tables a request may write, to assert that nothing was stored. */
export async function storeCounts(store: GovernanceStore): Promise<Record<string, number>> {
  const sql = sqlOf(store);
  return {
    workspaces: await sql.count('workspaces'),
    people: await sql.count('people'),
    roles: await sql.count('role_assignments'),
    audit: await sql.count('audit_events'),
    dedupe: await sql.count('inbound_dedupe_keys'),
  };
}
