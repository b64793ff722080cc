// pack-child.ts for the compiled CLI: runs one `aims …` command from dist/ under plain node (what `npx aims`
// runs) and prints, on its last stderr line, the process's peak resident memory and the command's wall time.
import { performance } from 'node:perf_hooks';

const { runCli } = await import(new URL('../../dist/cli/aims-cli.js', import.meta.url).href);
const began = performance.now();
const code = await runCli(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
});
console.error(JSON.stringify({ code, ms: performance.now() - began, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
process.exit(code);
