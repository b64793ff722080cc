import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** How many migrations are committed (drizzle-kit's journal). */
export const MIGRATION_COUNT = (
  JSON.parse(readFileSync(join(import.meta.dirname, '../../migrations/meta/_journal.json'), 'utf8')) as { entries: unknown[] }
).entries.length;
