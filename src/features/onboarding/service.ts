import type { Clock } from '../../core/clock.ts';
import type { UnitOfWork } from '../../core/ports.ts';
import { CHANNEL_COLUMN, CHANNEL_PURPOSES, DEFAULT_APPROVALS } from '../../core/settings/workspace-settings.ts';
import { checklistOf, GREETED_AUDIT, type Checklist } from './domain.ts';

/** The first run: the "Get started" checklist from the workspace's records, and greeting each place once. */
export class OnboardingService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** The checklist as the records stand, in one consistent read. */
  checklist(workspaceId: number): Checklist {
    return this.store.read((repos) => {
      const settings = repos.settings.get(workspaceId);
      const { byStage } = repos.aiSystems.counts(workspaceId);
      const page = { limit: 1, offset: 0 };
      return checklistOf({
        systems: byStage.development + byStage.production,
        missingChannels: CHANNEL_PURPOSES.filter((purpose) => !settings?.[CHANNEL_COLUMN[purpose]]),
        approvers: repos.roles.holders(workspaceId, 'approver').length,
        approvalsNeeded: settings?.defaultApprovals ?? DEFAULT_APPROVALS,
        incidents: repos.incidents.list(workspaceId, {}, page).total,
        releases: repos.releases.list(workspaceId, {}, page).total,
        // Retired systems, courses and reviews are records too: a workspace with them is not empty.
        otherRecords: byStage.retired + repos.training.courses(workspaceId, true).length + repos.reviews.list(workspaceId, {}).length,
      });
    });
  }

  /**
   * True the first time `subject` (a person's home, a conversation) is greeted in the workspace, and
   * remembers it with its audit event; false ever after, so a greeting is never repeated.
   */
  greetOnce(workspaceId: number, subject: string): boolean {
    return this.store.write((repos) => {
      const at = this.clock.now().toISOString();
      if (!repos.greetings.claim(workspaceId, subject, at)) return false;
      repos.audit.append(
        {
          workspaceId,
          actorPersonId: null,
          actor: 'system:onboarding',
          action: GREETED_AUDIT,
          subject,
          before: null,
          after: { greeted: true },
        },
        at,
      );
      return true;
    });
  }
}
