import type Database from 'better-sqlite3';
import { LEGACY_CHAIN, SYSTEM_CHAIN, type AuditHead } from '../../core/audit.ts';
import { chainRow, genesisEvent } from './audit-chain.ts';

/**
 * The cut-over on SQLite, run right after the migrations at open (synchronous like them, under one
 * BEGIN IMMEDIATE so two processes opening the store at once write each genesis once): when the store
 * has a legacy (global) chain, every workspace without a chain of its own, and the system chain, gets its
 * genesis event (AuditChainStore.startChains does the same on PostgreSQL, in a write unit).
 */
export function startChainsSqlite(sqlite: Database.Database, at = new Date().toISOString()): number {
  const run = sqlite.transaction(() => {
    const legacy = sqlite
      .prepare('SELECT sequence, hash FROM audit_events WHERE chain = ? ORDER BY sequence DESC LIMIT 1')
      .get(LEGACY_CHAIN) as AuditHead | undefined;
    if (!legacy) return 0;
    const chains = (
      sqlite
        .prepare('SELECT id FROM workspaces w WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.chain = w.id) ORDER BY id')
        .all() as Array<{ id: number }>
    ).map((row) => row.id);
    if (!sqlite.prepare('SELECT 1 FROM audit_events WHERE chain = ? LIMIT 1').get(SYSTEM_CHAIN)) chains.unshift(SYSTEM_CHAIN);
    const countLegacy = sqlite.prepare('SELECT count(*) AS n FROM audit_events WHERE chain = ? AND workspace_id IS ?');
    const insert = sqlite.prepare(
      'INSERT INTO audit_events (chain, sequence, at, workspace_id, actor_person_id, actor, action, subject, payload, previous_hash, hash) VALUES (@chain, @sequence, @at, @workspaceId, @actorPersonId, @actor, @action, @subject, @payload, @previousHash, @hash)',
    );
    for (const chain of chains) {
      const { n } = countLegacy.get(LEGACY_CHAIN, chain === SYSTEM_CHAIN ? null : chain) as { n: number };
      insert.run(chainRow(chain, { sequence: 0, hash: legacy.hash }, genesisEvent(chain, legacy, n), at));
    }
    return chains.length;
  });
  return run.immediate();
}
