import type { ButtonView } from '../chat/views/form.ts';
import { isWebUrl, type Block, type MessageView, type RichText, type Span, type Tone } from '../chat/views/view.ts';

export const CARD_VERSION = '1.5';
/** Action.Execute verbs: a button click, and a form submission. */
export const ACT_VERB = 'aims.act';
export const SUBMIT_VERB = 'aims.submit';
/** Shows a confirmation card before a button's action runs. */
export const CONFIRM_VERB = 'aims.confirm';
/** Narrows a long picker of a form card to the matches of what was typed. */
export const FIND_VERB = 'aims.find';
/** Items of a list shown before "and N more": Teams rejects cards much over ~28 KB. */
export const CARD_LIST_ITEMS = 40;

export type CardElement = Record<string, unknown> & { type: string };

/** How a card is shown: `shared` when others see it too (a channel or group chat), so no click may turn it into a form. */
export interface CardOptions {
  shared?: boolean;
}

/** True for conversations others see too (a team's channel, a group chat), where a card is everyone's. */
export function isSharedConversation(conversationType: string | undefined): boolean {
  return conversationType === 'channel' || conversationType === 'groupChat';
}

/** Data of an Action.Submit that opens a dialog (a `task/fetch` invoke) instead of acting on the card. */
export const TASK_FETCH = { type: 'task/fetch' } as const;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  body: CardElement[];
  actions?: CardElement[];
  msteams?: Record<string, unknown>;
}

const TONE_COLOR: Record<Tone, string> = { attention: 'Attention', warning: 'Warning', good: 'Good', accent: 'Accent' };

/** A person @mentioned in a card: Teams needs each `<at>name</at>` listed in `msteams.entities`. */
export interface MentionEntity {
  type: 'mention';
  text: string;
  mentioned: { id: string; name: string };
}

// TextRuns are never parsed as markdown, so user text cannot format or inject anything.
function run(span: Span, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const link = span.url !== undefined && isWebUrl(span.url) ? span.url : undefined;
  return {
    type: 'TextRun',
    text: span.text,
    ...(span.style === 'bold' ? { weight: 'Bolder' } : {}),
    ...(span.style === 'code' ? { fontType: 'Monospace' } : {}),
    ...(span.style === 'muted' ? { isSubtle: true } : {}),
    ...extra,
    ...(span.tone ? { color: TONE_COLOR[span.tone] } : link ? { color: 'Accent' } : {}),
    ...(link ? { underline: true, selectAction: { type: 'Action.OpenUrl', url: link } } : {}),
  };
}

function spans(text: RichText): Span[] {
  return typeof text === 'string' ? [{ text }] : text;
}

/** A name as mention text: markdown and the `<at>` tags themselves cannot appear in it. */
const mentionName = (name: string) => name.replace(/[<>[\]()*_~`#\\|]/g, '').trim() || 'someone';
/** Text beside a mention in a (markdown) TextBlock: the bot's own words, with markdown characters left out. */
const plainMarkdown = (text: string) => text.replace(/[<>[\]()*_~`#\\|]/g, '');

/**
 * Rich text as a card element. Mentions only work in a TextBlock (markdown), so text with a
 * mention becomes one, its mentions listed in `mentions`; all other text stays TextRuns.
 */
export function richText(text: RichText, extra: Record<string, unknown> = {}, mentions?: MentionEntity[]): CardElement {
  const all = spans(text);
  if (mentions && all.some((span) => span.mention)) {
    const parts = all.map((span) => {
      if (!span.mention) return plainMarkdown(span.text);
      const tag = `<at>${mentionName(span.text)}</at>`;
      if (!mentions.some((m) => m.text === tag && m.mentioned.id === span.mention))
        mentions.push({ type: 'mention', text: tag, mentioned: { id: span.mention, name: mentionName(span.text) } });
      return tag;
    });
    const { size, weight, isSubtle } = extra;
    return {
      type: 'TextBlock',
      text: parts.join(''),
      wrap: true,
      ...(size ? { size } : {}),
      ...(weight ? { weight } : {}),
      ...(isSubtle ? { isSubtle } : {}),
    };
  }
  return { type: 'RichTextBlock', inlines: all.map((span) => run(span, extra)) };
}

/**
 * A button. On a shared card a button that asks for input (or a confirmation) opens a dialog, so the
 * card itself is never replaced by a form; every other click is an Action.Execute answered in place.
 */
export function renderButton(button: ButtonView, options: CardOptions = {}): CardElement {
  const style = button.style === 'primary' ? { style: 'positive' } : button.style === 'danger' ? { style: 'destructive' } : {};
  const aims = { action: button.action, args: button.args, ...(button.confirm ? { confirm: button.confirm } : {}) };
  if (options.shared && (button.opensForm || button.confirm))
    return { type: 'Action.Submit', title: button.label, data: { msteams: TASK_FETCH, aims }, ...style };
  return {
    type: 'Action.Execute',
    title: button.label,
    // Cards have no confirm dialog: a button that needs one first shows a confirmation card.
    verb: button.confirm ? CONFIRM_VERB : ACT_VERB,
    data: { aims },
    ...style,
  };
}

/**
 * The button beside a list row. On a shared card (a list someone asked for in a channel) a row that
 * shows its record opens it in a dialog, read-only, so one person's look never replaces the list for everyone.
 */
function renderRowButton(button: ButtonView, options: CardOptions): CardElement {
  if (!options.shared || button.opensForm || button.confirm) return renderButton(button, options);
  return {
    type: 'Action.Submit',
    title: button.label,
    data: { msteams: TASK_FETCH, aims: { action: button.action, args: button.args, show: true } },
  };
}

function renderBlock(block: Block, options: CardOptions, mentions: MentionEntity[]): CardElement[] {
  switch (block.type) {
    case 'header':
      return [richText(block.text, { size: 'Large', weight: 'Bolder' })];
    case 'text':
      return [richText(block.text, {}, mentions)];
    case 'context':
      return [richText(block.text, { size: 'Small', isSubtle: true }, mentions)];
    case 'divider':
      return [];
    case 'image':
      // Bot-sent cards may carry the picture itself (within 1024 px a side and 1 MB): no URL to host.
      return [
        {
          type: 'Image',
          url: `data:image/png;base64,${Buffer.from(block.png).toString('base64')}`,
          altText: block.alt,
          size: 'Stretch',
          spacing: 'Medium',
        },
      ];
    case 'actions':
      return [{ type: 'ActionSet', actions: block.buttons.map((button) => renderButton(button, options)) }];
    case 'fields':
      // Not a FactSet: Teams reads fact titles and values as markdown, so "[Sign in](https://…)"
      // in a user's text would become a link. TextRuns are never markdown.
      return [
        ...(block.title !== undefined ? [richText(block.title, { spacing: 'Medium' }, mentions)] : []),
        ...block.fields.map((field) => ({
          type: 'ColumnSet',
          spacing: 'Small',
          columns: [
            { type: 'Column', width: 35, items: [richText(field.label, { weight: 'Bolder' })] },
            { type: 'Column', width: 65, items: [richText(field.value, {}, mentions)] },
          ],
        })),
      ];
    case 'list': {
      const shown = block.items.slice(0, CARD_LIST_ITEMS);
      const more = block.items.length - shown.length + (block.more ?? 0);
      const items: CardElement[] = shown.map((item, i) => {
        const line: CardElement = {
          type: 'RichTextBlock',
          inlines: [{ type: 'TextRun', text: '• ' }, ...spans(item).map((span) => run(span))],
        };
        const open = block.open?.[i];
        if (!open) return line;
        // A row that opens its record: the button beside it shows the record's card in place.
        return {
          type: 'ColumnSet',
          columns: [
            { type: 'Column', width: 'stretch', verticalContentAlignment: 'Center', items: [line] },
            {
              type: 'Column',
              width: 'auto',
              items: [
                {
                  type: 'ActionSet',
                  actions: [renderRowButton(open, options)],
                },
              ],
            },
          ],
        };
      });
      if (more > 0) items.push(richText(`and ${more} more`, { isSubtle: true }));
      return [{ type: 'Container', items }];
    }
  }
}

/** Renders a neutral view as an Adaptive Card 1.5 (`shared`: for a conversation others see, see CardOptions; with the entities of the people it @mentions). */
export function renderCard(view: MessageView, options: CardOptions = {}): AdaptiveCard {
  const mentions: MentionEntity[] = [];
  return cardOf(renderBody(view.blocks, options, mentions), undefined, mentions);
}

export function cardOf(body: CardElement[], actions?: CardElement[], mentions: MentionEntity[] = []): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
    ...(actions ? { actions } : {}),
    msteams: { width: 'Full', ...(mentions.length > 0 ? { entities: mentions } : {}) },
  } as AdaptiveCard;
}

/** The card body of a view; the people it @mentions are added to `mentions` (pass them to `cardOf`). */
export function renderBody(blocks: Block[], options: CardOptions = {}, mentions: MentionEntity[] = []): CardElement[] {
  const body: CardElement[] = [];
  let separatorNext = false;
  for (const block of blocks) {
    if (block.type === 'divider') {
      separatorNext = true;
      continue;
    }
    for (const element of renderBlock(block, options, mentions)) {
      body.push(separatorNext ? { ...element, separator: true, spacing: 'Medium' } : element);
      separatorNext = false;
    }
  }
  return body;
}

/**
 * The card that asks before a destructive button runs: confirm runs it, deny shows the card again.
 * In a dialog confirm is an Action.Submit (a `task/submit`), and the dialog's own close is the deny.
 */
export function renderConfirmCard(
  button: {
    action: string;
    args: Record<string, string>;
    confirm: NonNullable<ButtonView['confirm']>;
  },
  options: { dialog?: boolean } = {},
): AdaptiveCard {
  const { confirm } = button;
  if (options.dialog)
    return cardOf(
      [richText(confirm.title, { size: 'Medium', weight: 'Bolder' }), richText(confirm.text)],
      [
        {
          type: 'Action.Submit',
          title: confirm.confirm,
          style: 'destructive',
          data: { aims: { action: button.action, args: button.args } },
        },
      ],
    );
  return cardOf(
    [richText(confirm.title, { size: 'Medium', weight: 'Bolder' }), richText(confirm.text)],
    [
      {
        type: 'Action.Execute',
        title: confirm.confirm,
        verb: ACT_VERB,
        style: 'destructive',
        data: { aims: { action: button.action, args: button.args } },
      },
      ...(confirm.back
        ? [
            {
              type: 'Action.Execute',
              title: confirm.deny,
              verb: ACT_VERB,
              data: { aims: { action: confirm.back.action, args: confirm.back.args } },
            },
          ]
        : []),
    ],
  );
}
