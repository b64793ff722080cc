import type { AiSystemService } from '../features/ai-systems/service.ts';
import type { DirectoryService } from '../core/directory-service.ts';
import type { InboundDedupe } from '../core/inbound-dedupe.ts';
import type { IncidentService } from '../features/incidents/service.ts';
import type { ReleaseService } from '../features/releases/service.ts';
import type { TrainingService } from '../features/training/service.ts';
import type { ReviewService } from '../features/reviews/service.ts';
import type { OnboardingService } from '../features/onboarding/service.ts';
import type { DigestService } from '../core/digest/digest-service.ts';
import type { JobLedger } from '../core/scheduling/job-ledger.ts';
import type { NudgeService } from '../core/scheduling/nudge-service.ts';
import type { OutboxService } from '../core/outbox/outbox.ts';
import type { RoleService } from '../core/role-service.ts';
import type { SettingsService } from '../core/settings/settings-service.ts';
import type { StatusService } from '../core/status-service.ts';
import type { Clock } from '../core/clock.ts';
import type { AnchorService } from '../core/audit-anchors.ts';
import type { Logger } from '../logger.ts';

/** The core services the chat layer routes to. */
export interface ChatServices {
  directory: DirectoryService;
  status: StatusService;
  dedupe: InboundDedupe;
  systems: AiSystemService;
  roles: RoleService;
  settings: SettingsService;
  incidents: IncidentService;
  releases: ReleaseService;
  training: TrainingService;
  reviews: ReviewService;
  onboarding: OnboardingService;
  digests: DigestService;
  ledger: JobLedger;
  nudges: NudgeService;
  anchors: AnchorService;
  outbox: OutboxService;
  clock: Clock;
  logger: Logger;
}
