// Whether dist/ (the compiled JavaScript that `npm start` and bin/aims.js run) is the build of the
// sources as they are now, and the build itself. Plain JavaScript: it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'dist');
/** Written after a build that succeeded: its mtime is the build's instant. */
const STAMP = join(DIST, '.built');
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when dist/ was built after every source file last changed. */
export function distIsCurrent() {
  if (!existsSync(STAMP)) return false;
  const built = statSync(STAMP).mtimeMs;
  return INPUTS.every((input) => !existsSync(join(ROOT, input)) || newestMtime(join(ROOT, input)) <= built);
}

/** The TypeScript compiler's entry, or undefined where dev dependencies were left out (`npm ci --omit=dev`). */
function tscEntry() {
  try {
    return createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/** Compiles src/ into dist/ afresh (tsconfig.build.json); returns tsc's exit code. */
export function build({ quiet = false } = {}) {
  const tsc = tscEntry();
  if (!tsc) {
    process.stderr.write('aims-bot: TypeScript is not installed (npm ci without dev dependencies?), so dist/ cannot be built.\n');
    return 1;
  }
  // Afresh: a source file deleted since the last build must not live on in dist/.
  rmSync(DIST, { recursive: true, force: true });
  const run = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  const code = run.status ?? 1;
  if (code === 0) {
    writeFileSync(STAMP, `${new Date().toISOString()}\n`);
    if (!quiet) process.stderr.write('aims-bot: compiled src/ into dist/\n');
  }
  return code;
}
