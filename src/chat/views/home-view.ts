import type { MessageView } from './view.ts';

/**
 * A home page: the status first, then what one can ask (without help's header). A first visit leads
 * with the greeting and its checklist; where the status would only repeat that checklist (an empty
 * workspace), `replacesStatus` leaves the status out rather than showing the checklist twice.
 */
export function homeView(status: MessageView, help: MessageView, greeting?: { view: MessageView; replacesStatus: boolean }): MessageView {
  const commands = help.blocks.filter((block) => block.type !== 'header');
  const lead = greeting
    ? [...greeting.view.blocks, ...(greeting.replacesStatus ? [] : [{ type: 'divider' as const }, ...status.blocks])]
    : status.blocks;
  return {
    summary: greeting?.view.summary ?? status.summary,
    blocks: [...lead, { type: 'divider' }, { type: 'text', text: [{ text: 'What you can ask', style: 'bold' }] }, ...commands],
    visibility: 'private',
  };
}
