// Runs one `aims …` command in this process and prints, on its last stderr line, the process's peak resident
// memory and the command's wall time as JSON: the evidence-pack bench's own process, so the peak is the
// command's, not the seeding's. The CLI is the compiled dist/ (plain node, as `npx aims` runs it), or the one
// AIMS_PACK_CLI names (src/cli/aims-cli.ts, under `node --import tsx`, when there is no build).
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const cli = process.env.AIMS_PACK_CLI ?? new URL('../../dist/cli/aims-cli.js', import.meta.url).pathname;
const { runCli } = await import(pathToFileURL(cli).href);
const began = performance.now();
const code = await runCli(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
});
console.error(JSON.stringify({ code, ms: performance.now() - began, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
process.exit(code);
