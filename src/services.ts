import type { ChatServices } from './chat/chat-services.ts';
import type { Clock } from './core/clock.ts';
import { DirectoryService, type DirectoryOptions } from './core/directory-service.ts';
import { InboundDedupe } from './core/inbound-dedupe.ts';
import { DigestService } from './core/digest/digest-service.ts';
import { JobLedger } from './core/scheduling/job-ledger.ts';
import { NudgeService } from './core/scheduling/nudge-service.ts';
import { OutboxService } from './core/outbox/outbox.ts';
import type { UnitOfWork } from './core/ports.ts';
import { RoleService } from './core/role-service.ts';
import { SettingsService } from './core/settings/settings-service.ts';
import { StatusService } from './core/status-service.ts';
import type { Logger } from './logger.ts';
import { AnchorService } from './core/audit-anchors.ts';
import {
  digestSourcesOf,
  evidenceSourcesOf,
  nudgeSourcesOf,
  outboxLabelsOf,
  statusSourcesOf,
  trendSourcesOf,
  type Feature,
} from './chat/feature.ts';
import { TrendService } from './core/charts/trend-service.ts';
import type { Area, AreaServiceDeps } from './features/area.ts';
import { AREAS, features as allFeatures, type AreaServices } from './features/index.ts';

/**
 * Builds the kernel's services and every area's (the `services` factory of its line in
 * src/features/index.ts) over one store and clock; the app, the CLI, tests and the bench share this.
 */
export function createServices(input: {
  store: UnitOfWork;
  clock: Clock;
  directory: DirectoryOptions;
  defaultTimeZone: string;
  logger: Logger;
  /** The areas whose nudges and evidence the aggregates loop over (default: all of them). */
  features?: readonly Feature[];
}): ChatServices {
  const { clock, defaultTimeZone } = input;
  // Every service writes through the dedupe's units: a request's first write claims its delivery key.
  const dedupe = new InboundDedupe(input.store, clock);
  const store = dedupe.units;
  const features = input.features ?? allFeatures;
  const evidence = evidenceSourcesOf(features);
  const kernel = {
    directory: new DirectoryService(store, clock, input.directory),
    status: new StatusService(store, clock, defaultTimeZone, evidence, statusSourcesOf(features), outboxLabelsOf(features)),
    dedupe,
    roles: new RoleService(store, clock),
    settings: new SettingsService(store, clock, defaultTimeZone),
    digests: new DigestService(store, clock, defaultTimeZone, digestSourcesOf(features)),
    trends: new TrendService(store, clock, defaultTimeZone, trendSourcesOf(features)),
    ledger: new JobLedger(store, clock),
    nudges: new NudgeService(store, clock, defaultTimeZone, nudgeSourcesOf(features)),
    anchors: new AnchorService(store, clock),
    outbox: new OutboxService(store, clock),
    clock,
    logger: input.logger,
    changeMark: () => store.changeMark?.(),
  };
  const built = mergeAreaServices(AREAS, { store, clock, defaultTimeZone, features }, Object.keys(kernel)) as AreaServices;
  // Typed as ChatServices: a service key an area declares and no factory builds fails the typecheck here.
  const services: ChatServices = { ...kernel, ...built };
  return services;
}

/** The areas' services merged into one object; a key built twice (by two areas, or by an area and the kernel) is a startup error. */
export function mergeAreaServices(areas: readonly Area[], deps: AreaServiceDeps, kernelKeys: readonly string[]): Record<string, unknown> {
  const owners = new Map(kernelKeys.map((key) => [key, 'the kernel']));
  const built: Record<string, unknown> = {};
  for (const area of areas) {
    for (const [key, service] of Object.entries(area.services?.(deps) ?? {})) {
      const owner = owners.get(key);
      if (owner !== undefined) throw new Error(`service "${key}" is built twice (by ${owner}, again by the ${area.feature.name} area)`);
      owners.set(key, `the ${area.feature.name} area`);
      built[key] = service;
    }
  }
  return built;
}
