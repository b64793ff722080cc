import { defineConfig } from 'vitest/config';
import { pgBinaries } from './test/helpers/pg-binaries.ts';

// The suite runs twice: every file on SQLite, then every file that touches a store again on PostgreSQL
// (AIMS_TEST_STORE=postgres: startTestApp and openTestStore give that project's tests a PostgreSQL
// database). The PostgreSQL project exists only where its binaries are; test/global-pg.ts says so in the
// output either way.
const withPostgres = pgBinaries() !== undefined;

// Tests of PostgreSQL itself (its store, its cluster, copies to it, replicas on it): in the PostgreSQL
// project when there is one; without one they stay in the SQLite project, where they report as skipped.
const POSTGRES_ONLY = [
  'test/store/pg-store.test.ts',
  'test/store/pg-cluster.test.ts',
  'test/store/db-copy.test.ts',
  'test/store/migrations-in-sync-postgres.test.ts',
  'test/cli/db-copy.test.ts',
  'test/e2e/two-replicas.test.ts',
  'test/e2e/replica-crash.test.ts',
];

// Files that never open a store, or test SQLite itself (its units, its in-memory image, its file on disk,
// its migrations, the schemas of both dialects compared once): the SQLite project only.
const STORE_FREE_OR_SQLITE_ONLY = [
  'test/chat/format-time.test.ts',
  'test/chat/parse-command.test.ts',
  'test/config.test.ts',
  'test/logger.test.ts',
  'test/core/mask-secrets.test.ts',
  'test/core/boundary.test.ts',
  'test/features/training/domain.test.ts',
  'test/manifests/**',
  'test/slack/**',
  'test/teams/**',
  'test/store/migrations-in-sync.test.ts',
  'test/store/schema-parity.test.ts',
  'test/store/sqlite-units.test.ts',
  'test/store/memory-image.test.ts',
  'test/store/posted-messages-migration.test.ts',
  'test/e2e/store-health.test.ts',
  'test/e2e/npm-start.test.ts',
];

export default defineConfig({
  test: {
    environment: 'node',
    // One throwaway PostgreSQL cluster per run when its binaries are here; it prints whether PostgreSQL tests run.
    globalSetup: ['test/global-pg.ts'],
    // End-to-end files start servers and child processes; two cores, so keep parallelism modest.
    pool: 'forks',
    maxWorkers: 2,
    // One module cache per worker, shared by the files it runs: Bolt, botbuilder and the app are imported
    // once per worker instead of once per file (the import was most of the run). Tests therefore keep no
    // state in modules: every test builds its own store, app and fakes, and restores what it changes in
    // process.env or on process.
    isolate: false,
    // Hang guards, not speed bars: multi-process tests (two bots, CLI runs) on a loaded 2-core machine
    // take several times their idle time. Speed is measured by npm run bench, never by tests.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['test/**/*.test.ts'],
          exclude: withPostgres ? POSTGRES_ONLY : [],
          env: { NODE_ENV: 'test', AIMS_TEST_STORE: 'sqlite' },
        },
      },
      ...(withPostgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: ['test/**/*.test.ts'],
                exclude: STORE_FREE_OR_SQLITE_ONLY,
                env: { NODE_ENV: 'test', AIMS_TEST_STORE: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
