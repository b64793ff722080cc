/** A command line the CLI cannot run: printed with the usage, exit code 2. */
export class UsageError extends Error {}

export interface ParsedArgs {
  positionals: string[];
  /** Every value given per option, in order (options may repeat). */
  values: Map<string, string[]>;
  flags: Set<string>;
}

const VALUE_OPTIONS = new Set([
  '--db',
  '--at',
  '--expect-head',
  '--anchors',
  '--from',
  '--to',
  '--format',
  '--out',
  '--workspace',
  '--pack',
  '--public-key',
]);
const FLAG_OPTIONS = new Set(['--json', '--published', '--help']);

/** Splits argv into positionals, valued options (`--x v` or `--x=v`) and flags; an unknown option is an error. */
export function parseArgs(args: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], values: new Map(), flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('--')) {
      parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (FLAG_OPTIONS.has(name)) {
      if (eq >= 0) throw new UsageError(`${name} takes no value.`);
      parsed.flags.add(name);
    } else if (VALUE_OPTIONS.has(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) throw new UsageError(`${name} needs a value.`);
      parsed.values.set(name, [...(parsed.values.get(name) ?? []), value]);
    } else {
      throw new UsageError(`Unknown option ${name}.`);
    }
  }
  return parsed;
}

/** Refuses options the command does not take and more positionals than it has. */
export function expectOnly(parsed: ParsedArgs, command: string, allowed: readonly string[], maxPositionals: number): void {
  for (const name of [...parsed.values.keys(), ...parsed.flags]) {
    if (name !== '--db' && !allowed.includes(name)) throw new UsageError(`Unknown option ${name} for "aims ${command}".`);
  }
  const single = ['--db', '--at', '--anchors', '--from', '--to', '--format', '--out', '--workspace', '--pack', '--public-key'];
  for (const name of single) if ((parsed.values.get(name)?.length ?? 0) > 1) throw new UsageError(`${name} can be given once.`);
  if (parsed.positionals.length > maxPositionals)
    throw new UsageError(`Unexpected argument "${parsed.positionals[maxPositionals]}" for "aims ${command}".`);
}
