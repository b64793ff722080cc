import { releaseKey } from '../features/releases/domain.ts';
import type { DirectNotice } from '../core/outbox/outbox.ts';
import type { ChatServices } from './chat-services.ts';
import type { PostedMessage } from './channel-messenger.ts';
import { releaseCardView } from '../features/releases/views.ts';
import type { MessageView } from './views/view.ts';

/** What the outbox sends about a release: its sign-off card and the notices to people, rendered at send time. */
export class ReleasePublisher {
  constructor(private readonly services: ChatServices) {}

  card(workspaceId: number, id: number): MessageView {
    return releaseCardView(this.services.releases.details(workspaceId, id), this.services.settings.timeZoneOf(workspaceId));
  }

  recordPost(workspaceId: number, id: number, posted: PostedMessage): void {
    this.services.releases.recordPost(workspaceId, id, {
      channelId: posted.channelId,
      messageId: posted.messageId,
      ...(posted.reference === undefined ? {} : { reference: posted.reference }),
    });
  }

  posts(workspaceId: number, id: number) {
    return this.services.releases.details(workspaceId, id).release.posts;
  }

  /** The requester learns the decision; an approver whose approval an edit dropped is asked to look again. */
  notice(workspaceId: number, id: number, notice: DirectNotice): MessageView {
    const { release } = this.services.releases.details(workspaceId, id);
    const view = this.card(workspaceId, id);
    if (notice === 'release.decided') {
      return {
        ...view,
        blocks: [
          { type: 'text', text: `Your request ${releaseKey(release)} was ${release.status}.` },
          ...view.blocks.filter((b) => b.type !== 'actions'),
        ],
        visibility: 'private',
      };
    }
    return {
      ...view,
      blocks: [
        { type: 'text', text: `${releaseKey(release)} was edited, so your approval was dropped. Please review it again.` },
        ...view.blocks,
      ],
      visibility: 'private',
    };
  }
}
