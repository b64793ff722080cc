// Child process for the concurrency test: opens the store file (migrating it if needed, as a second
// replica starting at the same moment would) and appends N audit events, each in its own transaction.
import { SqliteStore } from '../../src/store/sqlite-store.ts';

const [dbPath, count, label] = process.argv.slice(2);
if (!dbPath || !count || !label) throw new Error('usage: audit-writer <db> <count> <label>');
const store = SqliteStore.open(dbPath);
for (let i = 0; i < Number(count); i++) {
  await store.write(
    async (repos) =>
      await repos.audit.append(
        {
          workspaceId: null,
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
store.close();
