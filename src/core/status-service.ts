import type { AuditHead } from './audit.ts';
import type { Clock } from './clock.ts';
import type { Platform } from './identity.ts';
import { evidenceCounts, evidenceCoverage, type EvidenceCoverage, type EvidenceSource } from './iso42001/evidence-coverage.ts';
import type { Repositories, UnitOfWork } from './ports.ts';
import { parseSubject, type RecordLabel } from './outbox/outbox.ts';
import { todayIn } from './zoned-time.ts';
import { CHANNEL_COLUMN, CHANNEL_PURPOSES, type ChannelPurpose } from './settings/workspace-settings.ts';
import type { RoleHolder } from './roles.ts';
import { mapInTurn } from './in-turn.ts';

/** A field of a status or digest section, as plain text. */
export interface SummaryField {
  label: string;
  value: string;
}

/** One area's section of the status. */
export interface StatusSection {
  title: string;
  fields: SummaryField[];
}

/** An area's contribution to `/aims status`, read inside the status's one consistent read. */
export interface StatusSource {
  section(
    repos: Repositories,
    workspaceId: number,
    at: { now: Date; today: string; timeZone: string; askingPersonId?: number },
  ): Promise<StatusSection>;
}

/** A read-only picture of one workspace's AIMS; areas that declare a status section add it to `sections`. */
export interface StatusSummary {
  asOf: string;
  workspace: { name: string | null; platform: Platform };
  people: number;
  /** AI systems in development or production, for the status's one-line summary (the inventory's section comes from its feature). */
  activeSystems: number;
  /** The sections the areas declare, in the order of the features list. */
  sections: StatusSection[];
  setup: { done: boolean; missingChannels: ChannelPurpose[]; defaultApprovals: number | null };
  roles: { admins: RoleHolder[]; approvers: RoleHolder[]; leadership: RoleHolder[] };
  audit: { workspaceEvents: number; head: AuditHead | null };
  evidence: EvidenceCoverage;
  /** Channel posts, card updates and notices not sent yet (waiting, retrying) or given up. */
  outbox: {
    waiting: number;
    failed: number;
    oldestWaiting: string | null;
    latest: Array<{ what: string; status: string; error: string | null }>;
  };
}

/** "INC-4 post to leadership", "REL-2 notice to a person": what an outbox message is about, for people. */
export async function outboxItemLabel(
  repos: Repositories,
  workspaceId: number,
  message: { kind: string; subject: string; target: string },
  labels: ReadonlyMap<string, RecordLabel>,
): Promise<string> {
  const subject = parseSubject(message.subject);
  const label = subject ? labels.get(subject.type) : undefined;
  const record = !subject ? message.subject : label ? await label(repos, workspaceId, subject.id) : `${subject.type} #${subject.id}`;
  if (message.kind === 'post') return `${record} card to the ${message.target} channel`;
  if (message.kind === 'update') return `${record} card update`;
  return `${record} direct message`;
}

async function outboxSection(
  repos: Repositories,
  workspaceId: number,
  labels: ReadonlyMap<string, RecordLabel>,
): Promise<StatusSummary['outbox']> {
  const summary = await repos.outbox.summary(workspaceId);
  return {
    waiting: summary.pending + summary.sending,
    failed: summary.failed,
    oldestWaiting: summary.oldestWaiting,
    latest: await mapInTurn(summary.latest.slice(0, 3), async (message) => ({
      what: await outboxItemLabel(repos, workspaceId, message, labels),
      status: message.status,
      error: message.lastError,
    })),
  };
}

/** Answers `/aims status` from the store, scoped to one workspace. */
export class StatusService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
    private readonly defaultTimeZone = 'UTC',
    /** What each area records as Annex A evidence: coverage counts what they declare, nothing listed here by hand. */
    private readonly evidence: readonly EvidenceSource[] = [],
    private readonly sections: readonly StatusSource[] = [],
    /** How each area names its records in outbox lines ("INC-3"), by subject type. */
    private readonly outboxLabels: ReadonlyMap<string, RecordLabel> = new Map(),
  ) {}

  /** "INC-4 card to the leadership channel": an outbox message, for people. */
  async describeOutboxItem(workspaceId: number, message: { kind: string; subject: string; target: string }): Promise<string> {
    return await this.store.read(async (repos) => await outboxItemLabel(repos, workspaceId, message, this.outboxLabels));
  }

  /** Summarises the workspace as of now, in one consistent read. */
  async summarize(workspaceId: number, askingPersonId?: number): Promise<StatusSummary> {
    return await this.store.read(async (repos) => {
      const workspace = await repos.workspaces.findById(workspaceId);
      if (!workspace) throw new Error(`workspace ${workspaceId} vanished during a status read`);
      const holders = await repos.roles.holders(workspaceId);
      const workspaceEvents = await repos.audit.count(workspaceId);
      const inventory = await repos.aiSystems.counts(workspaceId);
      const settings = await repos.settings.get(workspaceId);
      const missingChannels = CHANNEL_PURPOSES.filter((purpose) => !settings?.[CHANNEL_COLUMN[purpose]]);
      const now = this.clock.now();
      const today = todayIn(settings?.timeZone ?? this.defaultTimeZone, now);
      return {
        asOf: this.clock.now().toISOString(),
        workspace: { name: workspace.name, platform: workspace.platform },
        people: await repos.people.count(workspaceId),
        activeSystems: inventory.byStage.development + inventory.byStage.production,
        sections: await mapInTurn(
          this.sections,
          async (source) =>
            await source.section(repos, workspaceId, {
              now,
              today,
              timeZone: settings?.timeZone ?? this.defaultTimeZone,
              ...(askingPersonId === undefined ? {} : { askingPersonId }),
            }),
        ),
        setup: {
          done: settings !== undefined && missingChannels.length === 0,
          missingChannels,
          defaultApprovals: settings?.defaultApprovals ?? null,
        },
        roles: {
          admins: holders.filter((h) => h.role === 'admin'),
          approvers: holders.filter((h) => h.role === 'approver'),
          leadership: holders.filter((h) => h.role === 'leadership'),
        },
        audit: { workspaceEvents, head: await repos.audit.head() },
        evidence: evidenceCoverage(
          new Set([...(await evidenceCounts(this.evidence, repos, workspaceId))].filter(([, n]) => n > 0).map(([kind]) => kind)),
        ),
        outbox: await outboxSection(repos, workspaceId, this.outboxLabels),
      };
    });
  }
}
