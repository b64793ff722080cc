import type { CardPublisher } from '../chat/card-publisher.ts';
import { anchorView } from '../chat/views/anchor-view.ts';
import type { AnchorService } from '../core/audit-anchors.ts';
import type { DigestService } from '../core/digest/digest-service.ts';
import type { JobLedger } from '../core/scheduling/job-ledger.ts';
import type { SettingsService } from '../core/settings/settings-service.ts';
import { localWeekdayHour } from '../core/settings/workspace-settings.ts';
import { todayIn } from '../core/zoned-time.ts';
import type { Logger } from '../logger.ts';

export const ANCHOR_JOB = 'anchor';
const RECIPIENT = 'channel:leadership';

export interface AnchorRunReport {
  workspace: string;
  period: string;
  outcome: 'sent' | 'already sent' | 'failed' | 'nothing changed' | 'no leadership channel';
  head?: string;
}

/**
 * Daily, at the workspace's digest hour: when the workspace changed anything since the last head
 * published to it, the head of its own chain goes to the leadership channel and is recorded as a
 * published anchor. Claimed once per workspace and day like the digest; a quiet day posts nothing
 * and claims nothing. A failed anchor is retried the same day; a later day's anchor replaces it.
 */
export async function runAnchors(
  deps: {
    anchors: AnchorService;
    digests: DigestService;
    ledger: JobLedger;
    settings: SettingsService;
    cards: CardPublisher;
    logger: Logger;
  },
  at: Date,
  onlyWhereDue = false,
): Promise<AnchorRunReport[]> {
  const reports: AnchorRunReport[] = [];
  for (const workspace of await deps.digests.workspaces()) {
    const settings = await deps.settings.get(workspace.id);
    const timeZone = settings.timeZone ?? 'UTC';
    if (onlyWhereDue && localWeekdayHour(at, timeZone).hour !== settings.digestHour) continue;
    const name = workspace.name ?? workspace.externalId;
    const period = todayIn(timeZone, at);
    const channel = settings.leadershipChannel;
    if (!channel) {
      reports.push({ workspace: name, period, outcome: 'no leadership channel' });
      continue;
    }
    const today = await deps.ledger.lastRun(ANCHOR_JOB, workspace.id);
    if (today?.period !== period && !(await deps.anchors.changedSinceLastAnchor(workspace.id))) {
      reports.push({ workspace: name, period, outcome: 'nothing changed' });
      continue;
    }
    const { run } = await deps.ledger.claimRun(ANCHOR_JOB, period, workspace.id);
    const head = await deps.anchors.head(workspace.id);
    const delivery = head ? await deps.ledger.takeDelivery(run.id, RECIPIENT, `anchor ${period} #${head.sequence}`) : undefined;
    if (!head || !delivery) {
      reports.push({ workspace: name, period, outcome: 'already sent' });
      continue;
    }
    let messageId: string | undefined;
    const result = await deps.cards.post(
      workspace.platform,
      [{ label: 'the leadership channel', channel }],
      anchorView(head, period),
      (posted) => (messageId = posted.messageId),
    );
    const ok = result.posted.length > 0;
    await deps.ledger.settle(
      delivery,
      workspace.id,
      ok ? { ok: true } : { ok: false, error: `could not post to ${result.failed.join(', ')}` },
    );
    if (ok) {
      await deps.anchors.record(
        workspace.id,
        head,
        { channelId: channel.id, channelName: channel.name ?? null, messageId: messageId ?? null },
        `anchor ${period}`,
      );
      for (const failed of await deps.ledger.failedEarlier(ANCHOR_JOB, workspace.id))
        if (failed.period !== period) await deps.ledger.supersede(failed, workspace.id, `anchor ${period}`);
    }
    await deps.ledger.finishRun(run.id);
    deps.logger.info('anchor run', { workspace: name, period, outcome: ok ? 'sent' : 'failed', sequence: head.sequence });
    reports.push({ workspace: name, period, outcome: ok ? 'sent' : 'failed', head: `#${head.sequence} ${head.hash}` });
  }
  return reports;
}
