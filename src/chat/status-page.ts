import type { Platform } from '../core/identity.ts';
import type { ChatServices } from './chat-services.ts';
import type { FirstRunSpec } from './feature.ts';
import { statusView } from './views/status-view.ts';
import type { MessageView } from './views/view.ts';

/** The status as `status` and the home show it: the summary, led by the digest's verdict and the first-run guide. */
export async function statusPage(
  services: ChatServices,
  who: { workspaceId: number; platform: Platform; timeZone: string; personId?: number },
  guide: FirstRunSpec | undefined,
): Promise<MessageView> {
  // One read unit for the three reads (one snapshot, one BEGIN/COMMIT on PostgreSQL instead of three).
  const { summary, digest, lead } = await services.directory.together(async () => ({
    summary: await services.status.summarize(who.workspaceId, who.personId),
    digest: await services.digests.verdict(who.workspaceId),
    lead: (await guide?.statusLead(services, who.workspaceId, who.platform)) ?? { empty: false, blocks: [] },
  }));
  return statusView(summary, who.timeZone, { digest, guide: lead, platform: who.platform });
}
