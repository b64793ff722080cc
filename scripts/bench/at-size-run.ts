// The at-size sections of the bench (see at-size.ts for the hooks): status at size with `help` beside
// it, and the 100k-item nudge sweep with the event-loop delay and the acks beside it. A hook whose file is
// not there yet prints one line saying so.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { startFakeSlackApi } from '../../test/helpers/fake-slack-api.ts';
import { optionalModule, type NudgeSweepModule, type SeedModule, type StatusAtSizeModule } from './at-size.ts';
import { startHost, type EventLoopDelay, type HostStore } from './hosts.ts';
import { load, loadWhile, PAUSE_MS, quantile, slashCommand } from './load.ts';
import type { Fakes } from './side-by-side.ts';
import { newStoreLocation, openAt, type StoreKind } from './stores.ts';
import { markdownTable, num } from './table.ts';

const STATUSES = 10;
const IDLE_MS = 5000;
const SWEEP_ITEMS = 100_000;
const SWEEP_PEOPLE = 5_000;

export interface AtSizeReport {
  lines: string[];
}

const run = promisify(execFile);

type SlackApi = Awaited<ReturnType<typeof startFakeSlackApi>>;

/** Figures a hook returned, as "key: value" lines (numbers with their digits). */
function describe(value: unknown, indent = ''): string[] {
  if (value === null || typeof value !== 'object') return [`${indent}${typeof value === 'number' ? num(value) : String(value)}`];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) =>
    item !== null && typeof item === 'object'
      ? [`${indent}- ${key}:`, ...describe(item, `${indent}  `)]
      : [`${indent}- ${key}: ${typeof item === 'number' ? num(item) : String(item)}`],
  );
}

export async function atSize(kind: StoreKind, fakes: Fakes, slackApi: SlackApi, progress: (line: string) => void): Promise<AtSizeReport> {
  const lines: string[] = [];
  lines.push('### Status at size', '', ...(await statusAtSizeSection(kind, fakes, progress)));
  lines.push('', '### Nudge sweep of 100k open items for 5k people', '', ...(await sweepSection(kind, fakes, slackApi, progress)));
  return { lines };
}

async function statusAtSizeSection(kind: StoreKind, fakes: Fakes, progress: (line: string) => void): Promise<string[]> {
  const seed = await optionalModule<SeedModule>('seed-large-store.ts');
  const status = await optionalModule<StatusAtSizeModule>('status-at-size.ts');
  if (!seed || !status)
    return ['Not built yet: scripts/bench/seed-large-store.ts and scripts/bench/status-at-size.ts (seedLargeStore, statusAtSize).'];
  const location = await newStoreLocation(kind);
  const store = await openAt(location);
  let seeded: Awaited<ReturnType<SeedModule['seedLargeStore']>>;
  const lines: string[] = [];
  try {
    progress('  seeding the large store');
    const started = performance.now();
    seeded = await seed.seedLargeStore(store);
    lines.push(`Seeded (seedLargeStore) in ${num((performance.now() - started) / 1000)} s: large workspace ${seeded.workspaceId}.`, '');
  } finally {
    await store.close();
  }
  progress("  status at size, in process (a fresh process: its peak memory is the status's)");
  const measured = await measureStatus({ store: location, workspaceId: seeded.workspaceId, personId: seeded.approverPersonId });
  lines.push(
    `In process (statusAtSize, in a fresh process, as the large workspace's approver ${seeded.approverPersonId ?? '-'}):`,
    ...describe(measured),
    '',
  );

  // Over HTTP: `/aims help` idle, then while `/aims status` requests run on the large workspace.
  const who = slackIdentityOf(seeded);
  const host = await startHost({ kind: 'bot-slack', slackApiUrl: fakes.slackApiUrl, store: location });
  try {
    const help = slashCommand('help', who.user, who.team);
    await load(host.url, help, 20, 4);
    const idle = await loadWhile(host.url, help, 4, new Promise((resolve) => setTimeout(resolve, IDLE_MS)), PAUSE_MS);
    progress('  help while status at size runs');
    await host.call({ cmd: 'delay-reset' });
    const statuses = load(host.url, slashCommand('status', who.user, who.team), STATUSES, 2);
    const beside = await loadWhile(host.url, help, 4, statuses, PAUSE_MS);
    const statusRun = await statuses;
    const delay = await host.call<EventLoopDelay>({ cmd: 'delay' });
    lines.push(
      `Over HTTP (the Slack bot in its own process, as ${who.user} of ${who.team}):`,
      '',
      markdownTable(
        ['figure', 'value'],
        [
          [
            `\`/aims help\` p99, idle (4 people, ${PAUSE_MS} ms between answer and next, ${IDLE_MS / 1000} s)`,
            `${num(quantile(idle.latencies, 0.99))} ms (${idle.latencies.length})`,
          ],
          [
            `the same while ${STATUSES} \`/aims status\` run 2 at a time`,
            `${num(quantile(beside.latencies, 0.99))} ms (${beside.latencies.length})`,
          ],
          ['difference (must stay within 50 ms)', `${num(quantile(beside.latencies, 0.99) - quantile(idle.latencies, 0.99))} ms`],
          [
            '`/aims status` at size over HTTP, p50 / max',
            `${num(quantile(statusRun.latencies, 0.5))} / ${num(statusRun.latencies.at(-1) ?? Number.NaN)} ms`,
          ],
          ['server event-loop delay p99 / max meanwhile', `${num(delay.p99)} / ${num(delay.max)} ms`],
          [
            'failures (status, help)',
            `${statusRun.failures}, ${beside.failures}${statusRun.firstFailure ? ` (${statusRun.firstFailure})` : ''}`,
          ],
        ],
      ),
    );
  } finally {
    await host.stop();
  }
  return lines;
}

/** scripts/bench/measure-status.ts in a fresh process: statusAtSize's figures. */
async function measureStatus(args: { store: HostStore; workspaceId: number; personId?: number }): Promise<unknown> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'measure-status.ts'), JSON.stringify(args)],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as unknown;
}

/**
 * The Slack team and user the large workspace is spoken to as: the ones seedLargeStore names, else by its
 * conventions (workspace TSEED<id>, person U<id>), the approver it returns (status with "waiting on you").
 */
function slackIdentityOf(seeded: { workspaceId: number }): { team: string; user: string } {
  const record = seeded as Record<string, unknown>;
  const team = record.workspaceExternalId ?? `TSEED${seeded.workspaceId}`;
  const user = record.userExternalId ?? (typeof record.approverPersonId === 'number' ? `U${record.approverPersonId}` : undefined);
  if (typeof team !== 'string' || typeof user !== 'string')
    throw new Error(`seedLargeStore returned no Slack user to speak as: ${JSON.stringify(seeded)}`);
  return { team, user };
}

async function sweepSection(kind: StoreKind, fakes: Fakes, slackApi: SlackApi, progress: (line: string) => void): Promise<string[]> {
  const sweep = await optionalModule<NudgeSweepModule>('nudge-sweep.ts');
  if (!sweep) return ['Not built yet: scripts/bench/nudge-sweep.ts (seedNudgeItems, runSweep).'];
  const location = await newStoreLocation(kind);
  const store = await openAt(location);
  let seeded: Awaited<ReturnType<NudgeSweepModule['seedNudgeItems']>>;
  try {
    progress('  seeding 100k open items for 5k people');
    const started = performance.now();
    seeded = await sweep.seedNudgeItems(store, SWEEP_ITEMS, SWEEP_PEOPLE);
    progress(`  seeded in ${num((performance.now() - started) / 1000)} s`);
  } finally {
    await store.close();
  }
  const host = await startHost({ kind: 'bot-slack', slackApiUrl: fakes.slackApiUrl, store: location });
  try {
    const before = slackApi.callsTo('chat.postMessage').length;
    progress('  the sweep, with acks beside it');
    const running = host.call<{ ms: number; delay: EventLoopDelay; result: unknown }>({
      cmd: 'sweep',
      args: { at: new Date(seeded.at).toISOString() },
    });
    const acks = await loadWhile(host.url, slashCommand('help'), 4, running, PAUSE_MS);
    const ran = await running;
    // Each owner's nudge is one DM (chat.postMessage to their user id): count them per recipient.
    const posts = slackApi.callsTo('chat.postMessage').slice(before);
    const perRecipient = new Map<string, number>();
    for (const call of posts) perRecipient.set(String(call.args.channel), (perRecipient.get(String(call.args.channel)) ?? 0) + 1);
    const repeated = [...perRecipient.values()].filter((count) => count > 1).length;
    return [
      markdownTable(
        ['figure', 'value'],
        [
          ['sweep ran for', `${num(ran.ms / 1000)} s`],
          ['server event-loop delay p99 / max during it (must stay under 50 ms)', `${num(ran.delay.p99)} / ${num(ran.delay.max)} ms`],
          [
            `signed \`/aims help\` acked meanwhile (4 people, ${PAUSE_MS} ms between answer and next): p99 (count)`,
            `${num(quantile(acks.latencies, 0.99))} ms (${acks.latencies.length})`,
          ],
          [
            'DMs posted / people messaged / people messaged more than once / people seeded',
            `${posts.length} / ${perRecipient.size} / ${repeated} / ${seeded.people.length}`,
          ],
          ['ack failures', String(acks.failures)],
        ],
      ),
      '',
      'The sweep said:',
      ...describe(ran.result),
    ];
  } finally {
    await host.stop();
  }
}
