import { INCIDENT_AUDIT } from '../../features/incidents/domain.ts';
import type { ChainEvent } from './audit-chain.ts';

/** A release decision as the chain recorded it. */
export interface ChainDecision {
  decision: 'approve' | 'reject';
  contentHash: string | null;
  sequence: number;
  /** Whether the chain shows the approver role held by the person when they decided. */
  heldApproverRole: boolean;
}

/** A release as replayed from its audit events alone. */
export interface ChainRelease {
  workspaceId: number | null;
  requesterPersonId: number | null;
  approvalsNeeded: number | null;
  contentHash: string | null;
  /** What was put up for sign-off, as the chain recorded it (null in chains written before it was recorded). */
  version: string | null;
  aiSystemId: number | null;
  measurements: string | null;
  status: string;
  /** Decisions in force: an edit drops the ones it names (or all). */
  decisions: Map<number, ChainDecision>;
}

export interface ChainIncident {
  workspaceId: number | null;
  number: number | null;
  status: string;
  /** The accountable owner as the chain last recorded it; undefined when no event said. */
  ownerPersonId?: number | null;
}

type Json = Record<string, unknown>;

/** The measured values of a release (metric, dataset, value), in a stable order, to compare the chain with the table. */
export function measurementsKey(metrics: unknown): string | null {
  if (!Array.isArray(metrics)) return null;
  return JSON.stringify(
    metrics
      .map((m) => {
        const entry = (m && typeof m === 'object' ? m : {}) as Json;
        return JSON.stringify([entry.metric ?? null, entry.dataset ?? null, entry.measured ?? null]);
      })
      .sort(),
  );
}
const asObject = (value: unknown): Json | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const idOf = (subject: string, kind: string): number | undefined => {
  const match = new RegExp(`^${kind}:(\\d+)$`).exec(subject);
  return match ? Number(match[1]) : undefined;
};

/**
 * Replays the audit chain into what it says the state tables must hold: releases (requester,
 * approvals needed, content, decisions in force, status), incidents (status), role holders and
 * training completions. Fed event by event while the chain is verified, so it costs one pass.
 */
export class ChainState {
  readonly releases = new Map<number, ChainRelease>();
  readonly incidents = new Map<number, ChainIncident>();
  /** Roles per person id, as the last role event left them. */
  readonly roles = new Map<number, string[]>();
  /** "courseId:personId:date" of every completion an event recorded. */
  readonly completions = new Set<string>();

  visit = (event: ChainEvent): void => {
    const after = asObject(event.after);
    if (event.action.startsWith('release.')) this.release(event, after);
    else if (event.action.startsWith('incident.')) this.incident(event, after);
    else if (event.action === 'role.granted' || event.action === 'role.revoked') {
      const personId = idOf(event.subject, 'person');
      if (personId !== undefined && Array.isArray(after?.roles))
        this.roles.set(
          personId,
          after.roles.filter((r): r is string => typeof r === 'string'),
        );
    } else if (event.action.startsWith('training.')) this.training(event, after);
  };

  private release(event: ChainEvent, after: Json | undefined): void {
    const id = idOf(event.subject, 'release');
    if (id === undefined) return;
    if (event.action === 'release.requested') {
      this.releases.set(id, {
        workspaceId: event.workspaceId,
        requesterPersonId: num(after?.requesterPersonId),
        approvalsNeeded: num(after?.approvalsNeeded),
        contentHash: str(after?.contentHash),
        version: str(after?.version),
        aiSystemId: num(after?.aiSystemId),
        measurements: measurementsKey(after?.metrics),
        status: str(after?.status) ?? 'pending',
        decisions: new Map(),
      });
      return;
    }
    const release = this.releases.get(id);
    if (!release) return;
    switch (event.action) {
      case 'release.edited': {
        if (after && 'approvalsNeeded' in after) release.approvalsNeeded = num(after.approvalsNeeded);
        if (after && 'contentHash' in after) release.contentHash = str(after.contentHash);
        if (after && 'version' in after) release.version = str(after.version);
        if (after && 'aiSystemId' in after) release.aiSystemId = num(after.aiSystemId);
        if (after && 'metrics' in after) release.measurements = measurementsKey(after.metrics);
        const dropped = after?.droppedApprovals;
        if (Array.isArray(dropped)) for (const personId of dropped) release.decisions.delete(Number(personId));
        else release.decisions.clear();
        return;
      }
      case 'release.approval_given':
      case 'release.rejection_given':
        if (event.actorPersonId === null) return;
        release.decisions.set(event.actorPersonId, {
          decision: event.action === 'release.approval_given' ? 'approve' : 'reject',
          contentHash: str(after?.contentHash),
          sequence: event.sequence,
          heldApproverRole: (this.roles.get(event.actorPersonId) ?? []).includes('approver'),
        });
        return;
      case 'release.approved':
      case 'release.rejected':
      case 'release.withdrawn':
        release.status = str(after?.status) ?? event.action.slice('release.'.length);
        return;
      default:
        // Posts and other notes do not change what a release is.
        if (after && typeof after.status === 'string') release.status = after.status;
    }
  }

  private incident(event: ChainEvent, after: Json | undefined): void {
    const id = idOf(event.subject, 'incident');
    if (id === undefined || !after) return;
    const known = this.incidents.get(id);
    if (event.action === INCIDENT_AUDIT.reported || !known) {
      if (typeof after.status !== 'string') return;
      const incident: ChainIncident = {
        workspaceId: event.workspaceId,
        number: num(after.number) ?? known?.number ?? null,
        status: after.status,
      };
      if ('ownerPersonId' in after) incident.ownerPersonId = num(after.ownerPersonId);
      this.incidents.set(id, incident);
      return;
    }
    if (typeof after.status === 'string') known.status = after.status;
    if ('ownerPersonId' in after) known.ownerPersonId = num(after.ownerPersonId);
  }

  private training(event: ChainEvent, after: Json | undefined): void {
    if (!after) return;
    const courseId = num(after.courseId) ?? idOf(event.subject, 'course') ?? null;
    const date = str(after.date);
    if (courseId === null || date === null) return;
    const people = [
      after.personId,
      ...(Array.isArray(after.recorded) ? after.recorded : []),
      ...(Array.isArray(after.personIds) ? after.personIds : []),
    ];
    for (const personId of people) if (typeof personId === 'number') this.completions.add(completionKey(courseId, personId, date));
  }
}

export const completionKey = (courseId: number, personId: number, date: string) => `${courseId}:${personId}:${date}`;
