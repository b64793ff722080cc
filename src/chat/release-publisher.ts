import type { Platform } from '../core/identity.ts';
import { releaseKey, type Release } from '../core/releases/release.ts';
import type { CardPublisher } from './card-publisher.ts';
import type { ChatServices } from './chat-services.ts';
import { releaseCardView } from './views/release-views.ts';

/** Posts sign-off requests to the approvals channel, keeps their cards current, and tells people what happened. */
export class ReleasePublisher {
  constructor(
    private readonly services: ChatServices,
    private readonly cards: CardPublisher,
  ) {}

  private card(workspaceId: number, id: number) {
    return releaseCardView(this.services.releases.details(workspaceId, id), this.services.settings.timeZoneOf(workspaceId));
  }

  async publishNew(platform: Platform, release: Release): Promise<{ posted: string[]; failed: string[]; link?: string }> {
    const channel = this.services.settings.get(release.workspaceId).approvalsChannel;
    return this.cards.post(platform, [{ label: channel?.name ? `#${channel.name}` : 'the approvals channel', channel }], this.card(release.workspaceId, release.id), (posted) =>
      this.services.releases.recordPost(release.workspaceId, release.id, { channelId: posted.channelId, messageId: posted.messageId, ...(posted.reference === undefined ? {} : { reference: posted.reference }) }),
    );
  }

  async refresh(platform: Platform, workspaceId: number, id: number): Promise<void> {
    const details = this.services.releases.details(workspaceId, id);
    await this.cards.refresh(platform, details.release.posts, releaseCardView(details, this.services.settings.timeZoneOf(workspaceId)));
  }

  /** The requester learns the decision in a direct message. */
  async tellRequester(platform: Platform, release: Release): Promise<void> {
    const requester = this.services.directory.personById(release.workspaceId, release.requesterPersonId);
    if (!requester) return;
    const view = this.card(release.workspaceId, release.id);
    await this.cards.direct(platform, requester, { ...view, blocks: [{ type: 'text', text: `Your request ${releaseKey(release)} was ${release.status}.` }, ...view.blocks.filter((b) => b.type !== 'actions')], visibility: 'private' });
  }

  /** Approvers whose approval an edit dropped are asked to look again. */
  async tellDroppedApprovers(platform: Platform, release: Release, personIds: number[]): Promise<void> {
    const view = this.card(release.workspaceId, release.id);
    for (const id of personIds) {
      const person = this.services.directory.personById(release.workspaceId, id);
      if (person) {
        await this.cards.direct(platform, person, { ...view, blocks: [{ type: 'text', text: `${releaseKey(release)} was edited, so your approval was dropped. Please review it again.` }, ...view.blocks], visibility: 'private' });
      }
    }
  }
}
