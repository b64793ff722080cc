// One server of the bench in its own process (forked by scripts/bench/hosts.ts): the real bot (startAims,
// Slack over HTTP or Teams in local mode) or a bare anchor. The bench process sends the load from outside;
// this process answers it and, on request over IPC, reports its memory and its event-loop delay
// (perf_hooks monitorEventLoopDelay) and runs a job (a sweep, the digest) while the load goes on.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startAims, type RunningAims } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { TEST_SIGNING_SECRET } from '../../test/helpers/slack-signing.ts';
import { bareBolt, bareBotbuilder } from './anchors.ts';
import type { HostCommand, HostSpec } from './hosts.ts';

const spec = JSON.parse(process.argv[2] ?? '{}') as HostSpec;
const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();

function storeEnv(): Record<string, string> {
  return spec.store?.kind === 'postgres' ? { AIMS_DATABASE_URL: spec.store.url } : { AIMS_DB: spec.store?.path ?? ':memory:' };
}

async function startBot(): Promise<RunningAims> {
  const slack =
    spec.kind === 'bot-slack'
      ? { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: spec.slackApiUrl }
      : {};
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    AIMS_ADMINS: 'slack:U0ADA,teams:aad-ada',
    ...storeEnv(),
    ...slack,
  });
  return await startAims(config, { logger: createLogger('error', { service: 'aims-bot' }), jobs: false });
}

let app: RunningAims | undefined;
let close: () => Promise<void>;
let url: string;
if (spec.kind === 'bare-bolt') ({ url, close } = await bareBolt(spec.slackApiUrl));
else if (spec.kind === 'bare-teams') ({ url, close } = await bareBotbuilder());
else {
  app = await startBot();
  url = app.url;
  close = app.close;
}

const ms = (ns: number) => ns / 1e6;
/** The histogram so far; read after a few ticks, since a block is recorded only when the loop turns again. */
async function delays() {
  await new Promise((resolve) => setTimeout(resolve, 20));
  return { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) };
}

async function run(command: HostCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'memory':
      return process.memoryUsage();
    case 'gc':
      (globalThis as { gc?: () => void }).gc?.();
      return process.memoryUsage();
    case 'delay-reset':
      delay.reset();
      return {};
    case 'delay':
      return await delays();
    case 'job': {
      if (!app) throw new Error('no bot in this host');
      delay.reset();
      const start = performance.now();
      const result = await app.runJob(command.job, new Date(command.at));
      return { ms: performance.now() - start, delay: await delays(), result };
    }
    case 'sweep': {
      if (!app) throw new Error('no bot in this host');
      const { sweepInHost } = await import('./at-size.ts');
      delay.reset();
      const start = performance.now();
      const result = await sweepInHost(app, command.args);
      return { ms: performance.now() - start, delay: await delays(), result };
    }
    case 'stop':
      await close();
      setImmediate(() => process.exit(0));
      return {};
  }
}

process.on('message', (message: HostCommand & { id: number }) => {
  run(message).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) => process.send?.({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
process.send?.({ ready: url });
