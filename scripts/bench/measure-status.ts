// Run by the bench in a fresh process (node --import tsx), so that the peak memory statusAtSize reports is
// the status's, not the seeding's: opens the store named in argv[2] (JSON: store, workspaceId, personId),
// runs scripts/bench/status-at-size.ts's statusAtSize on it and prints its figures as one JSON line.
import type { HostStore } from './hosts.ts';
import { optionalModule, type StatusAtSizeModule } from './at-size.ts';
import { openAt } from './stores.ts';

const {
  store: location,
  workspaceId,
  personId,
} = JSON.parse(process.argv[2] ?? '{}') as {
  store: HostStore;
  workspaceId: number;
  personId?: number;
};
const status = await optionalModule<StatusAtSizeModule>('status-at-size.ts');
if (!status) throw new Error('scripts/bench/status-at-size.ts is not built yet');
const store = await openAt(location);
try {
  const figures = await status.statusAtSize(store, workspaceId, personId === undefined ? {} : { personId });
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} finally {
  await store.close();
}
