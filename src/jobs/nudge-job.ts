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
    const today = await deps.nudges.today(workspace.id, at);
    const report: NudgeRunReport = {
      workspace: workspace.name ?? workspace.externalId,
      period: today,
      sent: 0,
      alreadySent: 0,
      failed: 0,
    };
    // A nudge that failed on an earlier day is not lost: today's message to that person carries
    // everything still due, so it supersedes the failed one (one message a day, never two).
    for (const failed of await deps.ledger.failedEarlier(NUDGE_JOB, workspace.id)) {
      if (failed.period !== today) await deps.ledger.supersede(failed, workspace.id, today);
    }
    const { run } = await deps.ledger.claimRun(NUDGE_JOB, today, workspace.id);
    // Planned and sent one group of owners at a time: what the sweep holds is one group's items and
    // messages (each let go once settled), whatever the number of items; then the escalations.
    const rest = await deps.nudges.sweep(workspace.id, today, async (people) => {
      const messages: Messages = new Map();
      for (const { person, items } of people) {
        messages.set(`person:${person.id}`, {
          summary: items.map((i) => i.key).join(', '),
          // Views are built as each message goes out, not all at once here.
          view: () => nudgeView(items, today),
          to: { person },
        });
      }
      await deliverAll(deps, workspace, run.id, messages, report);
    });
    const escalations: Messages = new Map();
    if (rest.toAdmins.length > 0) {
      for (const admin of rest.admins) {
        escalations.set(`admin:${admin.id}`, {
          summary: rest.toAdmins.map((e) => e.item.key).join(', '),
          view: () => escalationView(rest.toAdmins, ESCALATE_TO_ADMINS_DAYS, today),
          to: { person: admin },
        });
      }
    }
    if (rest.toLeadership.length > 0) {
      escalations.set('channel:leadership', {
        summary: rest.toLeadership.map((e) => e.item.key).join(', '),
        view: () => escalationView(rest.toLeadership, ESCALATE_TO_LEADERSHIP_DAYS, today),
        to: { channel: true },
      });
    }
    await deliverAll(deps, workspace, run.id, escalations, report);
    await deps.ledger.finishRun(run.id);
    deps.logger.info('nudge run', { ...report });
    reports.push(report);
  }
  return reports;
}

type Messages = Map<string, { summary: string; view: () => MessageView; to: { person: Person } | { channel: true } }>;

/**
 * Takes the delivery rows of `messages` NUDGE_TAKE_BATCH at a time (those another sweep or an earlier
 * run took are counted as already sent) and sends what it took, NUDGE_IN_FLIGHT at once, each settled
 * in its own unit right after its send and let go.
 */
async function deliverAll(
  deps: { ledger: JobLedger; settings: SettingsService; cards: CardPublisher },
  workspace: Workspace,
  runId: number,
  messages: Messages,
  report: NudgeRunReport,
): Promise<void> {
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
  const recipients = [...messages.keys()];
  for (let start = 0; start < recipients.length; start += NUDGE_TAKE_BATCH) {
    const batch = recipients.slice(start, start + NUDGE_TAKE_BATCH).map((recipient) => ({
      recipient,
      summary: messages.get(recipient)?.summary ?? '',
    }));
    const taken = await deps.ledger.takeDeliveries(runId, batch);
    report.alreadySent += batch.length - taken.length;
    const mine = new Set(taken.map((delivery) => delivery.recipient));
    for (const { recipient } of batch) if (!mine.has(recipient)) messages.delete(recipient);
    await yieldToEventLoop();
    await inFlight(taken, NUDGE_IN_FLIGHT, deliver);
  }
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
