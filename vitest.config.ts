import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
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
    env: { NODE_ENV: 'test' },
  },
});
