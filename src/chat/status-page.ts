import type { Platform } from '../core/identity.ts';
import { KeptMap } from '../core/kept-map.ts';
import type { ChatServices } from './chat-services.ts';
import type { FirstRunSpec } from './feature.ts';
import { statusView } from './views/status-view.ts';
import type { MessageView } from './views/view.ts';

/** Who a status page is for. */
export interface StatusReader {
  workspaceId: number;
  platform: Platform;
  timeZone: string;
  personId?: number;
}

/** A page as last built, with the store's change mark taken before it was read and when time alone changes it. */
interface KeptPage {
  mark: string;
  builtAt: number;
  until: number;
  view: MessageView;
}

/** Pages kept per services (one per app), by reader; the least recently asked one goes first. */
const KEPT_PAGES = 2_000;
const kept = new WeakMap<ChatServices, KeptMap<string, KeptPage>>();
/** Pages being built, by reader, mark and minute. */
const building = new WeakMap<ChatServices, Map<string, Promise<MessageView>>>();

const readerKey = (who: StatusReader): string => `${who.workspaceId}:${who.personId ?? ''}:${who.platform}:${who.timeZone}`;

/** The start of the next minute: the page says "As of 3 Dec 2026 12:05", so it is rebuilt once the minute turns. */
const nextMinute = (at: number): number => (Math.floor(at / 60_000) + 1) * 60_000;

/**
 * The status as `status` and the home show it: the summary, led by the digest's verdict and the first-run
 * guide. On a store with a change mark (UnitOfWork.changeMark) the page is answered again from memory while nothing in the
 * store has changed, its minute has not turned and no time-bound figure is due: everyone asking at once
 * after the digest lands costs one read of the mark each.
 */
export async function statusPage(services: ChatServices, who: StatusReader, guide: FirstRunSpec | undefined): Promise<MessageView> {
  const mark = services.changeMark();
  const now = services.clock.now().getTime();
  const pages = kept.get(services) ?? new KeptMap<string, KeptPage>(KEPT_PAGES);
  kept.set(services, pages);
  const key = readerKey(who);
  const page = pages.get(key);
  if (mark !== undefined && page && page.mark === mark && now >= page.builtAt && now < page.until) {
    pages.keep(key, page);
    return page.view;
  }
  if (mark === undefined) return await buildPage(services, who, guide);
  // Everyone asking at once when the mark turns waits for one build, not one build each.
  const flights = building.get(services) ?? new Map<string, Promise<MessageView>>();
  building.set(services, flights);
  const flight = `${key}|${mark}|${nextMinute(now)}`;
  const running = flights.get(flight);
  if (running) return await running;
  const started = buildPage(services, who, guide);
  flights.set(flight, started);
  let view: MessageView;
  try {
    view = await started;
  } finally {
    flights.delete(flight);
  }
  pages.keep(key, { mark, builtAt: now, until: Math.min(nextMinute(now), services.status.keptUntil(who.workspaceId) ?? now), view });
  return view;
}

async function buildPage(services: ChatServices, who: StatusReader, guide: FirstRunSpec | undefined): Promise<MessageView> {
  // One read unit for the three reads (one snapshot, one BEGIN/COMMIT on PostgreSQL instead of three).
  const { summary, digest, lead } = await services.directory.together(async () => ({
    summary: await services.status.summarize(who.workspaceId, who.personId),
    digest: await services.digests.verdict(who.workspaceId),
    lead: (await guide?.statusLead(services, who.workspaceId, who.platform)) ?? { empty: false, blocks: [] },
  }));
  return statusView(summary, who.timeZone, { digest, guide: lead, platform: who.platform });
}
