import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NUDGE_SLICE } from '../../src/core/scheduling/nudge-service.ts';
import type { NudgeRunReport } from '../../src/jobs/nudge-job.ts';
import { recordingMessenger, runSweep, seedNudgeItems, SWEEP_AT } from '../../scripts/bench/nudge-sweep.ts';
import { postSlashCommand } from '../helpers/slack-signing.ts';
import { startSlackHarness } from '../helpers/start-test-app.ts';
import { openTestStore, TEST_STORE_KIND } from '../helpers/store-kinds.ts';
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

    it('yields to the event loop between its slices: setImmediate callbacks run before it finishes', async () => {
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
      // At least one turn per slice of items read: 2,000 items are 4 slices of 500.
      expect(turns).toBeGreaterThanOrEqual(Math.ceil(ITEMS / NUDGE_SLICE.rows));
      expect(result).toMatchObject({ sent: PEOPLE, alreadySent: 0, failed: 0 });
      const counts = tally(messenger.directs.map((dm) => dm.to));
      expect(counts.size).toBe(PEOPLE);
      expect([...counts.values()].every((times) => times === 1)).toBe(true);
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
