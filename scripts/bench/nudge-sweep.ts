/**
 * The nudge sweep at size, for `npm run bench` (scripts/bench.ts) and for tests.
 *
 *   const seeded = await seedNudgeItems(store, 100_000, 5_000); // N open corrective actions, overdue, for M people
 *   const sweep = await runSweep(store, { at: seeded.at });      // the daily nudge job over them, in this process
 *   sweep.sent;  // direct messages sent (one per person), sweep.reports as the job logs them
 *
 * seedNudgeItems writes through the store's repositories (no audit events: bench data, not evidence), in
 * batches of 1,000 rows per write unit, into a Slack workspace (`T0BENCH` unless told) with people
 * `U0NUDGE<n>` and the items spread round-robin over them, all due before `at`.
 * runSweep runs the same runNudges the scheduler runs (src/jobs/nudge-job.ts) with the app's services on
 * `store`; its direct messages go to `messenger` (by default one that records them in memory, no I/O),
 * so while it runs the event loop turns only where the sweep yields. Run it beside a server in the same
 * process to see what it does to acks (monitorEventLoopDelay, signed requests); run it twice to see the
 * claim rows at work (the second run sends nothing).
 */
import type { ChannelMessenger, PostedMessage } from '../../src/chat/channel-messenger.ts';
import { CardPublisher } from '../../src/chat/card-publisher.ts';
import type { MessageView } from '../../src/chat/views/view.ts';
import { fixedClock } from '../../src/core/clock.ts';
import type { Person } from '../../src/core/identity.ts';
import type { UnitOfWork } from '../../src/core/ports.ts';
import { runNudges, type NudgeRunReport } from '../../src/jobs/nudge-job.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import { createServices } from '../../src/services.ts';

/** The instant the seeded items are overdue at (2026-11-22 10:00 UTC). */
export const SWEEP_AT = new Date('2026-11-22T10:00:00.000Z');
const BATCH = 1_000;

export interface SeededNudges {
  workspaceId: number;
  /** The people who own items, in seeding order. */
  people: Person[];
  items: number;
  at: Date;
}

/** Seeds `items` open corrective actions, overdue at `at`, owned round-robin by `people` people of one Slack workspace. */
export async function seedNudgeItems(
  store: UnitOfWork,
  items: number,
  people: number,
  options: { workspace?: string; at?: Date } = {},
): Promise<SeededNudges> {
  const at = options.at ?? SWEEP_AT;
  const createdAt = at.toISOString();
  const external = options.workspace ?? 'T0BENCH';
  const workspace = await store.write(
    async (repos) =>
      (await repos.workspaces.findByExternalId('slack', external)) ??
      (await repos.workspaces.insert({ platform: 'slack', externalId: external, name: 'bench', createdAt })),
  );
  const owners: Person[] = [];
  for (let start = 0; start < people; start += BATCH) {
    await store.write(async (repos) => {
      for (let n = start; n < Math.min(people, start + BATCH); n += 1) {
        const externalId = `U0NUDGE${n}`;
        owners.push(
          (await repos.people.find(workspace.id, externalId)) ??
            (await repos.people.insert({
              workspaceId: workspace.id,
              platform: 'slack',
              externalId,
              displayName: `Owner ${n}`,
              createdAt,
            })),
        );
      }
    });
  }
  for (let start = 0; start < items; start += BATCH) {
    await store.write(async (repos) => {
      for (let n = start; n < Math.min(items, start + BATCH); n += 1) {
        const owner = owners[n % owners.length];
        if (!owner) throw new Error('seedNudgeItems needs at least one person');
        await repos.actions.insert({
          workspaceId: workspace.id,
          incidentId: null,
          reviewCompletionId: null,
          title: `Bench action ${n}`,
          ownerPersonId: owner.id,
          // Overdue by 1 to 5 days: under the admins' threshold, so each owner's nudge is the whole sweep.
          dueDate: new Date(at.getTime() - (1 + (n % 5)) * 86_400_000).toISOString().slice(0, 10),
          status: 'open',
          doneAt: null,
          createdAt,
        });
      }
    });
  }
  return { workspaceId: workspace.id, people: owners, items, at };
}

/** A Slack messenger that only records the direct messages it is given. */
export function recordingMessenger(): ChannelMessenger & { directs: Array<{ to: string; view: MessageView }> } {
  const directs: Array<{ to: string; view: MessageView }> = [];
  let ts = 0;
  const posted = (channelId: string): PostedMessage => ({ channelId, messageId: `${1_700_000_000 + (ts += 1)}.000100` });
  return {
    directs,
    post: async (channel) => posted(channel.id),
    update: async () => undefined,
    direct: async (person, view) => {
      directs.push({ to: person.externalId, view });
      return posted(person.externalId);
    },
  };
}

export interface SweepResult {
  reports: NudgeRunReport[];
  /** Direct messages this run sent, summed over workspaces. */
  sent: number;
  alreadySent: number;
  failed: number;
}

/** Runs the daily nudge job over `store` as of `at` (SWEEP_AT by default), sending through `messenger` (Slack). */
export async function runSweep(
  store: UnitOfWork,
  options: { at?: Date; messenger?: ChannelMessenger; logger?: Logger } = {},
): Promise<SweepResult> {
  const at = options.at ?? SWEEP_AT;
  const logger = options.logger ?? createLogger('silent');
  const services = createServices({
    store,
    clock: fixedClock(at),
    directory: { seedAdmins: [], firstContactBecomesAdmin: false },
    defaultTimeZone: 'UTC',
    logger,
  });
  const cards = new CardPublisher({ slack: options.messenger ?? recordingMessenger() }, logger);
  const reports = await runNudges({ ...services, cards }, at);
  const sum = (field: 'sent' | 'alreadySent' | 'failed') => reports.reduce((total, report) => total + report[field], 0);
  return { reports, sent: sum('sent'), alreadySent: sum('alreadySent'), failed: sum('failed') };
}
