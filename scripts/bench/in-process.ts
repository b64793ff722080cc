// The in-process figures: each hot path called directly (no HTTP), in microseconds per operation, on
// a fresh store of each kind. One process, one connection.
import { performance } from 'node:perf_hooks';
import { ChatRouter } from '../../src/chat/chat-router.ts';
import { actorOf } from '../../src/core/actor.ts';
import { systemClock } from '../../src/core/clock.ts';
import { DirectoryService } from '../../src/core/directory-service.ts';
import { features } from '../../src/features/index.ts';
import { createLogger } from '../../src/logger.ts';
import { createServices } from '../../src/services.ts';
import { renderMessage } from '../../src/slack/render-blocks.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { renderCard } from '../../src/teams/render-card.ts';
import { scorerWorkspace } from '../../test/helpers/scorer-workspace.ts';
import { openStore, type StoreKind } from './stores.ts';

/** Mean time of one awaited operation, after a warm-up. */
async function perOp(runs: number, work: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(50, runs); i++) await work(-1 - i);
  const start = performance.now();
  for (let i = 0; i < runs; i++) await work(i);
  return (performance.now() - start) / runs;
}

function servicesOver(store: GovernanceStore) {
  return createServices({
    store,
    clock: systemClock,
    directory: { seedAdmins: [{ platform: 'slack', userId: 'U0' }], firstContactBecomesAdmin: false },
    defaultTimeZone: 'UTC',
    logger: createLogger('silent'),
  });
}

/** Each figure of the bench, in microseconds per operation, for one store. */
export async function inProcessFigures(kind: StoreKind): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const store = await openStore(kind);
  try {
    const directory = new DirectoryService(store, systemClock, {
      seedAdmins: [{ platform: 'slack', userId: 'U0' }],
      firstContactBecomesAdmin: false,
    });
    const contact = (i: number) => ({
      platform: 'slack' as const,
      workspaceExternalId: 'T1',
      userExternalId: `N${i}`,
      displayName: `new ${i}`,
    });
    out.set(
      'first contact (person + audit event)',
      await perOp(1000, async (i) => await directory.contact(contact(i < 0 ? 10_000 - i : i))),
    );
    out.set('known contact (read only)', await perOp(2000, async (i) => await directory.contact(contact(Math.abs(i) % 1000))));

    const services = servicesOver(store);
    const router = new ChatRouter(services, features);
    const status = {
      requestId: 'bench',
      source: 'command' as const,
      text: 'status',
      contact: { platform: 'slack' as const, workspaceExternalId: 'T1', userExternalId: 'U0' },
    };
    out.set(
      '/aims status + render both platforms (1000 people)',
      await perOp(300, async () => {
        const response = await router.handle(status);
        if (response.kind === 'message') {
          renderMessage(response.view);
          renderCard(response.view);
        }
      }),
    );

    const reporter = actorOf(await directory.contact({ platform: 'slack', workspaceExternalId: 'T1', userExternalId: 'U0' }));
    out.set(
      'report an incident (numbered, timeline, audit)',
      await perOp(
        500,
        async (i) =>
          await services.incidents.report(reporter, {
            systemName: 'Bench model',
            title: `Incident ${i}`,
            description: 'd',
            severity: 'S3',
            type: 'other',
            detectedAt: new Date().toISOString(),
            affected: 'a',
          }),
      ),
    );
  } finally {
    await store.close();
  }

  // A release approval: request, then the two approvers' decisions (each a unit with its audit events).
  const releaseStore = await openStore(kind);
  try {
    const { people, system, releases } = await scorerWorkspace(
      releaseStore,
      [{ metric: 'recall', comparison: '>=', threshold: 0.9, dataset: 'holdout' }],
      systemClock,
    );
    out.set(
      'release: request + 2 approvals (3 units)',
      await perOp(200, async (i) => {
        const { release } = await releases.request(people.requester, {
          aiSystemId: system.id,
          version: `1.0.${i + 100}`,
          changeType: 'retrain',
          whatChanged: 'w',
          measurements: [{ metric: 'recall', dataset: 'holdout', value: 0.95 }],
          risks: 'r',
        });
        await releases.decide(people.app1, release.id, 'approve');
        await releases.decide(people.app2, release.id, 'approve');
      }),
    );
    out.set('audit verify (whole chain), per 1000 events', await auditVerifyPer1000(releaseStore));
  } finally {
    await releaseStore.close();
  }
  return out;
}

async function auditVerifyPer1000(store: GovernanceStore): Promise<number> {
  const start = performance.now();
  const { events } = await store.verifyAudit();
  return ((performance.now() - start) / Math.max(1, events)) * 1000;
}
