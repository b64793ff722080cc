import { defineConfig } from 'drizzle-kit';

// The PostgreSQL twin of drizzle.config.ts: the same tables from schema-pg/ and each area's schema.pg.ts,
// migrations in their own folder. `generate` reads no database; the URL matters only to push/studio.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/store/schema-pg/index.ts', './src/features/*/schema.pg.ts'],
  out: './migrations/postgres',
  dbCredentials: { url: process.env.AIMS_DATABASE_URL ?? 'postgres://localhost:5432/aims' },
  strict: true,
  verbose: false,
});
