import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, MIGRATIONS_FOLDER } from '../../src/store/migrate.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The committed migrations up to (and including) `lastTag`, as a store of that version had them. */
function migrationsUpTo(lastTag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'aims-migrations-'));
  dirs.push(dir);
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalPath = join(dir, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
  const end = journal.entries.findIndex((entry) => entry.tag === lastTag);
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, end + 1) }));
  return dir;
}

describe('posted_messages migration', () => {
  it('moves the copies recorded in incidents.posts (JSON) into posted_messages, then drops the column', () => {
    const sqlite = new Database(':memory:');
    applyMigrations(sqlite, migrationsUpTo('0012_evidence-integrity'));
    sqlite.exec(`
      INSERT INTO workspaces (id, platform, external_id, name, created_at) VALUES (1, 'teams', 'tenant-1', null, '2026-11-01T00:00:00.000Z');
      INSERT INTO people (id, workspace_id, platform, external_id, display_name, created_at) VALUES (1, 1, 'teams', 'aad-rep', 'Rita', '2026-11-01T00:00:00.000Z');
      INSERT INTO incidents (id, workspace_id, number, system_name, title, description, severity, type, detected_at, affected,
        reporter_person_id, status, posts, created_at, updated_at)
      VALUES (7, 1, 1, 'Chatbot', 't', 'd', 'S1', 'other', '2026-11-01T00:00:00.000Z', 'a', 1, 'open',
        '[{"purpose":"incidents","channelId":"19:inc@thread.tacv2","messageId":"m-1","reference":{"serviceUrl":"https://smba.example/","conversation":{"id":"19:inc@thread.tacv2"}}},{"purpose":"leadership","channelId":"19:lead@thread.tacv2","messageId":"m-2"}]',
        '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z');
    `);
    applyMigrations(sqlite);
    const rows = sqlite
      .prepare('SELECT workspace_id, platform, subject, purpose, channel_id, message_id, reference FROM posted_messages ORDER BY id')
      .all() as Array<Record<string, unknown>>;
    expect(rows.map((row) => ({ ...row, reference: row.reference === null ? null : JSON.parse(String(row.reference)) }))).toEqual([
      {
        workspace_id: 1,
        platform: 'teams',
        subject: 'incident:7',
        purpose: 'incidents',
        channel_id: '19:inc@thread.tacv2',
        message_id: 'm-1',
        reference: { serviceUrl: 'https://smba.example/', conversation: { id: '19:inc@thread.tacv2' } },
      },
      {
        workspace_id: 1,
        platform: 'teams',
        subject: 'incident:7',
        purpose: 'leadership',
        channel_id: '19:lead@thread.tacv2',
        message_id: 'm-2',
        reference: null,
      },
    ]);
    const columns = (sqlite.prepare('PRAGMA table_info(incidents)').all() as Array<{ name: string }>).map((column) => column.name);
    expect(columns).not.toContain('posts');
    sqlite.close();
  });
});
