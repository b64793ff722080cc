import type { CardPublisher } from '../chat/card-publisher.ts';
import { escalationView, nudgeView } from '../features/nudges/views.ts';
import type { DigestService } from '../core/digest/digest-service.ts';
import type { JobDelivery, JobLedger } from '../core/scheduling/job-ledger.ts';
import { ESCALATE_TO_ADMINS_DAYS, ESCALATE_TO_LEADERSHIP_DAYS, type NudgeService } from '../core/scheduling/nudge-service.ts';
import type { SettingsService } from '../core/settings/settings-service.ts';
import { localWeekdayHour } from '../core/settings/workspace-settings.ts';
import type { Logger } from '../logger.ts';
import type { MessageView } from '../chat/views/view.ts';
import type { Person, Workspace } from '../core/identity.ts';
import { yieldToEventLoop } from '../core/yield-to-event-loop.ts';

export const NUDGE_JOB = 'nudges';
/**
 * Recipients whose delivery rows are written and taken in one write unit (one unit per batch instead of
 * one per message); each message is still settled in its own unit right after its send, so a crash
 * can repeat at most the messages in flight, and leaves the rest of its batch to be taken once stale.
 */
export const NUDGE_TAKE_BATCH = 25;
/** Direct messages in flight at once (the sweep waits on the platform's answers, not on this process). */
export const NUDGE_IN_FLIGHT = 4;

export interface NudgeRunReport {
  workspace: string;
  period: string;
  sent: number;
  alreadySent: number;
  failed: number;
}

/**
 * Daily: each person with something overdue or due soon gets one direct message; items overdue more
 * than 7 days are also listed to the admins, more than 21 days to the leadership channel. Claimed per
 * day and workspace, each message taken before it is sent: nothing twice, failures retried next run.
 */
export async function runNudges(
  deps: {
    nudges: NudgeService;
    digests: DigestService;
    ledger: JobLedger;
    settings: SettingsService;
    cards: CardPublisher;
    logger: Logger;
  },
  at: Date,
  onlyWhereDue = false,
): Promise<NudgeRunReport[]> {
  const reports: NudgeRunReport[] = [];
  for (const workspace of await deps.digests.workspaces()) {
    await yieldToEventLoop();
    // The scheduler checks every hour; each workspace's setup says which hour is its own.
    if (onlyWhereDue) {
      const settings = await deps.settings.get(workspace.id);
      if (localWeekdayHour(at, settings.timeZone ?? 'UTC').hour !== settings.nudgeHour) continue;
    }
    const plan = await deps.nudges.plan(workspace.id, at);
    // Views are built as each message goes out (a sweep may have thousands), not all at once here.
    const messages = new Map<string, { summary: string; view: () => MessageView; to: { person: Person } | { channel: true } }>();
    for (const { person, items } of plan.people) {
      messages.set(`person:${person.id}`, {
        summary: items.map((i) => i.key).join(', '),
        view: () => nudgeView(items, plan.today),
        to: { person },
      });
    }
    if (plan.toAdmins.length > 0) {
      for (const admin of plan.admins) {
        messages.set(`admin:${admin.id}`, {
          summary: plan.toAdmins.map((e) => e.item.key).join(', '),
          view: () => escalationView(plan.toAdmins, ESCALATE_TO_ADMINS_DAYS, plan.today),
          to: { person: admin },
        });
      }
    }
    if (plan.toLeadership.length > 0) {
      messages.set('channel:leadership', {
        summary: plan.toLeadership.map((e) => e.item.key).join(', '),
        view: () => escalationView(plan.toLeadership, ESCALATE_TO_LEADERSHIP_DAYS, plan.today),
        to: { channel: true },
      });
    }
    // From here the messages hold each person's items; the plan's list of them is let go, and each
    // message is let go once settled, so what the sweep keeps shrinks as it goes (100k items at the start).
    plan.people = [];
    const report: NudgeRunReport = {
      workspace: workspace.name ?? workspace.externalId,
      period: plan.today,
      sent: 0,
      alreadySent: 0,
      failed: 0,
    };
    const deliver = async (delivery: JobDelivery): Promise<void> => {
      const message = messages.get(delivery.recipient);
      if (!message) return;
      const ok = await send(deps, workspace, message);
      await deps.ledger.settle(
        delivery,
        workspace.id,
        ok ? { ok: true } : { ok: false, error: `could not deliver to ${delivery.recipient}` },
      );
      messages.delete(delivery.recipient);
      if (ok) report.sent += 1;
      else report.failed += 1;
      // Each message is its own short units (send, settle); the event loop runs between them.
      await yieldToEventLoop();
    };
    // A nudge that failed on an earlier day is not lost: today's message to that person carries
    // everything still due, so it supersedes the failed one (one message a day, never two).
    for (const failed of await deps.ledger.failedEarlier(NUDGE_JOB, workspace.id)) {
      if (failed.period !== plan.today) await deps.ledger.supersede(failed, workspace.id, plan.today);
    }
    const { run } = await deps.ledger.claimRun(NUDGE_JOB, plan.today, workspace.id);
    const recipients = [...messages.keys()];
    for (let start = 0; start < recipients.length; start += NUDGE_TAKE_BATCH) {
      const batch = recipients.slice(start, start + NUDGE_TAKE_BATCH).map((recipient) => ({
        recipient,
        summary: messages.get(recipient)?.summary ?? '',
      }));
      const taken = await deps.ledger.takeDeliveries(run.id, batch);
      report.alreadySent += batch.length - taken.length;
      const mine = new Set(taken.map((delivery) => delivery.recipient));
      for (const { recipient } of batch) if (!mine.has(recipient)) messages.delete(recipient);
      await yieldToEventLoop();
      await inFlight(taken, NUDGE_IN_FLIGHT, deliver);
    }
    await deps.ledger.finishRun(run.id);
    deps.logger.info('nudge run', { ...report });
    reports.push(report);
  }
  return reports;
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function inFlight<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function send(
  deps: { settings: SettingsService; cards: CardPublisher },
  workspace: Workspace,
  message: { view: () => MessageView; to: { person: Person } | { channel: true } },
): Promise<boolean> {
  if ('person' in message.to) return await deps.cards.direct(workspace.platform, message.to.person, message.view());
  const channel = (await deps.settings.get(workspace.id)).leadershipChannel;
  const result = await deps.cards.post(workspace.platform, [{ label: 'the leadership channel', channel }], message.view(), () => undefined);
  return result.posted.length > 0;
}
