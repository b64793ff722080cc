import type { ButtonView } from '../chat/views/form.ts';
import type { Block, MessageView, RichText, Span } from '../chat/views/view.ts';

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

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  body: CardElement[];
  actions?: CardElement[];
  msteams?: Record<string, unknown>;
}

// TextRuns are never parsed as markdown, so user text cannot format or inject anything.
function run(span: Span, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'TextRun',
    text: span.text,
    ...(span.style === 'bold' ? { weight: 'Bolder' } : {}),
    ...(span.style === 'code' ? { fontType: 'Monospace' } : {}),
    ...(span.style === 'muted' ? { isSubtle: true } : {}),
    ...extra,
  };
}

function spans(text: RichText): Span[] {
  return typeof text === 'string' ? [{ text }] : text;
}

export function richText(text: RichText, extra: Record<string, unknown> = {}): CardElement {
  return { type: 'RichTextBlock', inlines: spans(text).map((span) => run(span, extra)) };
}

function renderBlock(block: Block): CardElement[] {
  switch (block.type) {
    case 'header':
      return [richText(block.text, { size: 'Large', weight: 'Bolder' })];
    case 'text':
      return [richText(block.text)];
    case 'context':
      return [richText(block.text, { size: 'Small', isSubtle: true })];
    case 'divider':
      return [];
    case 'actions':
      return [
        {
          type: 'ActionSet',
          actions: block.buttons.map((button) => ({
            type: 'Action.Execute',
            title: button.label,
            // Cards have no confirm dialog: a button that needs one first shows a confirmation card.
            verb: button.confirm ? CONFIRM_VERB : ACT_VERB,
            data: { aims: { action: button.action, args: button.args, ...(button.confirm ? { confirm: button.confirm } : {}) } },
            ...(button.style === 'primary' ? { style: 'positive' } : button.style === 'danger' ? { style: 'destructive' } : {}),
          })),
        },
      ];
    case 'fields':
      // Not a FactSet: Teams reads fact titles and values as markdown, so "[Sign in](https://…)"
      // in a user's text would become a link. TextRuns are never markdown.
      return block.fields.map((field) => ({
        type: 'ColumnSet',
        spacing: 'Small',
        columns: [
          { type: 'Column', width: 35, items: [richText(field.label, { weight: 'Bolder' })] },
          { type: 'Column', width: 65, items: [richText(field.value)] },
        ],
      }));
    case 'list': {
      const shown = block.items.slice(0, CARD_LIST_ITEMS);
      const more = block.items.length - shown.length + (block.more ?? 0);
      const items: CardElement[] = shown.map((item) => ({
        type: 'RichTextBlock',
        inlines: [{ type: 'TextRun', text: '• ' }, ...spans(item).map((span) => run(span))],
      }));
      if (more > 0) items.push(richText(`and ${more} more`, { isSubtle: true }));
      return [{ type: 'Container', items }];
    }
  }
}

/** Renders a neutral view as an Adaptive Card 1.5. */
export function renderCard(view: MessageView): AdaptiveCard {
  return cardOf(renderBody(view.blocks));
}

export function cardOf(body: CardElement[], actions?: CardElement[]): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
    ...(actions ? { actions } : {}),
    msteams: { width: 'Full' },
  } as AdaptiveCard;
}

export function renderBody(blocks: Block[]): CardElement[] {
  const body: CardElement[] = [];
  let separatorNext = false;
  for (const block of blocks) {
    if (block.type === 'divider') {
      separatorNext = true;
      continue;
    }
    for (const element of renderBlock(block)) {
      body.push(separatorNext ? { ...element, separator: true, spacing: 'Medium' } : element);
      separatorNext = false;
    }
  }
  return body;
}

/** The card that asks before a destructive button runs: confirm runs it, deny shows the card again. */
export function renderConfirmCard(button: {
  action: string;
  args: Record<string, string>;
  confirm: NonNullable<ButtonView['confirm']>;
}): AdaptiveCard {
  const { confirm } = button;
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
