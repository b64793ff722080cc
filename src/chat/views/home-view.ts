import type { MessageView } from './view.ts';

/** A home page: the status first, then what one can ask (without help's header). */
export function homeView(status: MessageView, help: MessageView): MessageView {
  const commands = help.blocks.filter((block) => block.type !== 'header');
  return {
    summary: status.summary,
    blocks: [...status.blocks, { type: 'divider' }, { type: 'text', text: [{ text: 'What you can ask', style: 'bold' }] }, ...commands],
    visibility: 'private',
  };
}
