import { linkSpan, type MessageView } from '../../chat/views/view.ts';
import type { PackRequestRecord } from './port.ts';

const periodOf = (request: PackRequestRecord) => `${request.periodFrom} to ${request.periodTo}`;

const packLine = (request: PackRequestRecord): string =>
  `${request.events ?? 0} audit event(s), ${request.signed ? 'signed (Ed25519)' : 'UNSIGNED (no AIMS_SIGNING_KEY is set)'}`;

const again = (request: PackRequestRecord): string =>
  request.sends > 1
    ? ' (A second sending: an earlier attempt may have reached you. If you have it twice, both are the same file, the same sha256.)'
    : '';

/** The direct message a Slack pack.zip comes with. */
export function packFileNote(request: PackRequestRecord): MessageView {
  const text = `Your evidence pack, ${periodOf(request)}: ${packLine(request)}. manifest.json sha256 ${request.manifestSha256 ?? ''}. An auditor checks it with \`npx aims audit verify --pack ${request.filename ?? 'pack.zip'}\`.${again(request)}`;
  return { summary: `Evidence pack ${periodOf(request)}`, blocks: [{ type: 'text', text }], visibility: 'public' };
}

/** The direct message with a Teams pack's one-time link. */
export function packLinkNote(request: PackRequestRecord, link: { url: string; expiresAt: Date }): MessageView {
  return {
    summary: `Your evidence pack ${periodOf(request)}`,
    blocks: [
      {
        type: 'text',
        text: [
          // Not in brackets: the unsigned line has its own.
          { text: `Your evidence pack, ${periodOf(request)}: ${packLine(request)}. ` },
          linkSpan(link.url, 'Download pack.zip'),
          {
            text: `. The link works once, until ${link.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC. manifest.json sha256 ${request.manifestSha256 ?? ''}.${again(request)}`,
          },
        ],
      },
    ],
    visibility: 'public',
  };
}

/** The direct message when a pack could not be built or sent. */
export function packFailedNote(request: PackRequestRecord, reason: string): MessageView {
  const title = `Evidence pack ${periodOf(request)}`;
  return {
    summary: title,
    blocks: [
      {
        type: 'text',
        text: `${title} could not be built or sent (${reason}). ${request.failureCode === 'pack_build_crashed' ? 'Asking again starts afresh.' : 'Try again in a minute.'}`,
      },
    ],
    visibility: 'public',
  };
}
