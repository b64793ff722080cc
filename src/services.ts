import type { ChatServices } from './chat/chat-services.ts';
import { AiSystemService } from './features/ai-systems/service.ts';
import type { Clock } from './core/clock.ts';
import { DirectoryService, type DirectoryOptions } from './core/directory-service.ts';
import { InboundDedupe } from './core/inbound-dedupe.ts';
import { IncidentService } from './features/incidents/service.ts';
import { ReleaseService } from './features/releases/service.ts';
import { TrainingService } from './features/training/service.ts';
import { ReviewService } from './features/reviews/service.ts';
import { OnboardingService } from './features/onboarding/service.ts';
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
import { digestSourcesOf, evidenceSourcesOf, nudgeSourcesOf, outboxLabelsOf, statusSourcesOf, type Feature } from './chat/feature.ts';
import { features as allFeatures } from './features/index.ts';

/** Builds every core service over one store and clock (the app, the CLI, tests and the bench share this). */
export function createServices(input: {
  store: UnitOfWork;
  clock: Clock;
  directory: DirectoryOptions;
  defaultTimeZone: string;
  logger: Logger;
  /** The areas whose nudges and evidence the aggregates loop over (default: all of them). */
  features?: readonly Feature[];
}): ChatServices {
  const { store, clock } = input;
  const features = input.features ?? allFeatures;
  const evidence = evidenceSourcesOf(features);
  const nudgeSources = nudgeSourcesOf(features);
  const settings = new SettingsService(store, clock, input.defaultTimeZone);
  return {
    directory: new DirectoryService(store, clock, input.directory),
    status: new StatusService(store, clock, input.defaultTimeZone, evidence, statusSourcesOf(features), outboxLabelsOf(features)),
    dedupe: new InboundDedupe(store, clock),
    systems: new AiSystemService(store, clock),
    roles: new RoleService(store, clock),
    settings,
    incidents: new IncidentService(store, clock),
    releases: new ReleaseService(store, clock),
    training: new TrainingService(store, clock, input.defaultTimeZone),
    reviews: new ReviewService(store, clock, input.defaultTimeZone),
    onboarding: new OnboardingService(store, clock),
    digests: new DigestService(store, clock, input.defaultTimeZone, digestSourcesOf(features)),
    ledger: new JobLedger(store, clock),
    nudges: new NudgeService(store, clock, input.defaultTimeZone, nudgeSources),
    anchors: new AnchorService(store, clock),
    outbox: new OutboxService(store, clock),
    clock,
    logger: input.logger,
  };
}
