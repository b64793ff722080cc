import type { AuditHead } from './audit.ts';
import { KeptMap } from './kept-map.ts';
import type { Clock } from './clock.ts';
import type { Platform } from './identity.ts';
import { evidenceCoverage, evidencePresent, type EvidenceCoverage, type EvidenceSource } from './iso42001/evidence-coverage.ts';
import type { Repositories, UnitOfWork } from './ports.ts';
import { parseSubject, type RecordLabel } from './outbox/outbox.ts';
import { todayIn } from './zoned-time.ts';
import { CHANNEL_COLUMN, CHANNEL_PURPOSES, type ChannelPurpose } from './settings/workspace-settings.ts';
import type { RoleHolder } from './roles.ts';
import { mapInTurn } from './in-turn.ts';
import { yieldToEventLoop } from './yield-to-event-loop.ts';

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

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The first instant after `now` at which an age counted in whole hours from `from` ("5 hours", "3 days") reads differently. */
export function nextHourOf(from: string, now: Date): string {
  const start = Date.parse(from);
  const elapsed = Math.max(0, now.getTime() - start);
  return new Date(start + (Math.floor(elapsed / HOUR_MS) + 1) * HOUR_MS).toISOString();
}

/** When a status is read: the instant, the workspace's day and its time zone. */
export interface StatusMoment {
  now: Date;
  today: string;
  timeZone: string;
}

/** An area's contribution to `/aims status`, read inside the status's one consistent read. */
export interface StatusSource {
  /**
   * The area's section, the same for everyone who asks. Status keeps it (per workspace) until the
   * workspace's records change (its audit sequence moves), its day turns, or an instant the section names
   * through `changesAt` passes: call it for every figure that time alone changes ("3 hours ago", "last 30
   * days"), with the first instant it would read differently.
   */
  section(repos: Repositories, workspaceId: number, at: StatusMoment & { changesAt(instant: string): void }): Promise<StatusSection>;
  /** Fields for the person asking only ("waiting on your approval"): read on every status, added to the section. */
  personal?(repos: Repositories, workspaceId: number, at: StatusMoment & { personId: number }): Promise<SummaryField[]>;
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

/** The workspace-wide part of a status, kept per workspace until its records, its day or a time-bound figure change. */
interface Snapshot {
  /** The key: the workspace's latest audit sequence when it was read. */
  sequence: number | null;
  today: string;
  timeZone: string;
  builtAt: number;
  /** Epoch ms from which a figure reads differently by time alone. */
  until: number;
  summary: Omit<StatusSummary, 'asOf' | 'outbox' | 'audit'> & { workspaceEvents: number };
}

/** Workspaces whose snapshot is kept; the least recently asked one goes first. A snapshot is a few kB. */
const SNAPSHOTS = 256;

/** Answers `/aims status` from the store, scoped to one workspace. */
export class StatusService {
  private readonly snapshots = new KeptMap<number, Snapshot>(SNAPSHOTS);

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

  /** Epoch ms from which the workspace's kept snapshot reads differently by time alone (infinity when none does; undefined without one). */
  keptUntil(workspaceId: number): number | undefined {
    return this.snapshots.get(workspaceId)?.until;
  }

  /** How many workspaces' snapshots are kept (at most SNAPSHOTS). */
  get keptSnapshots(): number {
    return this.snapshots.size;
  }

  /** Drops the kept snapshots (all, or one workspace's): the next status reads everything again (the bench's cold figure). */
  forget(workspaceId?: number): void {
    if (workspaceId === undefined) this.snapshots.clear();
    else this.snapshots.delete(workspaceId);
  }

  /**
   * Summarises the workspace as of now, in one consistent read. The workspace-wide part comes from the
   * workspace's snapshot while it is current (same audit sequence, same day, no time-bound figure due);
   * the outbox, the chain head and the asking person's fields are read every time.
   */
  async summarize(workspaceId: number, askingPersonId?: number): Promise<StatusSummary> {
    return await this.store.read(async (repos) => {
      const now = this.clock.now();
      const versions = await repos.audit.versions(workspaceId);
      const snapshot = await this.snapshotOf(repos, workspaceId, now, versions.workspace);
      const { workspaceEvents, ...summary } = snapshot.summary;
      const moment: StatusMoment = { now, today: snapshot.today, timeZone: snapshot.timeZone };
      const sections =
        askingPersonId === undefined
          ? summary.sections
          : await mapInTurn(summary.sections, async (section, i) => {
              const personal = await this.sections[i]?.personal?.(repos, workspaceId, { ...moment, personId: askingPersonId });
              return personal && personal.length > 0 ? { ...section, fields: [...section.fields, ...personal] } : section;
            });
      return {
        asOf: now.toISOString(),
        ...summary,
        sections,
        audit: { workspaceEvents, head: versions.head },
        outbox: await outboxSection(repos, workspaceId, this.outboxLabels),
      };
    });
  }

  private async snapshotOf(repos: Repositories, workspaceId: number, now: Date, sequence: number | null): Promise<Snapshot> {
    const kept = this.snapshots.get(workspaceId);
    const at = now.getTime();
    if (kept && kept.sequence === sequence && at >= kept.builtAt && at < kept.until && todayIn(kept.timeZone, now) === kept.today) {
      this.snapshots.keep(workspaceId, kept);
      return kept;
    }
    const built = await this.build(repos, workspaceId, now, sequence);
    this.snapshots.keep(workspaceId, built);
    return built;
  }

  private async build(repos: Repositories, workspaceId: number, now: Date, sequence: number | null): Promise<Snapshot> {
    const workspace = await repos.workspaces.findById(workspaceId);
    if (!workspace) throw new Error(`workspace ${workspaceId} vanished during a status read`);
    const holders = await repos.roles.holders(workspaceId);
    const workspaceEvents = await repos.audit.count(workspaceId);
    const inventory = await repos.aiSystems.counts(workspaceId);
    const settings = await repos.settings.get(workspaceId);
    const missingChannels = CHANNEL_PURPOSES.filter((purpose) => !settings?.[CHANNEL_COLUMN[purpose]]);
    const timeZone = settings?.timeZone ?? this.defaultTimeZone;
    const today = todayIn(timeZone, now);
    let until = Number.POSITIVE_INFINITY;
    const changesAt = (instant: string): void => {
      const time = Date.parse(instant);
      if (!Number.isNaN(time)) until = Math.min(until, Math.max(time, now.getTime() + 1));
    };
    const sections: StatusSection[] = [];
    for (const source of this.sections) {
      sections.push(await source.section(repos, workspaceId, { now, today, timeZone, changesAt }));
      // On SQLite an area's queries run synchronously: on a large store the whole build would hold the event
      // loop for tens of milliseconds. Between areas a waiting ack (help, a button) gets its turn; the read
      // unit's snapshot stays the same, and no other unit can use the connection meanwhile.
      await yieldToEventLoop();
    }
    return {
      sequence,
      today,
      timeZone,
      builtAt: now.getTime(),
      until,
      summary: {
        workspace: { name: workspace.name, platform: workspace.platform },
        people: await repos.people.count(workspaceId),
        activeSystems: inventory.byStage.development + inventory.byStage.production,
        sections,
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
        workspaceEvents,
        evidence: evidenceCoverage(await evidencePresent(this.evidence, repos, workspaceId)),
      },
    };
  }
}
