// Child process for the concurrency test: opens the store (a SQLite file or a PostgreSQL URL), migrating
// it if needed as a second replica starting at the same moment would, and appends N audit events, each in
// its own transaction, to the system chain or to the chain of the workspace given.
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { isPostgresUrl } from '../../src/store/open-store.ts';
import { PgStore } from '../../src/store/postgres/pg-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';

const [db, count, label, workspace] = process.argv.slice(2);
if (!db || !count || !label) throw new Error('usage: audit-writer <db file or postgres URL> <count> <label> [workspace id]');
const store: GovernanceStore = isPostgresUrl(db) ? await PgStore.open(db) : SqliteStore.open(db);
for (let i = 0; i < Number(count); i++) {
  await store.write(
    async (repos) =>
      await repos.audit.append(
        {
          workspaceId: workspace === undefined ? null : Number(workspace),
          actorPersonId: null,
          actor: `test:${label}`,
          action: 'test.appended',
          subject: `${label}:${i}`,
          before: null,
          after: { i },
        },
        new Date().toISOString(),
      ),
  );
}
await store.close();
