import type { Platform } from '../core/identity.ts';

export interface CommandInfo {
  name: string;
  usage: string;
  summary: string;
}

/** Every subcommand the bot understands, in the order help lists them. */
export const COMMANDS: readonly CommandInfo[] = [
  { name: 'status', usage: 'status', summary: 'What the AIMS store holds for this workspace: people, roles, evidence, audit trail.' },
  { name: 'help', usage: 'help', summary: 'This list.' },
];

export const COMMAND_NAMES = COMMANDS.map((command) => command.name);

/** How a person types a command on their platform. */
export function commandPrefix(platform: Platform): string {
  return platform === 'slack' ? '/aims ' : 'aims ';
}
