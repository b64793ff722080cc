import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import drizzlePostgresConfig from '../../drizzle.config.postgres.ts';
import drizzleConfig from '../../drizzle.config.ts';
import * as aiSystemsPg from '../../src/features/ai-systems/schema.pg.ts';
import * as aiSystems from '../../src/features/ai-systems/schema.ts';
import * as incidentsPg from '../../src/features/incidents/schema.pg.ts';
import * as incidents from '../../src/features/incidents/schema.ts';
import * as onboardingPg from '../../src/features/onboarding/schema.pg.ts';
import * as onboarding from '../../src/features/onboarding/schema.ts';
import * as releasesPg from '../../src/features/releases/schema.pg.ts';
import * as releases from '../../src/features/releases/schema.ts';
import * as reviewsPg from '../../src/features/reviews/schema.pg.ts';
import * as reviews from '../../src/features/reviews/schema.ts';
import * as trainingPg from '../../src/features/training/schema.pg.ts';
import * as training from '../../src/features/training/schema.ts';
import * as kernelPg from '../../src/store/schema-pg/index.ts';
import * as kernel from '../../src/store/schema/index.ts';
import { schemaExports, schemaFiles } from './schema-modules.ts';
import { schemaDifferences, tableShape, tableShapes } from './schema-shape.ts';

/** What a row reads as in JS, per export: repository code written once must see the same values on both. */
type Rows<M> = { [K in keyof M]: M[K] extends { $inferSelect: infer Row } ? Row : M[K] };

describe('the PostgreSQL schema mirrors the SQLite one', () => {
  it('both configs list the same schema files, one twin for each', () => {
    const sqliteFiles = schemaFiles(drizzleConfig.schema).map((file) => file.replace('/schema/index.ts', '/<kernel>').replace(/\.ts$/, ''));
    const pgFiles = schemaFiles(drizzlePostgresConfig.schema).map((file) =>
      file.replace('/schema-pg/index.ts', '/<kernel>').replace(/\.pg\.ts$/, ''),
    );
    expect(pgFiles.sort()).toEqual(sqliteFiles.sort());
    expect(sqliteFiles.length).toBeGreaterThan(5);
  });

  it('same tables, export names, columns (name, key, nullability, type family, default, enum), keys, indexes, foreign keys, checks', async () => {
    const sqlite = tableShapes(await schemaExports(drizzleConfig.schema));
    const pg = tableShapes(await schemaExports(drizzlePostgresConfig.schema));
    expect(sqlite.size).toBeGreaterThan(20);
    expect(schemaDifferences(sqlite, pg)).toEqual([]);
  });

  it('reports drift: a pg table that differs in each way is caught, one line per difference', () => {
    const drifted = pgTable(
      'workspaces',
      {
        // Renamed key, still the same DB column: store code reading `.platform` would get undefined.
        id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
        kind: text('platform', { enum: ['slack', 'teams', 'discord'] }).notNull(),
        externalId: integer('external_id').notNull(),
        name: text('name').notNull(),
        createdAt: text('created_at').notNull(),
        extra: text('extra'),
        ownerId: integer('owner_id').references(() => kernelPg.people.id),
      },
      (t) => [index('workspaces_platform_external_id_uq').on(t.kind, t.externalId), check('other_ck', sql`${t.kind} is not null`)],
    );
    const sqlite = tableShapes(kernel);
    const pg = tableShapes({ ...kernelPg, workspaces: undefined, workspacesRenamed: drifted });
    pg.delete('audit_events');
    const found = schemaDifferences(sqlite, pg);
    expect(found).toEqual(
      expect.arrayContaining([
        'table audit_events: only in sqlite',
        'table workspaces: exported as workspaces (sqlite), workspacesRenamed (pg)',
        expect.stringMatching(/^table workspaces: columns platform: .*"key":"platform".*"key":"kind"/),
        expect.stringMatching(/^table workspaces: columns platform: .*"discord"/),
        expect.stringMatching(/^table workspaces: columns external_id: .*"family":"text".*"family":"integer"/),
        expect.stringMatching(/^table workspaces: columns name: .*"notNull":false.*"notNull":true/),
        'table workspaces: columns extra: sqlite missing, pg {"key":"extra","notNull":false,"family":"text"}',
        expect.stringMatching(/^table workspaces: uniques workspaces_platform_external_id_uq: sqlite \{.*\}, pg missing$/),
        expect.stringMatching(/^table workspaces: indexes workspaces_platform_external_id_uq: sqlite missing/),
        expect.stringMatching(/^table workspaces: foreignKeys workspaces_owner_id_people_id_fk: sqlite missing/),
        'table workspaces: checks: sqlite ["workspaces_platform_ck"], pg ["other_ck"]',
      ]),
    );
    // A partial index that lost its condition, and a primary key on another column, are drift too.
    const decisions = tableShape('releaseDecisions', releasesPg.releaseDecisions);
    const withoutWhere = {
      ...decisions,
      uniques: { release_decisions_person_active_uq: { columns: ['release_id', 'person_id'], partial: false } },
    };
    const otherKey = { ...decisions, primaryKey: ['release_id'] };
    const sqliteDecisions = new Map([['release_decisions', tableShape('releaseDecisions', releases.releaseDecisions)]]);
    expect(schemaDifferences(sqliteDecisions, new Map([['release_decisions', withoutWhere]]))).toEqual([
      'table release_decisions: uniques release_decisions_person_active_uq: sqlite {"columns":["release_id","person_id"],"partial":true}, pg {"columns":["release_id","person_id"],"partial":false}',
    ]);
    expect(schemaDifferences(sqliteDecisions, new Map([['release_decisions', otherKey]]))).toEqual([
      'table release_decisions: primaryKey: sqlite ["id"], pg ["release_id"]',
    ]);
  });

  it('every constraint and index name fits in PostgreSQL identifiers (63 bytes; longer ones are cut and drift)', async () => {
    const pg = tableShapes(await schemaExports(drizzlePostgresConfig.schema));
    const names = [...pg.values()].flatMap((shape) => [
      shape.name,
      ...Object.keys(shape.columns),
      ...Object.keys(shape.uniques),
      ...Object.keys(shape.indexes),
      ...Object.keys(shape.foreignKeys),
      ...shape.checks,
    ]);
    expect(names.length).toBeGreaterThan(100);
    expect(names.filter((name) => Buffer.byteLength(name) > 63)).toEqual([]);
  });

  it('rows read as the same JS types in both dialects (checked by tsc)', () => {
    expectTypeOf<Rows<typeof kernelPg>>().toEqualTypeOf<Rows<typeof kernel>>();
    expectTypeOf<Rows<typeof aiSystemsPg>>().toEqualTypeOf<Rows<typeof aiSystems>>();
    expectTypeOf<Rows<typeof incidentsPg>>().toEqualTypeOf<Rows<typeof incidents>>();
    expectTypeOf<Rows<typeof onboardingPg>>().toEqualTypeOf<Rows<typeof onboarding>>();
    expectTypeOf<Rows<typeof releasesPg>>().toEqualTypeOf<Rows<typeof releases>>();
    expectTypeOf<Rows<typeof reviewsPg>>().toEqualTypeOf<Rows<typeof reviews>>();
    expectTypeOf<Rows<typeof trainingPg>>().toEqualTypeOf<Rows<typeof training>>();
    // The same check at run time, for what tsc cannot see: the same export names in each pair.
    const pairs = [
      [kernel, kernelPg],
      [aiSystems, aiSystemsPg],
      [incidents, incidentsPg],
      [onboarding, onboardingPg],
      [releases, releasesPg],
      [reviews, reviewsPg],
      [training, trainingPg],
    ];
    for (const [sqliteModule, pgModule] of pairs)
      expect(Object.keys(pgModule ?? {}).sort()).toEqual(Object.keys(sqliteModule ?? {}).sort());
  });
});
