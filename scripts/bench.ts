// npm run bench: one run, every figure of issue 15 side by side, never asserted (machines here are shared
// and noisy). AIMS_BENCH_N requests per round (1000). PostgreSQL is AIMS_BENCH_DATABASE_URL (a server where
// databases may be created), or a throwaway cluster when Debian's PostgreSQL binaries are installed;
// otherwise SQLite only. Progress goes to stderr, the report (markdown) to stdout. See README "Speed".
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startFakeSlackApi } from '../test/helpers/fake-slack-api.ts';
import { startFakeTeamsConnector } from '../test/helpers/fake-teams-connector.ts';
import { atSize, type AtSizeReport } from './bench/at-size-run.ts';
import { inProcessFigures } from './bench/in-process.ts';
import { serverProcess, type ServerProcessFigures } from './bench/server-process.ts';
import { sideBySide, type SideBySide } from './bench/side-by-side.ts';
import { cleanUpStores, newStoreLocation, openAt, pgServer, seedBenchStore, type StoreKind } from './bench/stores.ts';
import { markdownTable, num, range, ratios } from './bench/table.ts';
import { packFigures, type PackFigures } from './bench/evidence-pack.ts';

const n = Number(process.env.AIMS_BENCH_N ?? 1000);
if (!Number.isInteger(n) || n < 1) throw new Error(`AIMS_BENCH_N must be a whole number of requests (got ${process.env.AIMS_BENCH_N})`);
// AIMS_BENCH_SECTIONS picks sections (comma-separated): side (side by side, with the jobs), process, size, in-process, pack.
const SECTIONS = ['side', 'process', 'size', 'in-process', 'pack'] as const;
const chosen = new Set((process.env.AIMS_BENCH_SECTIONS ?? SECTIONS.join(',')).split(',').map((section) => section.trim()));
for (const section of chosen)
  if (!(SECTIONS as readonly string[]).includes(section))
    throw new Error(`AIMS_BENCH_SECTIONS: unknown section ${section} (${SECTIONS.join(', ')})`);
const began = performance.now();
const progress = (line: string) => console.error(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);

const cpu = cpus();
console.log(`# aims-bot bench · ${new Date().toISOString()}\n`);
console.log(
  `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, load average at start ${loadavg()
    .map((l) => l.toFixed(2))
    .join(
      ' / ',
    )} (1/5/15 min), memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(freemem() / 2 ** 30).toFixed(1)} free), node ${process.version}.`,
);
console.log(`N = ${n} requests per round (AIMS_BENCH_N), 2 interleaved rounds per figure; sections: ${[...chosen].join(', ')}.\n`);

const slackApi = await startFakeSlackApi();
const connector = await startFakeTeamsConnector();
const fakes = { slackApiUrl: slackApi.apiUrl, serviceUrl: connector.serviceUrl };

const kinds: StoreKind[] = (await pgServer()) ? ['sqlite', 'postgres'] : ['sqlite'];
const name = (kind: StoreKind) => (kind === 'sqlite' ? 'SQLite' : 'PostgreSQL');
const side = new Map<StoreKind, SideBySide>();
const processes = new Map<StoreKind, ServerProcessFigures>();
const sized = new Map<StoreKind, AtSizeReport>();
const inProcess = new Map<StoreKind, Map<string, number>>();
const packs = new Map<StoreKind, PackFigures>();

try {
  for (const kind of kinds) {
    if (!chosen.has('side') && !chosen.has('process')) break;
    progress(`${name(kind)}: seeding the bench store`);
    const location = await newStoreLocation(kind);
    const store = await openAt(location);
    await seedBenchStore(store);
    await store.close();
    if (chosen.has('side')) {
      progress(`${name(kind)}: side by side with the bare anchors`);
      side.set(kind, await sideBySide(location, fakes, n, progress));
    }
    if (chosen.has('process')) {
      progress(`${name(kind)}: the bot as a server process`);
      processes.set(kind, await serverProcess(location, fakes.slackApiUrl, progress));
    }
  }
  for (const kind of chosen.has('size') ? kinds : []) {
    progress(`${name(kind)}: at size`);
    sized.set(kind, await atSize(kind, fakes, slackApi, progress));
  }
  for (const kind of chosen.has('in-process') ? kinds : []) {
    progress(`${name(kind)}: in-process figures`);
    inProcess.set(kind, await inProcessFigures(kind));
  }
  for (const kind of chosen.has('pack') ? kinds : []) {
    progress(`${name(kind)}: the evidence pack at size`);
    packs.set(kind, await packFigures(kind, progress));
  }
} finally {
  await slackApi.close();
  await connector.close();
  await cleanUpStores();
}

// --- The report ---------------------------------------------------------------------------------------

function printSideBySide(): void {
  console.log('## Side by side: the bot and the bare anchors on the same signed requests\n');
  const rows: string[][] = [];
  for (const kind of kinds) {
    const result = side.get(kind);
    if (!result) continue;
    for (const pair of result.pairs) {
      rows.push([pair.label, name(kind), range(pair.bot, pair.unit), range(pair.anchor, pair.unit), ratios(pair.bot, pair.anchor)]);
    }
    const figures = processes.get(kind);
    if (figures) {
      rows.push([
        'resident memory after warm-up (server process)',
        name(kind),
        `${num(figures.idle)} MB, ${num(figures.after10k)} MB after 10k requests`,
        `${num(result.rss['bare-bolt'] ?? Number.NaN)} MB (bare Bolt host)`,
        ratios([figures.idle], [result.rss['bare-bolt'] ?? Number.NaN]),
      ]);
    }
  }
  console.log(markdownTable(['request', 'store', 'bot', 'bare anchor', 'ratio'], rows));
  console.log(
    "\nEach cell: the two rounds' figures (lowest-highest); the ratio is bot/anchor within the same round. The bot is startAims over" +
      ' HTTP on loopback (Slack in HTTP mode, Teams in local mode), each server in its own process (node --import tsx), the load' +
      ' from the bench process over keep-alive connections; the fake Slack Web API and the fake Teams connector (test/helpers) run in' +
      ' the bench process, and the connector checks every card the bot replies with.',
  );
  for (const kind of kinds) {
    const result = side.get(kind);
    for (const pair of result?.pairs ?? [])
      for (const failure of pair.failures) console.log(`\n**Failures** (${name(kind)}, ${pair.label}): ${failure}`);
  }

  console.log("\n## The bot's event-loop delay during that load (in its process, monitorEventLoopDelay p99 per round)\n");
  console.log(
    markdownTable(
      ['request', ...kinds.map(name)],
      (side.get(kinds[0] as StoreKind)?.pairs ?? []).flatMap((pair, i) =>
        pair.botDelayP99.length === 0
          ? []
          : [[pair.label, ...kinds.map((kind) => range(side.get(kind)?.pairs[i]?.botDelayP99 ?? [], 'ms'))]],
      ),
    ),
  );

  console.log("\n## Jobs beside acks on the bench store (digest, then nudges, inside the Slack bot's process)\n");
  console.log(
    markdownTable(
      ['figure', ...kinds.map(name)],
      [
        ['jobs ran for', ...kinds.map((kind) => `${num(side.get(kind)?.jobs?.ms ?? Number.NaN)} ms`)],
        [
          'event-loop delay p99 / max while they ran',
          ...kinds.map((kind) => {
            const delay = side.get(kind)?.jobs?.delay;
            return delay ? `${num(delay.p99)} / ${num(delay.max)} ms` : '-';
          }),
        ],
        [
          '`/aims help` acked meanwhile (4 people, 25 ms between answer and next): p99 (count)',
          ...kinds.map((kind) => {
            const jobs = side.get(kind)?.jobs;
            return jobs ? `${num(jobs.ackP99)} ms (${jobs.acks})` : '-';
          }),
        ],
      ],
    ),
  );
}

function printServerProcess(): void {
  console.log('\n## The bot as a server process\n');
  const first = processes.get(kinds[0] as StoreKind);
  if (first) console.log(`Started as npm start would: ${first.how}.\n`);
  console.log(
    markdownTable(
      ['figure', ...kinds.map(name)],
      [
        [
          'start to healthy (spawn to first 200 from /healthz), 3 starts',
          ...kinds.map((kind) => range(processes.get(kind)?.startMs ?? [], 'ms')),
        ],
        ['resident memory idle after warm-up (200 requests)', ...kinds.map((kind) => `${num(processes.get(kind)?.idle ?? Number.NaN)} MB`)],
        ['resident memory after 1k requests', ...kinds.map((kind) => `${num(processes.get(kind)?.after1k ?? Number.NaN)} MB`)],
        ['resident memory after 10k requests', ...kinds.map((kind) => `${num(processes.get(kind)?.after10k ?? Number.NaN)} MB`)],
        [
          'growth from 1k to 10k requests',
          ...kinds.map((kind) => {
            const figures = processes.get(kind);
            return figures ? `${num(((figures.after10k - figures.after1k) / figures.after1k) * 100)} %` : '-';
          }),
        ],
        [
          'resident memory of each bench host after its load (all node --import tsx): bot Slack / bot Teams / bare Bolt / bare botbuilder',
          ...kinds.map((kind) => {
            const rss = side.get(kind)?.rss ?? {};
            return ['bot-slack', 'bot-teams', 'bare-bolt', 'bare-teams'].map((host) => num(rss[host] ?? Number.NaN)).join(' / ') + ' MB';
          }),
        ],
      ],
    ),
  );
}

function printInProcess(): void {
  console.log('\n## In process (µs per operation, no HTTP)\n');
  const sqliteFigures = inProcess.get('sqlite') ?? new Map<string, number>();
  const pgFigures = inProcess.get('postgres');
  console.log(
    markdownTable(
      ['µs per operation', 'SQLite', ...(pgFigures ? ['PostgreSQL', 'pg/sqlite'] : [])],
      [...sqliteFigures].map(([label, value]) => {
        const pg = pgFigures?.get(label);
        return [label, (value * 1000).toFixed(0), ...(pg === undefined ? [] : [(pg * 1000).toFixed(0), `${(pg / value).toFixed(1)}x`])];
      }),
    ),
  );
  console.log('\nOne process, one connection each; PostgreSQL over loopback TCP (fsync off in the throwaway cluster).');
}

if (chosen.has('side')) printSideBySide();
if (chosen.has('process')) printServerProcess();
for (const kind of kinds) {
  const report = sized.get(kind);
  if (report) console.log(`\n## At size: ${name(kind)}\n\n${report.lines.join('\n')}`);
}

if (chosen.has('in-process')) printInProcess();
if (chosen.has('pack')) {
  console.log('\n## The evidence pack at size (aims export, then aims audit verify --pack, each in its own process)\n');
  const cell = (kind: StoreKind, pick: (p: PackFigures) => string) => {
    const figures = packs.get(kind);
    return figures ? pick(figures) : '-';
  };
  console.log(
    markdownTable(
      ['figure', ...kinds.map(name)],
      [
        ['workspace', ...kinds.map((k) => cell(k, (p) => `${p.events} audit events, ${p.rowsPerRegister} rows per register`))],
        ['export time / peak RSS', ...kinds.map((k) => cell(k, (p) => `${num(p.export.ms)} ms / ${num(p.export.maxRssMb)} MB`))],
        ['verify time / peak RSS', ...kinds.map((k) => cell(k, (p) => `${num(p.verify.ms)} ms / ${num(p.verify.maxRssMb)} MB`))],
        ['pack size', ...kinds.map((k) => cell(k, (p) => `${p.zipMb.toFixed(1)} MB`))],
        ['the CLI ran as', ...kinds.map((k) => cell(k, (p) => p.runner))],
      ],
    ),
  );
}
if (kinds.length === 1)
  console.log("\nPostgreSQL skipped: set AIMS_BENCH_DATABASE_URL or install Debian's postgresql for a throwaway cluster.");
console.log(`\nWhole run: ${((performance.now() - began) / 1000).toFixed(0)} s.`);
