import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import { AREAS } from '../../src/features/index.ts';
import { createLogger } from '../../src/logger.ts';
import { createServices, mergeAreaServices } from '../../src/services.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';

const SRC = join(import.meta.dirname, '../../src');
const CORE = join(SRC, 'core');
const FEATURES = join(SRC, 'features');
const FORBIDDEN = [
  /^(\.\.\/)+(slack|teams|store|chat|cli|jobs|api|features)(\/|$)/,
  /^@slack\//,
  /^botbuilder/,
  /^drizzle-orm/,
  /^better-sqlite3/,
  /^express/,
];
const PLATFORM_PACKAGES = [/^@slack\//, /^botbuilder/, /^botframework/, /^drizzle-orm/, /^better-sqlite3/, /^express/];
/** The files an area folder may hold: the same names in every area (README, "Architecture"). */
const AREA_FILES = [
  'domain.ts',
  'input.ts',
  'service.ts',
  'port.ts',
  'store.ts',
  'schema.ts',
  'schema.pg.ts',
  'forms.ts',
  'views.ts',
  'commands.ts',
  'feature.ts',
];
/**
 * Files only some areas have: export.ts, where the area has an `aims <area> export`; review-inputs.ts, its
 * management review inputs; worker.ts, a background worker the app starts and stops (the evidence pack's,
 * which builds and sends the packs asked for in chat).
 */
const OPTIONAL_AREA_FILES = ['export.ts', 'review-inputs.ts', 'worker.ts'];
/** The parts of an area that must stay free of platform, chat and store code. */
const INNER_FILES = ['domain.ts', 'input.ts', 'service.ts', 'port.ts'];

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

/** What a file imports, as paths under src/ ("store/database.ts") or package names. */
function targetsOf(file: string): Array<{ specifier: string; target: string }> {
  return importsOf(readFileSync(file, 'utf8')).map((specifier) => ({
    specifier,
    target: specifier.startsWith('.')
      ? relative(SRC, resolve(dirname(file), specifier))
          .split(sep)
          .join('/')
      : specifier,
  }));
}

/** `file imports x` for every import of the files under `dir` that `bad` flags. */
function violations(files: string[], bad: (target: string, file: string) => boolean): string[] {
  return files.flatMap((file) =>
    targetsOf(file)
      .filter(({ target }) => bad(target, file))
      .map(({ specifier }) => `${relative(SRC, file)} imports ${specifier}`),
  );
}

const under = (folder: string) => (target: string) => target === folder || target.startsWith(`${folder}/`);
const areaOf = (path: string) => /^features\/([^/]+)\//.exec(relative(SRC, path).split(sep).join('/'))?.[1];
const areas = readdirSync(FEATURES).filter((name) => statSync(join(FEATURES, name)).isDirectory());

describe('architecture boundary', () => {
  it('finds the sources it is guarding', () => {
    expect(sourceFiles(CORE).length).toBeGreaterThan(5);
    expect(sourceFiles(join(SRC, 'chat')).length).toBeGreaterThan(5);
    expect(areas).toContain('reviews');
    expect(
      readdirSync(join(FEATURES, 'reviews'))
        .filter((name) => !OPTIONAL_AREA_FILES.includes(name))
        .sort(),
    ).toEqual([...AREA_FILES].sort());
    expect(readdirSync(join(FEATURES, 'reviews')).sort()).toEqual([...AREA_FILES, 'export.ts', 'review-inputs.ts'].sort());
    expect(readdirSync(join(FEATURES, 'evidence-pack'))).toContain('worker.ts');
  });

  it('core imports nothing from the outer folders or the areas, Slack, Teams or the database', () => {
    const found = sourceFiles(CORE).flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .filter((specifier) => FORBIDDEN.some((rule) => rule.test(specifier)))
        .map((specifier) => `${relative(CORE, file)} imports ${specifier}`),
    );
    expect(found).toEqual([]);
  });

  it('the chat layer imports nothing from slack/, teams/ or store/, nor their packages', () => {
    const files = sourceFiles(join(SRC, 'chat'));
    expect(
      violations(
        files,
        (target) =>
          ['slack', 'teams', 'store'].some((folder) => under(folder)(target)) || PLATFORM_PACKAGES.some((rule) => rule.test(target)),
      ),
    ).toEqual([]);
  });

  it('slack/ and teams/ never import each other', () => {
    expect(violations(sourceFiles(join(SRC, 'slack')), under('teams'))).toEqual([]);
    expect(violations(sourceFiles(join(SRC, 'teams')), under('slack'))).toEqual([]);
  });

  it('every area folder holds only the files of the one layout', () => {
    const strays = areas.flatMap((area) =>
      readdirSync(join(FEATURES, area))
        .filter((name) => !AREA_FILES.includes(name) && !OPTIONAL_AREA_FILES.includes(name))
        .map((name) => `features/${area}/${name}`),
    );
    expect(strays).toEqual([]);
  });

  it("an area's commands and forms live in its folder; the chat layer reaches areas only through their services", () => {
    // The chat layer keeps only what every area shares: the command context, the view and form types.
    expect(readdirSync(join(SRC, 'chat', 'commands'))).toEqual(['command-context.ts']);
    expect(readdirSync(join(SRC, 'chat'))).not.toContain('forms');
    // The chat layer reaches an area only through its service types.
    const chatFiles = sourceFiles(join(SRC, 'chat'));
    expect(violations(chatFiles, (target) => /^features\/[^/]+\/(?!service\.ts$)/.test(target))).toEqual([]);
  });

  it("an area's domain, input, service and port import no platform, chat or store code", () => {
    const inner = sourceFiles(FEATURES).filter((file) => areaOf(file) && INNER_FILES.includes(file.split(sep).at(-1) ?? ''));
    expect(inner.length).toBeGreaterThanOrEqual(4);
    const outer = ['slack', 'teams', 'store', 'chat', 'api', 'cli', 'jobs'];
    expect(
      violations(inner, (target) => outer.some((folder) => under(folder)(target)) || PLATFORM_PACKAGES.some((rule) => rule.test(target))),
    ).toEqual([]);
  });

  it("no area imports another area's store code (areas talk through their services)", () => {
    const areaFiles = sourceFiles(FEATURES).filter((file) => areaOf(file));
    // A schema.ts (or schema.pg.ts, its PostgreSQL twin) may name another area's table of its own dialect in a
    // foreign key (reviews -> AI systems); nothing else may.
    const otherStore = (target: string, file: string) => {
      const match = /^features\/([^/]+)\/(store|schema|schema\.pg)\.ts$/.exec(target);
      return match !== null && match[1] !== areaOf(file) && !(match[2] !== 'store' && file.endsWith(`${sep}${match[2]}.ts`));
    };
    expect(violations(areaFiles, otherStore)).toEqual([]);
    // Nor does any code outside the store and the registration list reach into an area's store code.
    const elsewhere = sourceFiles(SRC).filter(
      (file) =>
        !areaOf(file) && !under('store')(relative(SRC, file).split(sep).join('/')) && relative(SRC, file) !== join('features', 'index.ts'),
    );
    expect(violations(elsewhere, (target) => /^features\/[^/]+\/(store|schema|schema\.pg)\.ts$/.test(target))).toEqual([]);
  });

  it("no area's service writes another area's repositories (it calls that area's service)", () => {
    // The repositories an area adds to core's Repositories, read from its port.ts.
    const owner = new Map<string, string>();
    for (const area of areas.filter((name) => readdirSync(join(FEATURES, name)).includes('port.ts'))) {
      const port = join(FEATURES, area, 'port.ts');
      const block = /interface Repositories\s*\{([^}]*)\}/.exec(readFileSync(port, 'utf8'))?.[1] ?? '';
      for (const match of block.matchAll(/^\s*(\w+)\s*:/gm)) owner.set(match[1] ?? '', area);
    }
    expect(owner.get('actions')).toBe('incidents');
    const writes = /\brepos\.(\w+)\.((?:insert|update|add|remove|drop|replace|mark|delete|set)\w*)\(/g;
    const found = areas
      .filter((area) => readdirSync(join(FEATURES, area)).includes('service.ts'))
      .flatMap((area) =>
        [...readFileSync(join(FEATURES, area, 'service.ts'), 'utf8').matchAll(writes)]
          .filter((match) => owner.has(match[1] ?? '') && owner.get(match[1] ?? '') !== area)
          .map((match) => `features/${area}/service.ts writes repos.${match[1]}.${match[2]}`),
      );
    expect(found).toEqual([]);
  });

  it('chat-services.ts and services.ts name no area: they list the kernel, each area adds its service from its folder', () => {
    const wiring = [join(SRC, 'chat', 'chat-services.ts'), join(SRC, 'services.ts')];
    // services.ts reaches the areas only through the registration list.
    expect(violations(wiring, (target) => /^features\/[^/]+\//.test(target))).toEqual([]);
    const withService = areas.filter((area) => readdirSync(join(FEATURES, area)).includes('service.ts'));
    const classes = withService.flatMap((area) =>
      [...readFileSync(join(FEATURES, area, 'service.ts'), 'utf8').matchAll(/^export class (\w+)/gm)].map((match) => match[1] ?? ''),
    );
    expect(classes).toContain('IncidentService');
    const named = wiring.flatMap((file) => {
      const source = readFileSync(file, 'utf8');
      return [
        ...classes.filter((name) => new RegExp(`\\b${name}\\b`).test(source)),
        ...areas.filter((area) => source.includes(`features/${area}/`)),
      ].map((name) => `${relative(SRC, file)} names ${name}`);
    });
    expect(named).toEqual([]);
    // Each of those areas adds its service key to ChatServices from its own feature.ts.
    const unaugmented = withService.filter(
      (area) =>
        !/declare module '\.\.\/\.\.\/chat\/chat-services\.ts'\s*\{\s*interface ChatServices\s*\{/.test(
          readFileSync(join(FEATURES, area, 'feature.ts'), 'utf8'),
        ),
    );
    expect(unaugmented).toEqual([]);
  });

  it('recognises each kind of forbidden import (so the guards cannot pass vacuously)', () => {
    const sample = [
      "import { App } from '@slack/bolt';",
      "import type { Db } from '../store/database.ts';",
      "export { x } from '../../chat/chat-router.ts';",
      "const m = await import('botbuilder');",
      "import 'drizzle-orm';",
    ].join('\n');
    const found = importsOf(sample).filter((specifier) => FORBIDDEN.some((rule) => rule.test(specifier)));
    expect(found).toEqual(['@slack/bolt', '../store/database.ts', '../../chat/chat-router.ts', 'botbuilder', 'drizzle-orm']);
    // Relative imports resolve to folders under src/: a domain reaching into another area's store is caught.
    const domain = join(FEATURES, 'reviews', 'domain.ts');
    expect(
      relative(SRC, resolve(dirname(domain), '../incidents/store.ts'))
        .split(sep)
        .join('/'),
    ).toBe('features/incidents/store.ts');
    expect(
      under('chat')(
        relative(SRC, resolve(dirname(domain), '../../chat/views/view.ts'))
          .split(sep)
          .join('/'),
      ),
    ).toBe(true);
  });
});

describe('adding an area is one line in src/features/index.ts', () => {
  const clock = fixedClock('2026-11-22T10:00:00.000Z');
  const areaNamed = (name: string) => {
    const area = AREAS.find((entry) => entry.feature.name === name);
    if (!area) throw new Error(`no area ${name}`);
    return area;
  };

  it("createServices builds every registered area's service under its own key, next to the kernel's", () => {
    const store = SqliteStore.open(':memory:');
    try {
      const services = createServices({
        store,
        clock,
        directory: { seedAdmins: [], firstContactBecomesAdmin: false },
        defaultTimeZone: 'UTC',
        logger: createLogger('silent'),
      });
      // Every area with a service.ts has a factory on its line, and what it builds is what the chat layer gets.
      const withService = areas.filter((area) => readdirSync(join(FEATURES, area)).includes('service.ts'));
      expect(withService.filter((area) => areaNamed(area).services === undefined)).toEqual([]);
      const byArea = Object.fromEntries(
        withService.map((area) => [area, Object.keys(areaNamed(area).services?.({ store, clock, defaultTimeZone: 'UTC' }) ?? {})]),
      );
      expect(byArea).toEqual({
        'ai-systems': ['systems'],
        'evidence-pack': ['evidencePack'],
        impact: ['impact'],
        incidents: ['incidents'],
        objectives: ['objectives'],
        'internal-audits': ['audits'],
        'management-review': ['managementReviews'],
        onboarding: ['onboarding'],
        policies: ['policies'],
        releases: ['releases'],
        reviews: ['reviews'],
        risks: ['risks'],
        soa: ['soa'],
        training: ['training'],
      });
      const areaKeys = Object.values(byArea).flat();
      for (const key of areaKeys) expect(services).toHaveProperty(key);
      expect(services.incidents.constructor.name).toBe('IncidentService');
      expect(services.systems.constructor.name).toBe('AiSystemService');
      expect(services.training.constructor.name).toBe('TrainingService');
      // The kernel's services are still there, built once.
      expect(Object.keys(services).filter((key) => !areaKeys.includes(key))).toEqual(
        expect.arrayContaining(['directory', 'status', 'roles', 'settings', 'digests', 'nudges', 'outbox', 'clock', 'logger']),
      );
      expect(Object.values(services).filter((service) => service === undefined)).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('a service key built twice, by two areas or by an area and the kernel, fails at start naming both', () => {
    const store = SqliteStore.open(':memory:');
    try {
      const deps = { store, clock, defaultTimeZone: 'UTC' };
      const incidents = areaNamed('incidents');
      expect(() => mergeAreaServices([incidents, areaNamed('releases'), incidents], deps, [])).toThrow(
        'service "incidents" is built twice (by the incidents area, again by the incidents area)',
      );
      expect(() => mergeAreaServices([areaNamed('reviews')], deps, ['directory', 'reviews'])).toThrow(
        'service "reviews" is built twice (by the kernel, again by the reviews area)',
      );
      expect(Object.keys(mergeAreaServices([incidents, areaNamed('releases')], deps, ['directory']))).toEqual(['incidents', 'releases']);
    } finally {
      store.close();
    }
  });
});
