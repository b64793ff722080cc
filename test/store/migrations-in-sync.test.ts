import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import drizzleConfig from '../../drizzle.config.ts';

const ROOT = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'aims-migrations-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

function generate(out: string): string {
  // The schema files as drizzle.config.ts lists them (kernel tables and each area's schema.ts), the output
  // elsewhere: a config of its own, since drizzle-kit takes one --schema on its command line.
  // drizzle-kit resolves the out folder against the working directory, so it must be relative.
  const config = join(work, `drizzle-${readdirSync(work).length}.config.mjs`);
  writeFileSync(
    config,
    `export default ${JSON.stringify({ dialect: 'sqlite', schema: drizzleConfig.schema, out: relative(ROOT, out) })};\n`,
  );
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/drizzle-kit/bin.cjs'), 'generate', '--config', config], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (result.status !== 0) throw new Error(`drizzle-kit generate failed: ${result.stderr}${result.stdout}`);
  return `${result.stdout}${result.stderr}`;
}

describe('migrations', () => {
  it('the committed migrations match the drizzle schema (db:generate would add nothing)', () => {
    const copy = join(work, 'committed');
    cpSync(join(ROOT, 'migrations'), copy, { recursive: true });
    const before = readdirSync(copy).sort();
    const output = generate(copy);
    expect(readdirSync(copy).sort()).toEqual(before);
    expect(output).toMatch(/No schema changes/);
  });

  it('detects drift: from an empty folder drizzle-kit does generate a migration', () => {
    const empty = join(work, 'empty');
    generate(empty);
    expect(readdirSync(empty).filter((name) => name.endsWith('.sql'))).toHaveLength(1);
  });
});
