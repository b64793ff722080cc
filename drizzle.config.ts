import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/store/schema/index.ts',
  out: './migrations',
  dbCredentials: { url: process.env.AIMS_DB ?? './data/aims.db' },
  strict: true,
  verbose: false,
});
