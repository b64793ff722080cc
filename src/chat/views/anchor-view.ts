import type { AuditHead } from '../../core/audit.ts';
import type { MessageView } from './view.ts';

/** The daily anchor for the leadership channel: the audit chain head, to keep outside the store. */
export function anchorView(head: AuditHead, day: string): MessageView {
  return {
    summary: `AIMS audit anchor ${day}: chain head #${head.sequence}`,
    blocks: [
      {
        type: 'text',
        text: [
          { text: `AIMS audit anchor · ${day}: `, style: 'bold' },
          { text: `audit chain head #${head.sequence} ` },
          { text: head.hash, style: 'code' },
        ],
      },
      {
        type: 'context',
        text: [
          { text: 'Checked with ' },
          { text: `aims audit verify --expect-head ${head.sequence}:${head.hash}`, style: 'code' },
          { text: ': nothing recorded up to here can be removed or changed unnoticed.' },
        ],
      },
    ],
    visibility: 'public',
  };
}
