import type { Platform } from '../../core/identity.ts';
import { commandPrefix } from '../command-prefix.ts';
import { HELP_GROUPS, ROUTER_ACTIONS, type HelpButton, type HelpGroup } from '../feature.ts';
import type { ButtonView } from './form.ts';
import type { Block, MessageView } from './view.ts';

/** One line of the help, as a feature declared it: the word, its full syntax, what it does, its task and button. */
export interface HelpLine {
  word: string;
  usage: string;
  summary: string;
  summaryOn?: Partial<Record<Platform, string>>;
  group: HelpGroup;
  button?: HelpButton;
}

/** The task headings of the grouped help. */
export const HELP_GROUP_TITLES: Record<HelpGroup, string> = {
  report: 'Report',
  approve: 'Approve',
  train: 'Train',
  review: 'Review',
  lookup: 'Look up',
  admin: 'Admin',
};

/** The button of a help line (or a checklist step): it opens the form, or runs the command as if typed. */
export function helpButton(button: HelpButton): ButtonView {
  return 'form' in button
    ? { label: button.label, action: ROUTER_ACTIONS.openForm, args: { form: button.form } }
    : { label: button.label, action: ROUTER_ACTIONS.runCommand, args: { text: button.command } };
}

/** What a command does, as said on this platform. */
const summaryOf = (line: HelpLine, platform: Platform): string => line.summaryOn?.[platform] ?? line.summary;

type Note = { unknown: string; suggestion?: string };

function noteBlock(prefix: string, note: Note): Block {
  return {
    type: 'text',
    text: note.suggestion
      ? [
          { text: 'I don’t know ' },
          { text: note.unknown, style: 'code' },
          { text: '. Did you mean ' },
          { text: `${prefix}${note.suggestion}`, style: 'code' },
          { text: '?' },
        ]
      : [{ text: 'I don’t know ' }, { text: note.unknown, style: 'code' }, { text: '. Here is what I can do:' }],
  };
}

function platformHint(platform: Platform): Block {
  return {
    type: 'context',
    text:
      platform === 'slack'
        ? 'You can also mention me or send me a direct message, e.g. “what’s our status?”.'
        : 'In a personal chat the word “aims” is optional; in a channel, mention me first.',
  };
}

/**
 * `help`: the commands grouped by task (as the features declared them), each group with the buttons
 * of its forms; the full syntax is one click (or `help more`) away.
 */
export function helpView(platform: Platform, lines: readonly HelpLine[], note?: Note): MessageView {
  const prefix = commandPrefix(platform);
  const blocks: Block[] = [];
  if (note) blocks.push(noteBlock(prefix, note));
  blocks.push({ type: 'header', text: 'aims-bot: your AI management system in chat' });
  for (const group of HELP_GROUPS) {
    const inGroup = lines.filter((line) => line.group === group);
    if (inGroup.length === 0) continue;
    blocks.push({ type: 'text', text: [{ text: HELP_GROUP_TITLES[group], style: 'bold' }] });
    blocks.push({
      type: 'list',
      items: inGroup.map((line) => [{ text: `${prefix}${line.word}`, style: 'code' }, { text: ` — ${summaryOf(line, platform)}` }]),
    });
    const buttons = inGroup.flatMap((line) => (line.button ? [helpButton(line.button)] : []));
    if (buttons.length > 0) blocks.push({ type: 'actions', buttons });
  }
  blocks.push({
    type: 'context',
    text: [
      { text: 'New here? ' },
      { text: `${prefix}start`, style: 'code' },
      { text: ' shows what to set up next. Every option of every command: ' },
      { text: `${prefix}help more`, style: 'code' },
      { text: '.' },
    ],
  });
  blocks.push({ type: 'actions', buttons: [{ label: 'Full syntax', action: ROUTER_ACTIONS.runCommand, args: { text: 'help more' } }] });
  blocks.push(platformHint(platform));
  const summary = note ? `Unknown command "${note.unknown}". Try ${prefix}help.` : 'aims-bot commands';
  return { summary, blocks, visibility: 'private' };
}

/** `help more`: every command's full syntax, in the help's task order. */
export function fullHelpView(platform: Platform, lines: readonly HelpLine[]): MessageView {
  const prefix = commandPrefix(platform);
  const ordered = HELP_GROUPS.flatMap((group) => lines.filter((line) => line.group === group));
  return {
    summary: 'aims-bot commands, full syntax',
    blocks: [
      { type: 'header', text: 'Every command, in full' },
      {
        type: 'list',
        items: ordered.map((line) => [{ text: `${prefix}${line.usage}`, style: 'code' }, { text: ` — ${summaryOf(line, platform)}` }]),
      },
      platformHint(platform),
    ],
    visibility: 'private',
  };
}
