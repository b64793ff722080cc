import type { SqliteStore } from '../../src/store/sqlite-store.ts';

/** Row counts of the tables a request may write, to assert that nothing was stored. */
export function storeCounts(store: SqliteStore): Record<string, number> {
  const count = (table: string) => (store.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    workspaces: count('workspaces'),
    people: count('people'),
    roles: count('role_assignments'),
    audit: count('audit_events'),
    dedupe: count('inbound_dedupe_keys'),
  };
}
