import type { Platform } from '../../core/identity.ts';
import { commandPrefix } from '../command-prefix.ts';
import type { Block, MessageView } from './view.ts';

/** One line of the help: what to type after the prefix, and what it does. */
export interface HelpLine {
  usage: string;
  summary: string;
}

/** The list of subcommands (as the features declared them), optionally led by a note on what was not understood. */
export function helpView(platform: Platform, commands: readonly HelpLine[], note?: { unknown: string; suggestion?: string }): MessageView {
  const prefix = commandPrefix(platform);
  const blocks: Block[] = [];
  if (note) {
    blocks.push({
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
    });
  }
  blocks.push({ type: 'header', text: 'aims-bot: your AI management system in chat' });
  blocks.push({
    type: 'list',
    items: commands.map((command) => [{ text: `${prefix}${command.usage}`, style: 'code' }, { text: ` — ${command.summary}` }]),
  });
  blocks.push({
    type: 'context',
    text:
      platform === 'slack'
        ? 'You can also mention me or send me a direct message, e.g. “what’s our status?”.'
        : 'In a personal chat the word “aims” is optional; in a channel, mention me first.',
  });
  const summary = note ? `Unknown command "${note.unknown}". Try ${prefix}help.` : 'aims-bot commands';
  return { summary, blocks, visibility: 'private' };
}
