import type { DirectoryService } from '../core/directory-service.ts';
import type { InboundDedupe } from '../core/inbound-dedupe.ts';
import type { DigestService } from '../core/digest/digest-service.ts';
import type { TrendService } from '../core/charts/trend-service.ts';
import type { JobLedger } from '../core/scheduling/job-ledger.ts';
import type { NudgeService } from '../core/scheduling/nudge-service.ts';
import type { OutboxService } from '../core/outbox/outbox.ts';
import type { RoleService } from '../core/role-service.ts';
import type { SettingsService } from '../core/settings/settings-service.ts';
import type { StatusService } from '../core/status-service.ts';
import type { Clock } from '../core/clock.ts';
import type { AnchorService } from '../core/audit-anchors.ts';
import type { Logger } from '../logger.ts';

/**
 * The services the chat layer routes to. Only the kernel's are listed here: each area adds its own
 * (`services.incidents`, `services.systems`, ...) from its feature.ts with `declare module`, and builds
 * it in the `services` factory of its line in src/features/index.ts.
 */
export interface ChatServices {
  directory: DirectoryService;
  status: StatusService;
  dedupe: InboundDedupe;
  roles: RoleService;
  settings: SettingsService;
  digests: DigestService;
  /** The 12-week trend chart (digest, evidence pack). */
  trends: TrendService;
  ledger: JobLedger;
  nudges: NudgeService;
  anchors: AnchorService;
  outbox: OutboxService;
  clock: Clock;
  logger: Logger;
  /** The store's change mark (UnitOfWork.changeMark): what was read after it is current while it stays the same. */
  changeMark(): string | undefined;
}
