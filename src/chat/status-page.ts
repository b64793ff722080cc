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
  return statusView(await services.status.summarize(who.workspaceId, who.personId), who.timeZone, {
    digest: await services.digests.verdict(who.workspaceId),
    guide: (await guide?.statusLead(services, who.workspaceId, who.platform)) ?? { empty: false, blocks: [] },
    platform: who.platform,
  });
}
