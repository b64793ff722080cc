// The bot beside bare anchors on the same signed requests and the same fakes: for each figure, two
// interleaved rounds (bot then anchor, then anchor then bot) of N requests each, after a short warm-up.
import { load, loadWhile, PAUSE_MS, quantile, slashCommand, teamsText, type LoadResult, type RequestMaker } from './load.ts';
import { startHost, type EventLoopDelay, type Host, type HostStore } from './hosts.ts';

export interface Pair {
  label: string;
  /** Unit of the figure: ms (lower is better) or req/s (higher is better). */
  unit: 'ms' | 'req/s';
  bot: number[];
  anchor: number[];
  /** The server's event-loop delay p99 (ms) in each of the bot's runs (on the first figure of a run only). */
  botDelayP99: number[];
  failures: string[];
}

interface Figure {
  label: string;
  platform: 'slack' | 'teams';
  concurrency: number;
  pick: Array<{ label: string; unit: 'ms' | 'req/s'; of: (result: LoadResult) => number }>;
  make: (serviceUrl: string) => RequestMaker;
}

const p50 = { unit: 'ms' as const, of: (r: LoadResult) => quantile(r.latencies, 0.5) };
const p99 = { unit: 'ms' as const, of: (r: LoadResult) => quantile(r.latencies, 0.99) };
const throughput = { unit: 'req/s' as const, of: (r: LoadResult) => r.throughput };

const FIGURES: Figure[] = [
  {
    label: 'status 1',
    platform: 'slack',
    concurrency: 1,
    pick: [{ label: 'Slack `/aims status`, 1 at a time, p50', ...p50 }],
    make: () => slashCommand('status'),
  },
  {
    label: 'status 32',
    platform: 'slack',
    concurrency: 32,
    pick: [
      { label: 'Slack `/aims status`, 32 at a time, p99', ...p99 },
      { label: 'Slack `/aims status`, 32 at a time, throughput', ...throughput },
    ],
    make: () => slashCommand('status'),
  },
  {
    label: 'help 32',
    platform: 'slack',
    concurrency: 32,
    pick: [{ label: 'Slack `/aims help`, 32 at a time, p99', ...p99 }],
    make: () => slashCommand('help'),
  },
  {
    label: 'teams status 32',
    platform: 'teams',
    concurrency: 32,
    pick: [{ label: 'Teams `aims status`, 32 at a time, p99', ...p99 }],
    make: (serviceUrl) => teamsText(serviceUrl, 'status'),
  },
];

export interface SideBySide {
  pairs: Pair[];
  /** Resident memory (MB) of each host after its load, all four run the same way (node --import tsx). */
  rss: Record<string, number>;
  jobs?: { ms: number; delay: EventLoopDelay; ackP99: number; acks: number };
}

export interface Fakes {
  slackApiUrl: string;
  serviceUrl: string;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

/** The four hosts on one store (the Slack bot, the Teams bot in local mode, bare Bolt, bare botbuilder), then every figure. */
export async function sideBySide(store: HostStore, fakes: Fakes, n: number, progress: (line: string) => void): Promise<SideBySide> {
  const hosts: Host[] = [];
  try {
    const botSlack = await startHost({ kind: 'bot-slack', slackApiUrl: fakes.slackApiUrl, store });
    hosts.push(botSlack);
    const botTeams = await startHost({ kind: 'bot-teams', slackApiUrl: fakes.slackApiUrl, store });
    hosts.push(botTeams);
    const bareBolt = await startHost({ kind: 'bare-bolt', slackApiUrl: fakes.slackApiUrl });
    hosts.push(bareBolt);
    const bareTeams = await startHost({ kind: 'bare-teams', slackApiUrl: fakes.slackApiUrl });
    hosts.push(bareTeams);
    const warmUp = Math.min(100, n);
    const pairs: Pair[] = [];
    for (const figure of FIGURES) {
      const [bot, anchor] = figure.platform === 'slack' ? [botSlack, bareBolt] : [botTeams, bareTeams];
      const make = figure.make(fakes.serviceUrl);
      const rows = figure.pick.map((pick): Pair => ({
        label: pick.label,
        unit: pick.unit,
        bot: [],
        anchor: [],
        botDelayP99: [],
        failures: [],
      }));
      for (const round of [1, 2]) {
        for (const host of round === 1 ? [bot, anchor] : [anchor, bot]) {
          await load(host.url, make, warmUp, figure.concurrency);
          await host.call({ cmd: 'delay-reset' });
          const result = await load(host.url, make, n, figure.concurrency);
          const delay = await host.call<EventLoopDelay>({ cmd: 'delay' });
          figure.pick.forEach((pick, i) => {
            const row = rows[i] as Pair;
            (host === bot ? row.bot : row.anchor).push(pick.of(result));
            if (host === bot && i === 0) row.botDelayP99.push(delay.p99);
            if (result.failures > 0) row.failures.push(`${host.kind}: ${result.failures} of ${n} failed (${result.firstFailure})`);
          });
          progress(
            `  ${figure.label} round ${round} ${host.kind}: p50 ${quantile(result.latencies, 0.5).toFixed(1)} ms, p99 ${quantile(result.latencies, 0.99).toFixed(1)} ms, ${result.throughput.toFixed(0)} req/s`,
          );
        }
      }
      pairs.push(...rows);
    }
    const rss: Record<string, number> = {};
    for (const host of hosts) rss[host.kind] = mb((await host.call<NodeJS.MemoryUsage>({ cmd: 'gc' })).rss);

    // The scheduled jobs on the bench store (digest, then nudges), run inside the Slack bot's process while
    // `/aims help` goes on 4 at a time: the server's event-loop delay during them, and the acks' p99.
    const jobs = (async () => {
      const at = new Date().toISOString();
      const digest = await botSlack.call<{ ms: number; delay: EventLoopDelay }>({ cmd: 'job', job: 'digest', at });
      const nudges = await botSlack.call<{ ms: number; delay: EventLoopDelay }>({ cmd: 'job', job: 'nudges', at });
      return {
        ms: digest.ms + nudges.ms,
        delay: {
          p50: Math.max(digest.delay.p50, nudges.delay.p50),
          p99: Math.max(digest.delay.p99, nudges.delay.p99),
          max: Math.max(digest.delay.max, nudges.delay.max),
        },
      };
    })();
    const acks = await loadWhile(botSlack.url, slashCommand('help'), 4, jobs, PAUSE_MS);
    const ran = await jobs;
    return { pairs, rss, jobs: { ...ran, ackP99: quantile(acks.latencies, 0.99), acks: acks.latencies.length } };
  } finally {
    for (const host of hosts) await host.stop();
  }
}
