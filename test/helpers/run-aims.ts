import { runCli } from '../../src/cli/aims-cli.ts';
import { TEST_JOB_RETRIES } from './start-test-app.ts';

export interface CliRun {
  code: number;
  /** Every line written, each ending in a newline, as a terminal would show it. */
  out: string;
  err: string;
}

/**
 * `aims …` run in this process through the function behind bin/aims.js, with its own environment:
 * it opens its own connection to the store file, as a second process would. A job's retries wait milliseconds.
 */
export async function runAims(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    out: (line) => (out += `${line}\n`),
    err: (line) => (err += `${line}\n`),
    env: { LOG_LEVEL: 'silent', ...env },
    // The same retries as the binary's, milliseconds apart.
    jobRetries: TEST_JOB_RETRIES,
  });
  return { code, out, err };
}
