import type { AimsError } from '../../core/errors.ts';
import type { MessageView } from './view.ts';

/** A refusal the person can act on: what went wrong and, when known, what to do. */
export function domainErrorView(error: AimsError): MessageView {
  const blocks: MessageView['blocks'] = [{ type: 'text', text: [{ text: error.message }] }];
  if (error.details.hint) blocks.push({ type: 'context', text: error.details.hint });
  return { summary: error.message, blocks, visibility: 'private' };
}

/** An unexpected failure: say so plainly and give the id that finds it in the logs. */
export function failureView(requestId: string): MessageView {
  const message = 'Sorry, something failed on our side. Please try again in a moment.';
  return {
    summary: message,
    blocks: [
      { type: 'text', text: message },
      { type: 'context', text: `If it keeps failing, give your admin this reference: ${requestId}` },
    ],
    visibility: 'private',
  };
}
