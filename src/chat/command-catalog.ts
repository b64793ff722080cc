import type { Platform } from '../core/identity.ts';

export interface CommandInfo {
  name: string;
  usage: string;
  summary: string;
}

/** Every subcommand the bot understands, in the order help lists them. */
export const COMMANDS: readonly CommandInfo[] = [
  { name: 'status', usage: 'status', summary: 'Where the AIMS stands: inventory, people and roles, setup, evidence, audit trail.' },
  { name: 'incident', usage: 'incident [title] | incident list [open|mine|S1..S4|<system>] | incident INC-12 [owner @person]', summary: 'Log an AI incident, list them, open one (card with its lifecycle buttons), or name its owner (owner or admin).' },
  { name: 'action', usage: 'action list [mine] | action done <number>', summary: 'Corrective actions from incidents, and marking them done.' },
  { name: 'release', usage: 'release [system] | release list [pending|approved|rejected|<system>] | release REL-3 [edit|withdraw]', summary: 'Request sign-off for a model version; approvers decide in the approvals channel.' },
  { name: 'training', usage: 'training | training me | training done <course> | training report | training course add', summary: 'Record a training session and who attended (admins and trainers, for others); who is due; courses (admins).' },
  { name: 'review', usage: 'review add | list | mine | edit <n> | done <n>', summary: 'Drift, bias, risk and management reviews on a cadence; record them done.' },
  { name: 'system', usage: 'system add | list | <name> [criteria]', summary: 'The AI system inventory: register, list, show, edit, retire; acceptance criteria.' },
  { name: 'role', usage: 'role grant|revoke @person <role> | role list', summary: 'Who are admins, approvers, leadership and trainers (admins change it).' },
  { name: 'setup', usage: 'setup | setup channel <incidents|approvals|leadership>', summary: 'Channels, approvals a release needs, time zone (admins).' },
  { name: 'help', usage: 'help', summary: 'This list.' },
];

export const COMMAND_NAMES = COMMANDS.map((command) => command.name);

/** How a person types a command on their platform. */
export function commandPrefix(platform: Platform): string {
  return platform === 'slack' ? '/aims ' : 'aims ';
}
