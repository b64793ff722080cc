import { runCli } from '../../src/cli/aims-cli.ts';

/** The `aims` CLI in this process (the function behind bin/aims.js), its output collected. */
export async function runAims(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (line) => out.push(line), err: (line) => err.push(line), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
