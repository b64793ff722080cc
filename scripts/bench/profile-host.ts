// Profiling aid (not part of npm run bench): one bot host forked with --cpu-prof on a seeded bench store,
// loaded with one figure's requests, then stopped so the profile is written.
// Usage: tsx scripts/bench/profile-host.ts <sqlite|postgres> <slack-status|slack-help|teams-status> [n] [dir]
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { startFakeSlackApi } from '../../test/helpers/fake-slack-api.ts';
import { startFakeTeamsConnector } from '../../test/helpers/fake-teams-connector.ts';
import { load, quantile, slashCommand, teamsText } from './load.ts';
import { newStoreLocation, openAt, seedBenchStore, cleanUpStores, type StoreKind } from './stores.ts';

const [kind = 'sqlite', figure = 'slack-status', count = '3000', dir = '/tmp/aims-prof'] = process.argv.slice(2);
const slackApi = await startFakeSlackApi();
const connector = await startFakeTeamsConnector();
const location = await newStoreLocation(kind as StoreKind);
const store = await openAt(location);
await seedBenchStore(store);
await store.close();
const spec = { kind: figure.startsWith('teams') ? 'bot-teams' : 'bot-slack', slackApiUrl: slackApi.apiUrl, store: location };
const child = fork(join(import.meta.dirname, 'host.ts'), [JSON.stringify(spec)], {
  execArgv: ['--import', 'tsx', `--cpu-prof`, `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const url = await new Promise<string>((resolve) => child.on('message', (m: { ready?: string }) => m.ready && resolve(m.ready)));
const make =
  figure === 'teams-status' ? teamsText(connector.serviceUrl, 'status') : slashCommand(figure === 'slack-help' ? 'help' : 'status');
await load(url, make, 200, 32);
const result = await load(url, make, Number(count), 32);
console.log(
  `${figure} on ${kind}: p50 ${quantile(result.latencies, 0.5).toFixed(1)} ms, p99 ${quantile(result.latencies, 0.99).toFixed(1)} ms, ${result.throughput.toFixed(0)} req/s, ${result.failures} failures`,
);
child.send({ cmd: 'stop', id: 1 });
await new Promise((resolve) => child.once('exit', resolve));
await cleanUpStores();
await slackApi.close?.();
await connector.close?.();
process.exit(0);
