import type { Platform } from '../core/identity.ts';
import type { ChatServices } from './chat-services.ts';
import type { FirstRunSpec } from './feature.ts';
import { statusView } from './views/status-view.ts';
import type { MessageView } from './views/view.ts';

/** The status as `status` and the home show it: the summary, led by the digest's verdict and the first-run guide. */
export function statusPage(
  services: ChatServices,
  who: { workspaceId: number; platform: Platform; timeZone: string; personId?: number },
  guide: FirstRunSpec | undefined,
): MessageView {
  return statusView(services.status.summarize(who.workspaceId, who.personId), who.timeZone, {
    digest: services.digests.build(who.workspaceId),
    guide: guide?.statusLead(services, who.workspaceId, who.platform) ?? { empty: false, blocks: [] },
    platform: who.platform,
  });
}
