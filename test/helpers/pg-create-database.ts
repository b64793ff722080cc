import { randomBytes } from 'node:crypto';
import pg from 'pg';

let created = 0;

/** A database name no other worker or run picks: pid, a counter and random bytes (well under 63 bytes). */
function uniqueName(): string {
  created += 1;
  return `aims_test_${process.pid}_${created}_${randomBytes(4).toString('hex')}`;
}

/** The URL of database `name` on the server that `serverUrl` points at. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

/**
 * Creates a database (empty, or a copy of `template`) through `serverUrl` and returns its URL. Names are
 * quoted identifiers, so only plain ones are accepted: a test's typo must not become SQL.
 */
export async function createDatabaseAt(serverUrl: string, name: string = uniqueName(), template?: string): Promise<string> {
  for (const identifier of [name, template ?? 'template1']) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(identifier)) throw new Error(`Not a plain database name: ${identifier}`);
  }
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
  } finally {
    await client.end();
  }
  return databaseUrl(serverUrl, name);
}
