import annexA from './annex-a.json' with { type: 'json' };
import type { Repositories } from '../ports.ts';

/** Kinds of record named in annex-a.json ("incident", "review:drift", ...). */
export type EvidenceKind = string;

interface Requirement {
  id: string;
  title: string;
  evidence: string[];
}

export interface EvidenceCoverage {
  controls: { total: number; covered: string[] };
  clauses: { total: number; covered: string[] };
}

/** Records made from `from` (inclusive) to `to` (exclusive), UTC ISO instants; an open end is unbounded. */
export interface EvidencePeriod {
  from?: string;
  to?: string;
}

/** Whether a record stamped `at` (a UTC instant, or a YYYY-MM-DD day taken as its UTC midnight) falls in the period. */
/** The first day (YYYY-MM-DD) whose midnight UTC is at or after `instant`: a day-dated record lies in a period when its day is from firstDayFrom(from) to before firstDayFrom(to) (inPeriod's rule). */
export function firstDayFrom(instant: string): string {
  const time = Date.parse(instant);
  const day = new Date(time).toISOString().slice(0, 10);
  const midnight = Date.parse(`${day}T00:00:00Z`);
  return midnight >= time ? day : new Date(midnight + 86_400_000).toISOString().slice(0, 10);
}

export function inPeriod(at: string, period: EvidencePeriod): boolean {
  const time = Date.parse(at.length === 10 ? `${at}T00:00:00Z` : at);
  return (period.from === undefined || time >= Date.parse(period.from)) && (period.to === undefined || time < Date.parse(period.to));
}

/** What an area declares about its evidence: the kinds it records and how many of each a workspace has. */
export interface EvidenceSource {
  kinds: readonly EvidenceKind[];
  /** Counts inside the caller's read; kinds left out count 0. */
  count(repos: Repositories, workspaceId: number, period: EvidencePeriod): Promise<Partial<Record<EvidenceKind, number>>>;
  /**
   * The kinds the workspace has at least one record of, at any time: what status coverage needs, answered
   * without counting (a few EXISTS). Sources without it are counted.
   */
  present?(repos: Repositories, workspaceId: number): Promise<readonly EvidenceKind[]>;
  /**
   * The kinds with at least one record from `from` on (those `count` with { from } counts above 0), answered
   * with a few EXISTS instead of counting the period: what the Statement of Applicability's status lines need.
   * Sources without it are counted.
   */
  presentSince?(repos: Repositories, workspaceId: number, from: string): Promise<readonly EvidenceKind[]>;
  /**
   * Records that name the Annex A controls they apply (a risk treated by A.6.2.6), made or changed since
   * `from`: per control id, how many and the newest instant. The Statement of Applicability adds them to
   * the control's live evidence.
   */
  byControl?(repos: Repositories, workspaceId: number, from: string): Promise<ReadonlyMap<string, { count: number; latest: string }>>;
}

/** Every evidence kind annex-a.json names for a control or clause. */
export const ANNEX_A_EVIDENCE_KINDS: readonly EvidenceKind[] = [
  ...new Set([...annexA.clauses, ...annexA.controls].flatMap((item) => item.evidence)),
];

/** How many records of each declared kind a workspace has in a period, over every source. */
export async function evidenceCounts(
  sources: readonly EvidenceSource[],
  repos: Repositories,
  workspaceId: number,
  period: EvidencePeriod = {},
): Promise<Map<EvidenceKind, number>> {
  const counts = new Map<EvidenceKind, number>();
  for (const source of sources) {
    const found = await source.count(repos, workspaceId, period);
    for (const kind of source.kinds) counts.set(kind, (counts.get(kind) ?? 0) + (found[kind] ?? 0));
  }
  return counts;
}

/** The declared kinds the workspace has any record of, over every source (status coverage). */
export async function evidencePresent(
  sources: readonly EvidenceSource[],
  repos: Repositories,
  workspaceId: number,
): Promise<Set<EvidenceKind>> {
  const present = new Set<EvidenceKind>();
  for (const source of sources) {
    if (source.present) {
      for (const kind of await source.present(repos, workspaceId)) if (source.kinds.includes(kind)) present.add(kind);
      continue;
    }
    const found = await source.count(repos, workspaceId, {});
    for (const kind of source.kinds) if ((found[kind] ?? 0) > 0) present.add(kind);
  }
  return present;
}

const controls: Requirement[] = annexA.controls;
const clauses: Requirement[] = annexA.clauses;

/** Which Annex A controls and clauses have at least one kind of evidence present in the store. */
export function evidenceCoverage(present: ReadonlySet<EvidenceKind>): EvidenceCoverage {
  const covered = (list: Requirement[]): string[] =>
    list.filter((item) => item.evidence.some((kind) => present.has(kind))).map((item) => item.id);
  return {
    controls: { total: controls.length, covered: covered(controls) },
    clauses: { total: clauses.length, covered: covered(clauses) },
  };
}
