import annexA from '../../core/iso42001/annex-a.json' with { type: 'json' };
import { signOffHash } from '../../core/sign-off/sign-off.ts';

/** What the audit log calls the area's changes. */
export const SOA_AUDIT = {
  controlUpdated: 'soa.control.updated',
  approvalRequested: 'soa.approval.requested',
  approvalGiven: 'soa.approval.given',
  approvalsDropped: 'soa.approvals.dropped',
  approved: 'soa.approved',
  posted: 'soa.posted',
} as const;

export const SOA_STATES = ['planned', 'partial', 'implemented'] as const;
export type SoaState = (typeof SOA_STATES)[number];
export const SOA_STATE_LABELS: Record<SoaState, string> = { planned: 'Planned', partial: 'Partial', implemented: 'Implemented' };

/** One Annex A control as annex-a.json lists it: id, group, title and the evidence kinds that serve it. */
export interface AnnexControl {
  id: string;
  group: string;
  title: string;
  evidence: readonly string[];
}

/** The 38 Annex A controls, in the order of the standard. */
export const ANNEX_A_CONTROLS: readonly AnnexControl[] = annexA.controls;

/** The control of an id as people type it ("a.6.2.6", "A.6.2.6"); undefined when Annex A has none. */
export function annexControl(id: string | undefined): AnnexControl | undefined {
  const wanted = (id ?? '').trim().toUpperCase();
  return ANNEX_A_CONTROLS.find((control) => control.id.toUpperCase() === wanted);
}

/** A workspace's statement about one control. A control nobody edited yet reads as `defaultEntry`. */
export interface SoaEntry {
  controlId: string;
  applicable: boolean;
  justification: string | null;
  state: SoaState;
  ownerPersonId: number | null;
  /** Who changed it last and when (null: never edited). */
  updatedBy: number | null;
  updatedAt: string | null;
}

export function defaultEntry(controlId: string): SoaEntry {
  return { controlId, applicable: true, justification: null, state: 'planned', ownerPersonId: null, updatedBy: null, updatedAt: null };
}

/** Every control's entry, in Annex A order: the stored ones, and the defaults for the rest. */
export function allEntries(stored: readonly SoaEntry[]): SoaEntry[] {
  const byId = new Map(stored.map((entry) => [entry.controlId, entry]));
  return ANNEX_A_CONTROLS.map((control) => byId.get(control.id) ?? defaultEntry(control.id));
}

/** The sha256 of what the SoA states (not who edited it or when): what an approval signs. */
export function soaContentHash(entries: readonly SoaEntry[]): string {
  const content = entries.map(({ controlId, applicable, justification, state, ownerPersonId }) => ({
    controlId,
    applicable,
    justification,
    state,
    ownerPersonId,
  }));
  return signOffHash(content);
}

/** The person who changed the SoA last (the one who may never approve it), if anyone has. */
export function lastEditorOf(entries: readonly SoaEntry[]): number | null {
  let last: SoaEntry | undefined;
  for (const entry of entries) if (entry.updatedAt && (!last?.updatedAt || entry.updatedAt > last.updatedAt)) last = entry;
  return last?.updatedBy ?? null;
}

export type SoaVersionStatus = 'pending' | 'approved' | 'superseded';

/** A version of the SoA put up for approval: v1, v2 ... per workspace. */
export interface SoaVersion {
  id: number;
  workspaceId: number;
  version: number;
  status: SoaVersionStatus;
  /** The content it asks approval for; an edit while pending moves it (and drops the approvals). */
  contentHash: string;
  approvalsNeeded: number;
  requestedBy: number;
  createdAt: string;
  approvedAt: string | null;
}

export interface SoaDecision {
  id: number;
  versionId: number;
  personId: number;
  contentHash: string;
  at: string;
  /** False once an edit dropped it. */
  active: boolean;
}

export const soaVersionKey = (version: Pick<SoaVersion, 'version'>) => `SoA v${version.version}`;

/** The live evidence of one control: records of its kinds in the window, and the day of the last one. */
export interface ControlEvidence {
  count: number;
  /** YYYY-MM-DD (UTC), null when there is none in the window. */
  lastDate: string | null;
}

/** One row of the SoA as the views and the export show it. */
export interface SoaRow {
  control: AnnexControl;
  entry: SoaEntry;
  owner: { externalId: string; name: string } | null;
  evidence: ControlEvidence;
}

/** Implemented, but nothing recorded in 12 months: what an auditor picks. */
export const claimsWithoutEvidence = (rows: readonly SoaRow[]) =>
  rows.filter((row) => row.entry.applicable && row.entry.state === 'implemented' && row.evidence.count === 0);
