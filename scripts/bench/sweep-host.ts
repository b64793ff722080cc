// The Slack bot in its own process for scripts/bench/sweep-driver.ts (as scripts/bench/host.ts starts it),
// running one job on request while measuring two things: the event-loop delay (perf_hooks
// monitorEventLoopDelay, wall clock, what the bench prints) and each turn of the loop in CPU time (the
// process's user+system time between two setImmediate callbacks), which the other processes on a busy
// machine do not inflate: how long the job's own synchronous pieces hold the loop.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
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

/** Turns of the loop, timed in CPU and wall time, while `running` is true. */
function turnMeter() {
  const cpu: number[] = [];
  const wall: number[] = [];
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
    const spent = (nowCpu.user - lastCpu.user + nowCpu.system - lastCpu.system) / 1000;
    cpu.push(spent);
    if (spent > 10) long.push({ fromUs: Number(lastTicks / 1000n), toUs: Number(nowTicks / 1000n), cpuMs: spent });
    lastTicks = nowTicks;
    wall.push(nowWall - lastWall);
    lastCpu = nowCpu;
    lastWall = nowWall;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const figures = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (q: number) => +(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN).toFixed(2);
    return { p50: at(0.5), p99: at(0.99), p999: at(0.999), max: at(1), over10ms: sorted.filter((v) => v > 10).length };
  };
  return {
    stop() {
      running = false;
      return { turns: cpu.length, cpuMs: figures(cpu), wallMs: figures(wall), long };
    },
  };
}

const ms = (ns: number) => +(ns / 1e6).toFixed(2);

process.on('message', (message: { id: number; cmd: 'job' | 'stop'; job?: string; at?: string }) => {
  void (async () => {
    if (message.cmd === 'stop') {
      await app.close();
      process.send?.({ id: message.id, result: {} });
      setImmediate(() => process.exit(0));
      return;
    }
    delay.reset();
    const meter = turnMeter();
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    const result = await app.runJob(message.job as 'nudges', new Date(String(message.at)));
    const elapsed = performance.now() - start;
    const cpu = process.cpuUsage(cpuBefore);
    const { long, ...turns } = meter.stop();
    if (process.env.AIMS_SWEEP_LONG_TURNS) writeFileSync(process.env.AIMS_SWEEP_LONG_TURNS, JSON.stringify(long));
    await new Promise((resolve) => setTimeout(resolve, 20));
    process.send?.({
      id: message.id,
      result: {
        ms: elapsed,
        cpuMs: (cpu.user + cpu.system) / 1000,
        delay: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
        turns,
        result,
      },
    });
  })().catch((error: unknown) => process.send?.({ id: message.id, error: String(error) }));
});
process.send?.({ ready: app.url });
