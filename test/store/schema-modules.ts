import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '../..');

/** The schema files a drizzle config lists (kernel tables and each area's file in its folder), as absolute paths. */
export function schemaFiles(schema: string | string[] | undefined): string[] {
  const patterns = Array.isArray(schema) ? schema : [schema ?? ''];
  return patterns.flatMap((pattern) => {
    const [before, after] = pattern.split('*');
    if (after === undefined) return [join(ROOT, pattern)];
    const parent = join(ROOT, before ?? '');
    const file = after.replace(/^\//, '');
    return readdirSync(parent, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && readdirSync(join(parent, entry.name)).includes(file))
      .map((entry) => join(parent, entry.name, file));
  });
}

/** Every export of those files, merged, as drizzle-kit's generate sees them. */
export async function schemaExports(schema: string | string[] | undefined): Promise<Record<string, unknown>> {
  const imports: Record<string, unknown> = {};
  for (const file of schemaFiles(schema)) Object.assign(imports, (await import(pathToFileURL(file).href)) as Record<string, unknown>);
  return imports;
}
