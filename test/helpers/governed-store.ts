import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor } from '../../src/core/actor.ts';
import { IncidentService } from '../../src/features/incidents/service.ts';
import { TrainingService } from '../../src/features/training/service.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { scorerWorkspace } from './scorer-workspace.ts';
import { openTestStore, testStoreUrl, TEST_STORE_KIND } from './store-kinds.ts';
import { sqlOf, type TestSql } from './test-sql.ts';

export interface GovernedStore {
  /** REL ids: approved by two approvers, pending with none, rejected. */
  approved: number;
  pending: number;
  rejected: number;
  people: Record<'admin' | 'requester' | 'app1' | 'app2' | 'member', Actor>;
  incidentId: number;
}

/**
 * A store with a little of everything the cross-checks read, made through the real services: releases in
 * each state, an acknowledged incident, a training session and a self-attested completion. `target` is a
 * SQLite file path (opened and closed here) or an open store of either kind (left open).
 */
export async function governedStore(target: string | GovernanceStore): Promise<GovernedStore> {
  const store = typeof target === 'string' ? SqliteStore.open(target) : target;
  try {
    const { people, system, releases, clock } = await scorerWorkspace(store, [
      { metric: 'recall', comparison: '>=', threshold: 0.9, dataset: 'holdout' },
    ]);
    const { admin } = people;
    const request = async (version: string) =>
      (
        await releases.request(people.requester, {
          aiSystemId: system.id,
          version,
          changeType: 'retrain',
          whatChanged: 'w',
          measurements: [{ metric: 'recall', dataset: 'holdout', value: 0.95 }],
          risks: 'r',
        })
      ).release.id;
    const approved = await request('1.0.0');
    await releases.decide(people.app1, approved, 'approve');
    await releases.decide(people.app2, approved, 'approve');
    const pending = await request('2.0.0');
    const rejected = await request('3.0.0');
    await releases.decide(people.app1, rejected, 'reject', 'Not this one.');

    const incidents = new IncidentService(store, clock);
    const { incident } = await incidents.report(admin, {
      aiSystemId: system.id,
      title: 'Scorer down',
      description: 'd',
      severity: 'S2',
      type: 'malfunction',
      detectedAt: '2026-11-22T09:00:00Z',
      affected: 'all',
    });
    await incidents.transition(admin, incident.number, 'acknowledge');

    const training = new TrainingService(store, clock, 'UTC');
    const course = await training.addCourse(admin, { name: 'AI Policy', description: 'd', requiredRoles: [], renewalMonths: 12 });
    await training.recordSession(admin, { courseId: course.id, date: '2026-11-20', trainer: 'Tess', attendeePersonIds: [admin.personId] });
    await training.selfAttest(people.member, { courseId: course.id, date: '2026-11-21' });
    return { approved, pending, rejected, people, incidentId: incident.id };
  } finally {
    if (typeof target === 'string') await store.close();
  }
}

/** What a tampering test does to a copy: plain SQL behind the bot's back, and the store's own writes (a forger's). */
export type Tamper = (sql: TestSql, store: GovernanceStore) => unknown;

/** A governed store where the aims CLI opens it (`--db`), on this project's store kind, and copies of it to tamper with. */
export interface GovernedDb {
  /** What `--db` takes: the SQLite file, or the PostgreSQL database's URL. */
  db: string;
  world: GovernedStore;
  /** Reads the pristine store behind the CLI's back. */
  read<T>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  /** A fresh copy of the pristine store, changed by `tamper` as someone with write access to the database would; its `--db`. */
  tampered(tamper: Tamper): Promise<string>;
}

/**
 * The governed store on this project's kind: on SQLite a file in `dir` (copies are copies of the file);
 * on PostgreSQL a database of the run's cluster (each copy is a new database governed the same way: the
 * services number what they make alike, so the copy's REL and person ids are the pristine's).
 */
export async function governedDb(dir: string): Promise<GovernedDb> {
  if (TEST_STORE_KIND === 'sqlite') {
    const db = join(dir, 'pristine.db');
    const world = await governedStore(db);
    let copies = 0;
    const onFile = async <T>(path: string, use: (store: SqliteStore) => Promise<T>): Promise<T> => {
      const store = SqliteStore.open(path);
      try {
        return await use(store);
      } finally {
        store.close();
      }
    };
    return {
      db,
      world,
      read: async <T>(sql: string, ...params: unknown[]) => await onFile(db, async (store) => await sqlOf(store).get<T>(sql, ...params)),
      async tampered(tamper) {
        const path = join(dir, `copy-${++copies}.db`);
        copyFileSync(db, path);
        await onFile(path, async (store) => await tamper(sqlOf(store), store));
        return path;
      },
    };
  }
  const inDatabase = async (use: (store: GovernanceStore, world: GovernedStore) => unknown) => {
    const store = await openTestStore();
    try {
      const world = await governedStore(store);
      await use(store, world);
      return { url: testStoreUrl(store) ?? '', world, sql: sqlOf(store) };
    } finally {
      await store.close();
    }
  };
  const pristine = await inDatabase(() => undefined);
  return {
    db: pristine.url,
    world: pristine.world,
    read: async <T>(sql: string, ...params: unknown[]) => await pristine.sql.get<T>(sql, ...params),
    async tampered(tamper) {
      const copy = await inDatabase(async (store, world) => {
        if (JSON.stringify(world) !== JSON.stringify(pristine.world))
          throw new Error('the copy is numbered differently from the pristine store');
        await tamper(sqlOf(store), store);
      });
      return copy.url;
    },
  };
}
