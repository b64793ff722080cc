// `npm run build` (and `prepare`, at `npm ci`): compiles src/ into dist/. With --if-stale (`prestart`),
// only when a source changed since the last build, so `npm start` never runs outdated JavaScript.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, build, distIsCurrent } from '../bin/build-state.js';

const ifStale = process.argv.includes('--if-stale');
if (ifStale && distIsCurrent()) process.exit(0);
const code = build();
// A production install without TypeScript keeps the dist/ it shipped with, if it has one.
if (code !== 0 && ifStale && existsSync(join(DIST, 'main.js'))) {
  process.stderr.write('aims-bot: running the dist/ already built.\n');
  process.exit(0);
}
process.exit(code);
