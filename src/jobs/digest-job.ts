import type { CardPublisher } from '../chat/card-publisher.ts';
import { digestView } from '../chat/views/digest-view.ts';
import type { AnchorService } from '../core/audit-anchors.ts';
import type { DigestService } from '../core/digest/digest-service.ts';
import type { TrendChart, TrendService } from '../core/charts/trend-service.ts';
import type { JobLedger } from '../core/scheduling/job-ledger.ts';
import type { SettingsService } from '../core/settings/settings-service.ts';
import { localWeekdayHour } from '../core/settings/workspace-settings.ts';
import type { Logger } from '../logger.ts';
import { yieldToEventLoop } from '../core/yield-to-event-loop.ts';

export const DIGEST_JOB = 'digest';
const RECIPIENT = 'channel:leadership';

export interface DigestRunReport {
  workspace: string;
  period: string;
  outcome: 'sent' | 'already sent' | 'failed' | 'no leadership channel';
}

/**
 * The weekly digest to each workspace's leadership channel, once per ISO week: the run is claimed and
 * the message taken in the store before it is sent, so a restart, a second replica or a run by hand
 * sends nothing twice; a failed send stays failed and the next run sends it.
 */
export async function runDigest(
  deps: {
    digests: DigestService;
    trends: TrendService;
    ledger: JobLedger;
    settings: SettingsService;
    cards: CardPublisher;
    logger: Logger;
    anchors: AnchorService;
  },
  at: Date,
  onlyWhereDue = false,
): Promise<DigestRunReport[]> {
  const reports: DigestRunReport[] = [];
  for (const workspace of await deps.digests.workspaces()) {
    // One workspace's digest at a time, each its own short units, with the event loop let in between.
    await yieldToEventLoop();
    // The scheduler checks every hour; each workspace's setup says which weekday and hour are its own.
    if (onlyWhereDue) {
      const settings = await deps.settings.get(workspace.id);
      const local = localWeekdayHour(at, settings.timeZone ?? 'UTC');
      if (local.weekday !== settings.digestWeekday || local.hour !== settings.digestHour) continue;
    }
    const channel = (await deps.settings.get(workspace.id)).leadershipChannel;
    const name = workspace.name ?? workspace.externalId;
    const digest = await deps.digests.build(workspace.id, at);
    if (!channel) {
      reports.push({ workspace: name, period: digest.period, outcome: 'no leadership channel' });
      continue;
    }
    // The 12-week picture, drawn once per run and only for a digest about to go out (not for a week
    // already sent); a chart that cannot be drawn leaves the digest as it was.
    let chart: Promise<TrendChart | undefined> | undefined;
    const chartOnce = () =>
      (chart ??= deps.trends.chart(workspace.id, at).catch((error: unknown) => {
        deps.logger.error('the digest chart could not be drawn', { workspace: name, error });
        return undefined;
      }));
    const send = async (runId: number, note?: string): Promise<'sent' | 'already sent' | 'failed'> => {
      const delivery = await deps.ledger.takeDelivery(runId, RECIPIENT, `digest ${digest.period}`);
      if (!delivery) return 'already sent';
      let messageId: string | undefined;
      const result = await deps.cards.post(
        workspace.platform,
        [{ label: 'the leadership channel', channel }],
        digestView(digest, note, await chartOnce()),
        (posted) => (messageId = posted.messageId),
      );
      const ok = result.posted.length > 0;
      await deps.ledger.settle(
        delivery,
        workspace.id,
        ok ? { ok: true } : { ok: false, error: `could not post to ${result.failed.join(', ')}` },
      );
      // The head the digest showed is published now: recorded so that verify can check against it.
      if (ok && digest.auditHead)
        await deps.anchors.record(
          workspace.id,
          digest.auditHead,
          { channelId: channel.id, channelName: channel.name ?? null, messageId: messageId ?? null },
          `digest ${digest.period}`,
        );
      return ok ? 'sent' : 'failed';
    };
    // Failed digests of earlier weeks go out first (with today's figures, marked late).
    for (const failed of await deps.ledger.failedEarlier(DIGEST_JOB, workspace.id)) {
      if (failed.period !== digest.period)
        await send(failed.runId, `Late: the digest of ${failed.period} could not be sent then; these are today's figures.`);
    }
    const { run } = await deps.ledger.claimRun(DIGEST_JOB, digest.period, workspace.id);
    const outcome = await send(run.id);
    await deps.ledger.finishRun(run.id);
    deps.logger.info('digest run', { workspace: name, period: digest.period, outcome });
    reports.push({ workspace: name, period: digest.period, outcome });
  }
  return reports;
}
