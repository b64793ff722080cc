import type { AuditHead, PublishedAnchor } from './audit.ts';
import type { Clock } from './clock.ts';
import type { UnitOfWork } from './ports.ts';

/** Chain heads published to a channel, recorded so that verify can check the chain against them later. */
export class AnchorService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** The head of the workspace's own chain. */
  async head(workspaceId: number): Promise<AuditHead | null> {
    return await this.store.read(async (repos) => await repos.audit.head(workspaceId));
  }

  /** Whether the workspace changed anything since the last head published to it. */
  async changedSinceLastAnchor(workspaceId: number): Promise<boolean> {
    return await this.store.read(async (repos) => (await repos.anchors.changesSinceLastAnchor(workspaceId)) > 0);
  }

  /** Records a head that was just posted (audited like every other change). */
  async record(
    workspaceId: number,
    head: AuditHead,
    where: { channelId: string; channelName?: string | null; messageId?: string | null },
    source: string,
  ): Promise<PublishedAnchor> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const anchor = await repos.anchors.insert({
        workspaceId,
        chain: workspaceId,
        sequence: head.sequence,
        hash: head.hash,
        channelId: where.channelId,
        channelName: where.channelName ?? null,
        messageId: where.messageId ?? null,
        source,
        publishedAt: at,
      });
      await repos.audit.append(
        {
          workspaceId,
          actorPersonId: null,
          actor: 'system:jobs',
          action: 'audit.anchor_published',
          subject: `anchor:${anchor.id}`,
          before: null,
          after: { sequence: head.sequence, hash: head.hash, channelId: where.channelId, messageId: anchor.messageId, source },
        },
        at,
      );
      return anchor;
    });
  }

  async list(workspaceId: number, limit = 20): Promise<PublishedAnchor[]> {
    return await this.store.read(async (repos) => await repos.anchors.list(workspaceId, limit));
  }
}
