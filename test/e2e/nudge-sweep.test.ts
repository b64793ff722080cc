import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelMessenger, PostedMessage } from '../../src/chat/channel-messenger.ts';
import { STALE_SENDING_MS } from '../../src/core/scheduling/job-ledger.ts';
import { fixedClock } from '../../src/core/clock.ts';
import type { Repositories, UnitOfWork } from '../../src/core/ports.ts';
import { NUDGE_GROUP_OWNERS, NUDGE_SLICE, NudgeService } from '../../src/core/scheduling/nudge-service.ts';
import { nudgeSourcesOf } from '../../src/chat/feature.ts';
import { features } from '../../src/features/index.ts';
import { NUDGE_IN_FLIGHT, NUDGE_TAKE_BATCH, type NudgeRunReport } from '../../src/jobs/nudge-job.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { PgStore } from '../../src/store/postgres/pg-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { recordingMessenger, runSweep, seedNudgeItems, SWEEP_AT } from '../../scripts/bench/nudge-sweep.ts';
import { postSlashCommand } from '../helpers/slack-signing.ts';
import { startSlackHarness } from '../helpers/start-test-app.ts';
import { openTestStore, TEST_STORE_KIND, testStoreUrl, trackTestStore } from '../helpers/store-kinds.ts';
import { sqlOf } from '../helpers/test-sql.ts';

const ITEMS = 2_000;
const PEOPLE = 100;
const owners = Array.from({ length: PEOPLE }, (_, n) => `U0NUDGE${n}`);

/** How many times each of `recipients` appears, by recipient. */
function tally(recipients: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const to of recipients) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
}

describe(`the nudge sweep in slices (${TEST_STORE_KIND})`, () => {
  describe('in the running bot, with slash commands arriving meanwhile', () => {
    let slack: Awaited<ReturnType<typeof startSlackHarness>>;
    beforeAll(async () => {
      slack = await startSlackHarness();
      // The bot's own workspace (T0TEST), met by a first command; then 2,000 overdue items for 100 people.
      expect((await postSlashCommand(slack.eventsUrl, { text: 'help' })).status).toBe(200);
      await seedNudgeItems(slack.app.store, ITEMS, PEOPLE, { workspace: 'T0TEST', at: SWEEP_AT });
    });
    afterAll(async () => await slack.close());

    it('answers every command sent during the sweep, and sends each owner exactly one DM, even when run again', async () => {
      let finished = false;
      const sweep = slack.app.runJob('nudges', SWEEP_AT).finally(() => (finished = true));
      const answers: Array<{ status: number; text: string }> = [];
      // Commands keep coming while the sweep runs (and a few after, when it was quicker than them).
      for (let n = 0; n < 6 || (!finished && n < 50); n += 1) {
        // help, not status: what is measured here is the sweep holding acks up, not how long a status takes.
        const response = await postSlashCommand(slack.eventsUrl, { text: n % 2 === 0 ? 'help' : 'help more', user_id: 'U0ADA' });
        answers.push({ status: response.status, text: JSON.stringify(response.json ?? null) });
      }
      const [report] = (await sweep) as NudgeRunReport[];
      expect(answers.filter((answer) => answer.status !== 200 || !answer.text.includes('blocks'))).toEqual([]);
      expect(report).toMatchObject({ sent: PEOPLE, alreadySent: 0, failed: 0 });
      const dms = () => slack.slackApi.callsTo('chat.postMessage').filter((call) => owners.includes(String(call.args.channel)));
      const counts = tally(dms().map((call) => String(call.args.channel)));
      expect([...counts.keys()].sort()).toEqual([...owners].sort());
      expect([...counts.values()].every((times) => times === 1)).toBe(true);
      // Each owner's one message carries their 20 items.
      const first = dms().find((call) => call.args.channel === 'U0NUDGE0');
      expect(JSON.stringify(first?.args.blocks).match(/Corrective action #/g)?.length ?? 0).toBeGreaterThan(0);
      // Run again the same day: the claim rows say every message went; nothing is sent twice.
      const [again] = (await slack.app.runJob('nudges', SWEEP_AT)) as NudgeRunReport[];
      expect(again).toMatchObject({ sent: 0, alreadySent: PEOPLE, failed: 0 });
      expect(dms()).toHaveLength(PEOPLE);
      expect(await sqlOf(slack.app.store).count('job_deliveries')).toBe(PEOPLE);
    });
  });

  describe('on a store of its own, as the bench runs it', () => {
    let store: Awaited<ReturnType<typeof openTestStore>>;
    beforeAll(async () => {
      store = await openTestStore(undefined, { poolSize: 4 });
      await seedNudgeItems(store, ITEMS, PEOPLE);
    });
    afterAll(async () => await store.close());

    it('yields to the event loop between its reads and sends: setImmediate callbacks run before it finishes', async () => {
      const messenger = recordingMessenger();
      let finished = false;
      let turns = 0;
      // A callback queued with setImmediate that queues itself again: each run is one turn of the loop the sweep let through.
      const turn = () => {
        if (finished) return;
        turns += 1;
        setImmediate(turn);
      };
      setImmediate(turn);
      const result = await runSweep(store, { messenger });
      finished = true;
      // At least one turn per 500 items read (the sweep yields after each read, each batch taken and each DM).
      expect(turns).toBeGreaterThanOrEqual(Math.ceil(ITEMS / NUDGE_SLICE.rows));
      expect(result).toMatchObject({ sent: PEOPLE, alreadySent: 0, failed: 0 });
      const counts = tally(messenger.directs.map((dm) => dm.to));
      expect(counts.size).toBe(PEOPLE);
      expect([...counts.values()].every((times) => times === 1)).toBe(true);
    });

    it('plans one group of owners at a time: no read returns more than the group, and each group is sent before the next is read', async () => {
      const GROUP = 7;
      const events: Array<{ read: number } | { sent: number }> = [];
      // The store as the sweep sees it, counting the distinct owners of each group read of the open actions.
      const counted: UnitOfWork = {
        write: async (work) => await store.write(work),
        read: async (work) =>
          await store.read(async (repos) => {
            const actions = new Proxy(repos.actions, {
              get: (target, name, receiver) =>
                name === 'openOfOwners'
                  ? async (...args: Parameters<Repositories['actions']['openOfOwners']>) => {
                      const rows = await target.openOfOwners(...args);
                      events.push({ read: new Set(rows.map((row) => row.ownerPersonId)).size });
                      return rows;
                    }
                  : Reflect.get(target, name, receiver),
            });
            return await work(new Proxy(repos, { get: (t, name, r) => (name === 'actions' ? actions : Reflect.get(t, name, r)) }));
          }),
      };
      const nudges = new NudgeService(counted, fixedClock(SWEEP_AT), 'UTC', nudgeSourcesOf(features));
      const seen = new Map<number, number>();
      const { workspaceId } = await store.read(async (repos) => ({
        workspaceId: (await repos.workspaces.findByExternalId('slack', 'T0BENCH'))?.id ?? 0,
      }));
      await nudges.sweep(
        workspaceId,
        await nudges.today(workspaceId, SWEEP_AT),
        async (people) => {
          events.push({ sent: people.length });
          for (const { person, items } of people) seen.set(person.id, (seen.get(person.id) ?? 0) + items.length);
        },
        GROUP,
      );
      const reads = events.flatMap((event) => ('read' in event ? [event.read] : []));
      // 100 owners in groups of 7: 15 reads (the last one short), none more than 7 owners.
      expect(reads).toHaveLength(Math.ceil(PEOPLE / GROUP));
      expect(Math.max(...reads)).toBeLessThanOrEqual(GROUP);
      // Read, planned, read, planned: never two groups held at once.
      expect(events.map((event) => ('read' in event ? 'read' : 'sent')).join(' ')).toBe(
        Array.from({ length: Math.ceil(PEOPLE / GROUP) }, () => 'read sent').join(' '),
      );
      expect(events.flatMap((event) => ('sent' in event ? [event.sent] : [])).every((people) => people <= GROUP)).toBe(true);
      // Every owner once, with all their items.
      expect(seen.size).toBe(PEOPLE);
      expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(ITEMS);
      expect(NUDGE_GROUP_OWNERS).toBeLessThan(5_000);
    });

    it('two sweeps at once (two replicas) still send each DM once between them', async () => {
      const messenger = recordingMessenger();
      // The day after: a new day's run, so messages are due again.
      const nextDay = new Date(SWEEP_AT.getTime() + 86_400_000);
      const [one, two] = await Promise.all([runSweep(store, { messenger, at: nextDay }), runSweep(store, { messenger, at: nextDay })]);
      expect(one.sent + two.sent).toBe(PEOPLE);
      expect(one.failed + two.failed).toBe(0);
      const counts = tally(messenger.directs.map((dm) => dm.to));
      expect(counts.size).toBe(PEOPLE);
      expect([...counts.values()].every((times) => times === 1)).toBe(true);
    });
  });
});

/**
 * A store that outlives the connection to it, as a process's does: a SQLite file, or this project's
 * PostgreSQL database; `open()` is a new connection to it, as a new process (or a second replica) makes.
 */
async function durableStore(): Promise<{ open(): Promise<GovernanceStore>; cleanup(): void }> {
  if (TEST_STORE_KIND === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'aims-sweep-crash-'));
    const path = join(dir, 'aims.db');
    SqliteStore.open(path).close();
    return { open: async () => SqliteStore.open(path, { migrate: false }), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const first = await openTestStore(TEST_STORE_KIND);
  const url = testStoreUrl(first);
  await first.close();
  if (!url) throw new Error('no URL for the PostgreSQL test store');
  return {
    open: async () => {
      const store = await PgStore.open(url, { migrate: false, poolSize: 4 });
      trackTestStore(store, url);
      return store;
    },
    cleanup: () => undefined,
  };
}

/**
 * Slack's DMs as a process that dies mid-sweep sees them: the first `reach` are delivered (and recorded),
 * every later send is cut off (its promise never settles, as when the process is killed while the
 * request is out) and is not delivered: the crash came before it reached Slack.
 */
function dyingMessenger(reach: number): ChannelMessenger & { delivered: string[]; cutOff: string[] } {
  const delivered: string[] = [];
  const cutOff: string[] = [];
  let ts = 0;
  const posted = (channelId: string): PostedMessage => ({ channelId, messageId: `${1_700_000_000 + (ts += 1)}.000200` });
  return {
    delivered,
    cutOff,
    post: async (channel) => posted(channel.id),
    update: async () => undefined,
    direct: async (person) => {
      if (delivered.length >= reach) {
        cutOff.push(person.externalId);
        return await new Promise<PostedMessage>(() => undefined);
      }
      delivered.push(person.externalId);
      return posted(person.externalId);
    },
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > 20_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe(`the nudge sweep across processes (${TEST_STORE_KIND})`, () => {
  const CRASH_ITEMS = 500;
  let durable: Awaited<ReturnType<typeof durableStore>>;
  const open: GovernanceStore[] = [];
  const connect = async () => {
    const store = await durable.open();
    open.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    durable.cleanup();
  });

  it(
    'a crash mid-sweep: a new process sends at once every DM the dead one never reserved; the ones it reserved and did not settle ' +
      '(its cut-off sends and the rest of their batch) wait until the reservation is stale (10 minutes), then go once: none lost, ' +
      'none twice when the cut-off sends had not reached Slack (one that had would be sent again: at least once for those in flight)',
    async () => {
      durable = await durableStore();
      const first = await connect();
      await seedNudgeItems(first, CRASH_ITEMS, PEOPLE);
      // The first process gets 30 DMs out: the whole first batch of 25 and 5 of the second, then dies with
      // 4 sends out (cut off) and the second batch's other 16 reserved but not started.
      const reach = NUDGE_TAKE_BATCH + 5;
      const dying = dyingMessenger(reach);
      void runSweep(first, { messenger: dying }).catch(() => undefined);
      await until(() => dying.cutOff.length === NUDGE_IN_FLIGHT, 'the sends in flight to be cut off');
      // The process is gone: its connection closes with nothing settled after the 30th DM.
      open.splice(open.indexOf(first), 1);
      await first.close();
      const reserved = 2 * NUDGE_TAKE_BATCH - reach;

      const second = await connect();
      const rows = async (status: string) => await sqlOf(second).count('job_deliveries', 'status = ?', status);
      expect({ sent: await rows('sent'), sending: await rows('sending') }).toEqual({ sent: reach, sending: reserved });

      // A new process a minute later: the 50 never reserved go now, the 20 reserved by the dead one are left alone.
      const resumed = recordingMessenger();
      const soon = await runSweep(second, { messenger: resumed, at: new Date(SWEEP_AT.getTime() + 60_000) });
      expect(soon).toMatchObject({ sent: PEOPLE - 2 * NUDGE_TAKE_BATCH, alreadySent: 2 * NUDGE_TAKE_BATCH, failed: 0 });
      expect(await rows('sending')).toBe(reserved);

      // Once the reservations are stale, the next run (the scheduler checks hourly) sends those 20, once.
      const late = recordingMessenger();
      const stale = await runSweep(second, { messenger: late, at: new Date(SWEEP_AT.getTime() + STALE_SENDING_MS + 60_000) });
      expect(stale).toMatchObject({ sent: reserved, alreadySent: PEOPLE - reserved, failed: 0 });
      expect(late.directs.map((dm) => dm.to).sort()).toEqual(
        owners.filter((owner) => !dying.delivered.includes(owner) && !resumed.directs.some((dm) => dm.to === owner)).sort(),
      );
      // The cut-off sends are among them: reserved, never settled, sent again after the stale time.
      expect(dying.cutOff.every((owner) => late.directs.some((dm) => dm.to === owner))).toBe(true);

      // Between the three processes every owner got exactly one DM, and the rows and audit trail say so.
      const all = tally([...dying.delivered, ...resumed.directs.map((dm) => dm.to), ...late.directs.map((dm) => dm.to)]);
      expect([...all.keys()].sort()).toEqual([...owners].sort());
      expect([...all.values()].every((times) => times === 1)).toBe(true);
      expect({ rows: await sqlOf(second).count('job_deliveries'), sent: await rows('sent') }).toEqual({ rows: PEOPLE, sent: PEOPLE });
      expect(await sqlOf(second).count('job_deliveries', 'attempts = 2')).toBe(reserved);
      expect(await sqlOf(second).count('audit_events', "action = 'job.message_sent'")).toBe(PEOPLE);
      // A run after all that sends nothing.
      expect(
        await runSweep(second, { messenger: recordingMessenger(), at: new Date(SWEEP_AT.getTime() + 2 * STALE_SENDING_MS) }),
      ).toMatchObject({
        sent: 0,
        alreadySent: PEOPLE,
      });
      expect(await second.verifyAudit()).toMatchObject({ ok: true });
    },
  );

  it('two sweeps at once from two processes (each its own connection to the store) send each DM once between them', async () => {
    durable = await durableStore();
    const one = await connect();
    const two = await connect();
    await seedNudgeItems(one, CRASH_ITEMS, PEOPLE);
    const messenger = recordingMessenger();
    const [a, b] = await Promise.all([runSweep(one, { messenger }), runSweep(two, { messenger })]);
    expect(a.sent + b.sent).toBe(PEOPLE);
    expect(a.alreadySent + b.alreadySent).toBe(PEOPLE);
    expect(a.failed + b.failed).toBe(0);
    const counts = tally(messenger.directs.map((dm) => dm.to));
    expect([...counts.keys()].sort()).toEqual([...owners].sort());
    expect([...counts.values()].every((times) => times === 1)).toBe(true);
    expect(await sqlOf(one).count('job_deliveries')).toBe(PEOPLE);
    expect(await sqlOf(one).count('job_runs')).toBe(1);
  });
});
