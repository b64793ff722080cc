import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  // Kernel tables, and each area's own schema.ts in its folder.
  schema: ['./src/store/schema/index.ts', './src/features/*/schema.ts'],
  out: './migrations',
  dbCredentials: { url: process.env.AIMS_DB ?? './data/aims.db' },
  strict: true,
  verbose: false,
});
