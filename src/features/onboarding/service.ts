import type { Clock } from '../../core/clock.ts';
import { KeptMap } from '../../core/kept-map.ts';
import type { Repositories, UnitOfWork } from '../../core/ports.ts';
import { CHANNEL_COLUMN, CHANNEL_PURPOSES, DEFAULT_APPROVALS } from '../../core/settings/workspace-settings.ts';
import { checklistOf, GREETED_AUDIT, type Checklist } from './domain.ts';

/** Workspaces whose checklist is kept; the least recently read one goes first. */
const KEPT = 256;

/** The first run: the "Get started" checklist from the workspace's records, and greeting each place once. */
export class OnboardingService {
  /** Each workspace's checklist with the workspace's latest audit sequence it was read at (every change writes an audit event). */
  private readonly kept = new KeptMap<number, { sequence: number | null; checklist: Checklist }>(KEPT);

  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** The checklist as the records stand, in one consistent read. */
  async checklist(workspaceId: number): Promise<Checklist> {
    return await this.store.read(async (repos) => {
      // Kept until the workspace's records change: a status asked again reads one row, not every area.
      const sequence = (await repos.audit.versions(workspaceId)).workspace;
      const kept = this.kept.get(workspaceId);
      if (kept && kept.sequence === sequence) return kept.checklist;
      const checklist = await this.read(repos, workspaceId);
      this.kept.keep(workspaceId, { sequence, checklist });
      return checklist;
    });
  }

  /** Drops the kept checklists (the bench's cold figure). */
  forget(workspaceId?: number): void {
    if (workspaceId === undefined) this.kept.clear();
    else this.kept.delete(workspaceId);
  }

  private async read(repos: Repositories, workspaceId: number): Promise<Checklist> {
    const settings = await repos.settings.get(workspaceId);
    const { byStage } = await repos.aiSystems.counts(workspaceId);
    const page = { limit: 1, offset: 0 };
    return checklistOf({
      systems: byStage.development + byStage.production,
      missingChannels: CHANNEL_PURPOSES.filter((purpose) => !settings?.[CHANNEL_COLUMN[purpose]]),
      approvers: (await repos.roles.holders(workspaceId, 'approver')).length,
      approvalsNeeded: settings?.defaultApprovals ?? DEFAULT_APPROVALS,
      incidents: (await repos.incidents.list(workspaceId, {}, page)).total,
      releases: (await repos.releases.list(workspaceId, {}, page)).total,
      // Retired systems, courses and reviews are records too: a workspace with them is not empty (whether any
      // review exists is one seek, not every schedule read).
      otherRecords:
        byStage.retired + (await repos.training.courses(workspaceId, true)).length + ((await repos.reviews.exists(workspaceId)) ? 1 : 0),
    });
  }

  /**
   * True the first time `subject` (a person's home, a conversation) is greeted in the workspace, and
   * remembers it with its audit event; false ever after, so a greeting is never repeated.
   */
  async greetOnce(workspaceId: number, subject: string): Promise<boolean> {
    return await this.store.write(async (repos) => {
      const at = this.clock.now().toISOString();
      if (!(await repos.greetings.claim(workspaceId, subject, at))) return false;
      await repos.audit.append(
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
