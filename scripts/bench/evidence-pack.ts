// The evidence pack at size (issue 18): a workspace with 100k audit events and 10k records per register,
// exported by `aims export` in a process of its own (time and peak resident memory), then verified by
// `aims audit verify --pack` the same way.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateSigningKeys } from '../../src/evidence-pack/pack-signature.ts';
import { seedLargeStore } from './seed-large-store.ts';
import { buildIfStale } from './server-process.ts';
import { newStoreLocation, openAt, type StoreKind } from './stores.ts';

export interface PackFigures {
  events: number;
  rowsPerRegister: number;
  export: { ms: number; maxRssMb: number };
  verify: { ms: number; maxRssMb: number };
  zipMb: number;
  /** How the CLI ran: the compiled dist/ under node (as `npx aims`), or src/ through tsx. */
  runner: string;
}

export const PACK_SIZES = { events: 100_000, rows: 10_000 };

/**
 * One `aims` command in a process of its own, as `npx aims` runs it: the compiled CLI in dist/ under plain
 * node (built first when stale, as npm start does; tsx alone costs about 70 MB of resident memory), or
 * through tsx when the project has no build.
 */
async function child(args: string[], env: Record<string, string>): Promise<{ ms: number; maxRssMb: number; out: string; runner: string }> {
  const compiled = buildIfStale() !== '' && existsSync(join(import.meta.dirname, '../../dist/cli/aims-cli.js'));
  const childScript = join(import.meta.dirname, 'pack-child.mjs');
  const runner = compiled ? [childScript, ...args] : ['--import', 'tsx', childScript, ...args];
  const source = compiled ? {} : { AIMS_PACK_CLI: join(import.meta.dirname, '../../src/cli/aims-cli.ts') };
  const { stdout, stderr } = await promisify(execFile)(process.execPath, runner, {
    env: { ...process.env, ...source, ...env },
    maxBuffer: 64 * 2 ** 20,
  });
  const last = JSON.parse(stderr.trim().split('\n').at(-1) ?? '{}') as { code: number; ms: number; maxRssMb: number };
  if (last.code !== 0) throw new Error(`aims ${args.join(' ')} exited ${last.code}: ${stdout}${stderr}`);
  return { ms: last.ms, maxRssMb: last.maxRssMb, out: stdout, runner: compiled ? 'dist/ under node' : 'src/ through tsx' };
}

export async function packFigures(kind: StoreKind, progress: (line: string) => void): Promise<PackFigures> {
  const location = await newStoreLocation(kind);
  const store = await openAt(location);
  progress(`seeding ${PACK_SIZES.events} audit events and ${PACK_SIZES.rows} rows per register`);
  const { workspaceId } = await seedLargeStore(store, {
    people: 2000,
    aiSystems: PACK_SIZES.rows,
    incidents: PACK_SIZES.rows,
    correctiveActions: PACK_SIZES.rows,
    releases: PACK_SIZES.rows,
    reviews: PACK_SIZES.rows,
    courses: 20,
    trainingCompletions: PACK_SIZES.rows,
    auditEvents: PACK_SIZES.events,
    otherWorkspaces: 1,
  });
  await store.close();
  const dir = mkdtempSync(join(tmpdir(), 'aims-pack-bench-'));
  try {
    const out = join(dir, 'pack.zip');
    const db = location.kind === 'sqlite' ? location.path : location.url;
    const keys = generateSigningKeys();
    progress('aims export');
    const made = await child(
      ['export', '--db', db, '--workspace', `#${workspaceId}`, '--from', '2000-01-01', '--to', '2099-12-31', '--out', out],
      {
        AIMS_SIGNING_KEY: keys.privateKey,
      },
    );
    progress('aims audit verify --pack');
    const checked = await child(['audit', 'verify', '--pack', out, '--public-key', keys.publicKey], {});
    if (!/\nOK\n?$/.test(checked.out)) throw new Error(`the pack did not verify: ${checked.out}`);
    return {
      events: PACK_SIZES.events,
      rowsPerRegister: PACK_SIZES.rows,
      export: { ms: made.ms, maxRssMb: made.maxRssMb },
      verify: { ms: checked.ms, maxRssMb: checked.maxRssMb },
      zipMb: statSync(out).size / 2 ** 20,
      runner: made.runner,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
