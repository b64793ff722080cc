import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock, type Clock } from '../../../src/core/clock.ts';
import type { PackWorkerOptions } from '../../../src/features/evidence-pack/worker.ts';
import { startFakeSlackApi } from '../../helpers/fake-slack-api.ts';
import { startFakeTeamsConnector } from '../../helpers/fake-teams-connector.ts';
import { TEST_SIGNING_SECRET } from '../../helpers/slack-signing.ts';
import { startTestApp, TEST_START, type TestApp, type TestAppOptions } from '../../helpers/start-test-app.ts';
import { openTestStore, TEST_STORE_KIND, testStoreUrl, trackTestStore } from '../../helpers/store-kinds.ts';

/**
 * One database that several bots open in turn or at once (replicas, a restart): on SQLite a file of
 * the test's, on PostgreSQL a fresh migrated database of this project's cluster.
 */
export async function sharedDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'aims-packs-'));
  let url: string | undefined;
  if (TEST_STORE_KIND === 'postgres') {
    const store = await openTestStore();
    url = testStoreUrl(store);
    await store.close();
  }
  const env: Record<string, string> = { AIMS_DB: join(dir, 'aims.db'), ...(url ? { AIMS_DATABASE_URL: url } : {}) };
  return {
    env,
    /** A bot on this database; `packWorker: false` plays a process that stops before it builds anything. */
    async start(
      extra: Record<string, string>,
      options: { packWorker?: boolean | PackWorkerOptions; clock?: Clock } = {},
    ): Promise<TestApp> {
      const appOptions = { packWorker: options.packWorker ?? true } as TestAppOptions;
      // SQLite's open sets journal_mode before busy_timeout, so a second connection opening while the first
      // writes fails at once with SQLITE_BUSY instead of waiting: the second replica tries again.
      let app: TestApp | undefined;
      for (let attempt = 1; !app; attempt += 1) {
        try {
          app = await startTestApp({ ...env, ...extra }, options.clock ?? fixedClock(TEST_START), appOptions);
        } catch (error) {
          if (attempt >= 20 || !String(error).includes('SQLITE_BUSY')) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      if (url) trackTestStore(app.store, url);
      return app;
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A claim left by a process of this host that is no longer running (pid far above any live one). */
export const deadClaim = () => `${hostname()}:4194000:dead0000`;

export const slackEnv = (apiUrl: string, admins: string): Record<string, string> => ({
  SLACK_BOT_TOKEN: 'xoxb-test-token',
  SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
  SLACK_API_URL: apiUrl,
  AIMS_ADMINS: admins,
});

export { startFakeSlackApi, startFakeTeamsConnector };
