#!/usr/bin/env node
// The CLI runs the compiled JavaScript in dist/ when it is the build of the current sources (as
// `npm start` does); otherwise the TypeScript sources directly through tsx (a checkout being edited).
import { distIsCurrent } from './build-state.js';

if (distIsCurrent()) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
