// Runs one `aims …` command in this process and prints, on its last stderr line, the process's peak
// resident memory and the command's wall time as JSON: the evidence-pack bench's own process, so the
// peak is the export's, not the seeding's.
import { performance } from 'node:perf_hooks';
import { runCli } from '../../src/cli/aims-cli.ts';

const began = performance.now();
const code = await runCli(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
});
console.error(JSON.stringify({ code, ms: performance.now() - began, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
process.exit(code);
