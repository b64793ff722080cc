import { maskSecrets } from '../core/mask-secrets.ts';
import { runCli } from './aims-cli.ts';

try {
  process.exitCode = await runCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
  });
} catch (error) {
  process.stderr.write(`aims: ${maskSecrets(error instanceof Error ? error.message : String(error))}\n`);
  process.exitCode = 1;
}
