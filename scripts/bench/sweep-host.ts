// The Slack bot in its own process for scripts/bench/sweep-driver.ts (as scripts/bench/host.ts starts it),
// running one job on request while measuring two things: the event-loop delay (perf_hooks
// monitorEventLoopDelay, wall clock, what the bench prints) and each turn of the loop in CPU time (the
// process's user+system time between two setImmediate callbacks), which the other processes on a busy
// machine do not inflate: how long the job's own synchronous pieces hold the loop.
import { writeFileSync } from 'node:fs';
import { createHistogram, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { startAims } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { TEST_SIGNING_SECRET } from '../../test/helpers/slack-signing.ts';
import type { HostSpec } from './hosts.ts';

const spec = JSON.parse(process.argv[2] ?? '{}') as HostSpec;
const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();

const app = await startAims(
  loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    AIMS_ADMINS: 'slack:U0ADA,teams:aad-ada',
    ...(spec.store?.kind === 'postgres' ? { AIMS_DATABASE_URL: spec.store.url } : { AIMS_DB: spec.store?.path ?? ':memory:' }),
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: spec.slackApiUrl,
  }),
  { logger: createLogger('error', { service: 'aims-bot' }), jobs: false },
);

/**
 * Turns of the loop, timed in CPU and wall time (µs, in histograms: stopping it costs nothing, where
 * sorting arrays of ten million turns held the loop for seconds after the job and showed as its max
 * delay), while the job runs. Off unless AIMS_SWEEP_TURNS=1: a setImmediate spinning between every
 * turn, with a getrusage call each, costs the job CPU time and so lengthens the sweep measured.
 */
function turnMeter() {
  const cpu = createHistogram();
  const wall = createHistogram();
  let running = true;
  let lastCpu = process.cpuUsage();
  let lastWall = performance.now();
  let lastTicks = process.hrtime.bigint();
  // The longest turns (CPU time over 10 ms), with their monotonic start and end in µs (a CPU profile's clock).
  const long: Array<{ fromUs: number; toUs: number; cpuMs: number }> = [];
  const tick = () => {
    const nowCpu = process.cpuUsage();
    const nowWall = performance.now();
    const nowTicks = process.hrtime.bigint();
    const spentUs = nowCpu.user - lastCpu.user + nowCpu.system - lastCpu.system;
    cpu.record(Math.max(1, Math.round(spentUs)));
    if (spentUs > 10_000) long.push({ fromUs: Number(lastTicks / 1000n), toUs: Number(nowTicks / 1000n), cpuMs: spentUs / 1000 });
    lastTicks = nowTicks;
    wall.record(Math.max(1, Math.round((nowWall - lastWall) * 1000)));
    lastCpu = nowCpu;
    lastWall = nowWall;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const figures = (histogram: ReturnType<typeof createHistogram>) => {
    const at = (q: number) => +(histogram.percentile(q) / 1000).toFixed(2);
    return { p50: at(50), p99: at(99), p999: at(99.9), max: +(histogram.max / 1000).toFixed(2) };
  };
  return {
    stop() {
      running = false;
      return { turns: cpu.count, cpuMs: figures(cpu), wallMs: figures(wall), long };
    },
  };
}

const ms = (ns: number) => +(ns / 1e6).toFixed(2);

/** Garbage-collection pauses while the job runs (a long one holds the loop as any synchronous work does). */
function gcMeter() {
  const pauses: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push(entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  // And the peak of the heap in use (sampled every 250 ms), to see what the plan holds.
  let peakHeap = 0;
  const sample = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 250);
  return {
    stop() {
      observer.disconnect();
      clearInterval(sample);
      const total = pauses.reduce((sum, pause) => sum + pause, 0);
      return {
        count: pauses.length,
        totalMs: +total.toFixed(1),
        maxMs: +Math.max(0, ...pauses).toFixed(1),
        over20ms: pauses.filter((pause) => pause > 20).length,
        peakHeapMB: Math.round(peakHeap / 2 ** 20),
      };
    },
  };
}

process.on('message', (message: { id: number; cmd: 'job' | 'stop'; job?: string; at?: string }) => {
  void (async () => {
    if (message.cmd === 'stop') {
      await app.close();
      process.send?.({ id: message.id, result: {} });
      setImmediate(() => process.exit(0));
      return;
    }
    delay.reset();
    const meter = process.env.AIMS_SWEEP_TURNS ? turnMeter() : undefined;
    const gc = gcMeter();
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    const result = await app.runJob(message.job as 'nudges', new Date(String(message.at)));
    const elapsed = performance.now() - start;
    const cpu = process.cpuUsage(cpuBefore);
    // Read before anything else runs: the delay while the job ran, not what comes after it.
    const during = { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) };
    const { long, ...turns } = meter?.stop() ?? { long: [] };
    const pauses = gc.stop();
    if (process.env.AIMS_SWEEP_LONG_TURNS) writeFileSync(process.env.AIMS_SWEEP_LONG_TURNS, JSON.stringify(long));
    process.send?.({
      id: message.id,
      result: {
        ms: elapsed,
        cpuMs: (cpu.user + cpu.system) / 1000,
        delay: during,
        gc: pauses,
        turns,
        result,
      },
    });
  })().catch((error: unknown) => process.send?.({ id: message.id, error: String(error) }));
});
process.send?.({ ready: app.url });
