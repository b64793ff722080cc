import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = join(import.meta.dirname, '../../src/core');
const FORBIDDEN = [
  /^(\.\.\/)+(slack|teams|store|chat|cli|jobs|api)(\/|$)/,
  /^@slack\//,
  /^botbuilder/,
  /^drizzle-orm/,
  /^better-sqlite3/,
  /^express/,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

export function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const pattern = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(pattern)) specifiers.push(match[1] ?? match[2] ?? match[3] ?? '');
  return specifiers;
}

describe('architecture boundary', () => {
  it('finds the core sources it is guarding', () => {
    expect(sourceFiles(CORE).length).toBeGreaterThan(5);
  });

  it('core imports nothing from the outer folders, Slack, Teams or the database', () => {
    const violations = sourceFiles(CORE).flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .filter((specifier) => FORBIDDEN.some((rule) => rule.test(specifier)))
        .map((specifier) => `${relative(CORE, file)} imports ${specifier}`),
    );
    expect(violations).toEqual([]);
  });

  it('recognises each kind of forbidden import (so the guard cannot pass vacuously)', () => {
    const sample = [
      "import { App } from '@slack/bolt';",
      "import type { Db } from '../store/database.ts';",
      "export { x } from '../../chat/chat-router.ts';",
      "const m = await import('botbuilder');",
      "import 'drizzle-orm';",
    ].join('\n');
    const found = importsOf(sample).filter((specifier) => FORBIDDEN.some((rule) => rule.test(specifier)));
    expect(found).toEqual(['@slack/bolt', '../store/database.ts', '../../chat/chat-router.ts', 'botbuilder', 'drizzle-orm']);
  });
});
