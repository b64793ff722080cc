import { type Column, is, SQL, type Table } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';

/**
 * A table as both dialects must agree on it, with the dialect's words taken out: SQLite's integer
 * boolean and PostgreSQL's boolean are both "boolean", real and double precision both "real".
 */
export interface TableShape {
  name: string;
  /** The export name: store code picks `pg.x` or `sqlite.x`, so both must be called x. */
  exportName: string;
  columns: Record<string, { key: string; notNull: boolean; family: string; default: unknown; enumValues: string[] | undefined }>;
  primaryKey: string[];
  uniques: Record<string, { columns: string[]; partial: boolean }>;
  indexes: Record<string, { columns: string[]; partial: boolean }>;
  foreignKeys: Record<string, { columns: string[]; foreignTable: string; foreignColumns: string[] }>;
  checks: string[];
}

const FAMILIES: Record<string, string> = {
  SQLiteInteger: 'integer',
  SQLiteText: 'text',
  SQLiteTextJson: 'json',
  SQLiteBoolean: 'boolean',
  SQLiteReal: 'real',
  PgInteger: 'integer',
  PgText: 'text',
  PgJson: 'json',
  PgBoolean: 'boolean',
  PgDoublePrecision: 'real',
};

type AnyConfig = ReturnType<typeof sqliteTableConfig> | ReturnType<typeof pgTableConfig>;

function configOf(table: Table): AnyConfig {
  if (is(table, SQLiteTable)) return sqliteTableConfig(table);
  if (is(table, PgTable)) return pgTableConfig(table);
  throw new Error(`${String(table)} is neither a SQLite nor a PostgreSQL table`);
}

const columnNames = (columns: readonly unknown[]) => columns.map((column) => (is(column, SQL) ? '<expression>' : (column as Column).name));

/** The shape of one table; `exportName` is the name it is exported under. */
export function tableShape(exportName: string, table: Table): TableShape {
  const config = configOf(table);
  const keys = new Map(
    Object.entries(table as unknown as Record<string, unknown>).flatMap(([key, value]) => (value === undefined ? [] : [[value, key]])),
  );
  const shape: TableShape = {
    name: config.name,
    exportName,
    columns: {},
    primaryKey: [
      ...config.columns.filter((column) => column.primary).map((column) => column.name),
      ...config.primaryKeys.flatMap((key) => key.columns.map((column) => column.name)),
    ],
    uniques: {},
    indexes: {},
    foreignKeys: {},
    checks: config.checks.map((check) => check.name).sort(),
  };
  for (const column of config.columns) {
    shape.columns[column.name] = {
      key: String(keys.get(column) ?? '<no key>'),
      notNull: column.notNull,
      family: FAMILIES[column.columnType] ?? `unmapped ${column.columnType}`,
      default: column.default,
      enumValues: column.enumValues,
    };
    if (column.isUnique) shape.uniques[column.uniqueName ?? `${column.name} unique`] = { columns: [column.name], partial: false };
  }
  for (const unique of config.uniqueConstraints)
    shape.uniques[unique.getName() ?? ''] = { columns: columnNames(unique.columns), partial: false };
  for (const index of config.indexes) {
    const entry = { columns: columnNames(index.config.columns), partial: index.config.where !== undefined };
    (index.config.unique ? shape.uniques : shape.indexes)[index.config.name ?? '<unnamed>'] = entry;
  }
  for (const foreignKey of config.foreignKeys) {
    const reference = foreignKey.reference();
    shape.foreignKeys[foreignKey.getName()] = {
      columns: reference.columns.map((column) => column.name),
      foreignTable: configOf(reference.foreignTable).name,
      foreignColumns: reference.foreignColumns.map((column) => column.name),
    };
  }
  return shape;
}

/** The tables among a module's exports, by table name. */
export function tableShapes(exports: Record<string, unknown>): Map<string, TableShape> {
  const shapes = new Map<string, TableShape>();
  for (const [name, value] of Object.entries(exports)) {
    if (is(value, SQLiteTable) || is(value, PgTable)) {
      const shape = tableShape(name, value);
      shapes.set(shape.name, shape);
    }
  }
  return shapes;
}

/** Every way two schemas differ, one line each; empty when they agree. */
export function schemaDifferences(sqlite: Map<string, TableShape>, pg: Map<string, TableShape>): string[] {
  const found: string[] = [];
  for (const name of new Set([...sqlite.keys(), ...pg.keys()])) {
    const left = sqlite.get(name);
    const right = pg.get(name);
    if (!left || !right) {
      found.push(`table ${name}: only in ${left ? 'sqlite' : 'pg'}`);
      continue;
    }
    if (left.exportName !== right.exportName)
      found.push(`table ${name}: exported as ${left.exportName} (sqlite), ${right.exportName} (pg)`);
    for (const part of ['columns', 'uniques', 'indexes', 'foreignKeys'] as const) {
      for (const key of new Set([...Object.keys(left[part]), ...Object.keys(right[part])])) {
        const a = JSON.stringify(left[part][key]);
        const b = JSON.stringify(right[part][key]);
        if (a !== b) found.push(`table ${name}: ${part} ${key}: sqlite ${a ?? 'missing'}, pg ${b ?? 'missing'}`);
      }
    }
    for (const part of ['primaryKey', 'checks'] as const) {
      const a = JSON.stringify(left[part]);
      const b = JSON.stringify(right[part]);
      if (a !== b) found.push(`table ${name}: ${part}: sqlite ${a}, pg ${b}`);
    }
  }
  return found;
}
