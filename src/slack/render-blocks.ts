import type { ButtonView } from '../chat/views/form.ts';
import type { Block, MessageView, RichText } from '../chat/views/view.ts';
import { toMrkdwn, truncate } from './mrkdwn.ts';

// Slack's limits (DESIGN.md section 4).
export const SLACK_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  fallbackText: 3000,
} as const;

/** Rows of a list that get their own "Open" button (and section); the rest are text. */
const LIST_ROWS_WITH_BUTTONS = 30;

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export type SlackBlock = Record<string, unknown> & { type: string };

const mrkdwn = (text: string, max: number) => ({ type: 'mrkdwn', text: truncate(text, max) });

/** The pictures of a view, which a message cannot carry inline: the messenger uploads them (files.uploadV2). */
export function imagesOf(view: MessageView): Array<Extract<Block, { type: 'image' }>> {
  return view.blocks.filter((block): block is Extract<Block, { type: 'image' }> => block.type === 'image');
}

/** Renders a neutral view as a Block Kit message that always fits Slack's limits. */
export function renderMessage(view: MessageView): SlackMessage {
  const blocks = view.blocks.flatMap(renderBlock);
  return { text: truncate(toMrkdwn(view.summary), SLACK_LIMITS.fallbackText), blocks: fitBlockCount(blocks, SLACK_LIMITS.messageBlocks) };
}

/** Renders a neutral view as an App Home tab (100 blocks). */
export function renderHomeTab(view: MessageView): { type: 'home'; blocks: SlackBlock[] } {
  return { type: 'home', blocks: fitBlockCount(view.blocks.flatMap(renderBlock), SLACK_LIMITS.viewBlocks) };
}

function renderBlock(block: Block): SlackBlock[] {
  switch (block.type) {
    case 'header':
      return [{ type: 'header', text: { type: 'plain_text', text: truncate(block.text, SLACK_LIMITS.headerText), emoji: true } }];
    case 'text':
      return splitIntoSections(toMrkdwn(block.text).split('\n'));
    case 'context':
      return [{ type: 'context', elements: [mrkdwn(toMrkdwn(block.text), SLACK_LIMITS.sectionText)] }];
    case 'divider':
      return [{ type: 'divider' }];
    case 'image':
      // An image block needs a public URL, which the bot may not have (Socket Mode): the messenger uploads it as a file instead.
      return [];
    case 'fields':
      return chunk(block.fields, SLACK_LIMITS.sectionFields).map((fields, i) => ({
        type: 'section',
        ...(block.title !== undefined && i === 0 ? { text: mrkdwn(toMrkdwn(block.title), SLACK_LIMITS.sectionText) } : {}),
        fields: fields.map((field) => mrkdwn(`*${toMrkdwn(field.label)}*\n${toMrkdwn(field.value)}`, SLACK_LIMITS.fieldText)),
      }));
    case 'actions':
      return [
        {
          type: 'actions',
          // action_id carries the action name; the value its arguments (re-checked on the server).
          elements: block.buttons.slice(0, 25).map((button, i) => buttonElement(button, `aims:${button.action}:${i}`)),
        },
      ];
    case 'list': {
      const lines = block.items.map((item: RichText) => `• ${toMrkdwn(item)}`);
      if (block.open?.some(Boolean)) return listWithButtons(lines, block.open, block.more);
      if (block.more) lines.push(`_and ${block.more} more_`);
      return splitIntoSections(lines);
    }
  }
}

/** One button as a Block Kit element. */
function buttonElement(button: ButtonView, actionId: string): SlackBlock {
  return {
    type: 'button',
    action_id: truncate(actionId, 255),
    text: { type: 'plain_text', text: truncate(button.label, 75), emoji: true },
    value: truncate(JSON.stringify(button.args), 2000),
    ...(button.style ? { style: button.style } : {}),
    ...(button.confirm
      ? {
          confirm: {
            title: { type: 'plain_text', text: truncate(button.confirm.title, 100) },
            text: { type: 'plain_text', text: truncate(button.confirm.text, 300) },
            confirm: { type: 'plain_text', text: truncate(button.confirm.confirm, 30) },
            deny: { type: 'plain_text', text: truncate(button.confirm.deny, 30) },
          },
        }
      : {}),
  };
}

/**
 * Rows that open their record: one section per row with its button beside it. Lists are paged 25
 * a page; past LIST_ROWS_WITH_BUTTONS rows the rest are packed as text, so a message stays within 50 blocks.
 */
function listWithButtons(lines: string[], open: Array<ButtonView | undefined>, more: number | undefined): SlackBlock[] {
  const rows = lines.slice(0, LIST_ROWS_WITH_BUTTONS).map((line, i) => {
    const button = open[i];
    return {
      type: 'section',
      text: mrkdwn(line, SLACK_LIMITS.sectionText),
      ...(button ? { accessory: buttonElement(button, `aims:${button.action}:row${i}`) } : {}),
    };
  });
  const rest = lines.slice(LIST_ROWS_WITH_BUTTONS);
  if (more) rest.push(`_and ${more} more_`);
  return rest.length > 0 ? [...rows, ...splitIntoSections(rest)] : rows;
}

/** Packs lines into as few sections as fit 3000 characters each; a single long line is cut. */
function splitIntoSections(lines: string[]): SlackBlock[] {
  const sections: SlackBlock[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncate(raw, SLACK_LIMITS.sectionText);
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (candidate.length > SLACK_LIMITS.sectionText) {
      sections.push({ type: 'section', text: mrkdwn(current, SLACK_LIMITS.sectionText) });
      current = line;
    } else {
      current = candidate;
    }
  }
  if (current !== '' || sections.length === 0) sections.push({ type: 'section', text: mrkdwn(current || ' ', SLACK_LIMITS.sectionText) });
  return sections;
}

/** Keeps a surface within its block limit, saying how much was left out. */
function fitBlockCount(blocks: SlackBlock[], max: number): SlackBlock[] {
  if (blocks.length <= max) return blocks;
  const kept = blocks.slice(0, max - 1);
  const dropped = blocks.length - kept.length;
  kept.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `_…and ${dropped} more blocks not shown_` }] });
  return kept;
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
