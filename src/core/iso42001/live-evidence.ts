import type { Repositories } from '../ports.ts';
import type { EvidenceSource } from './evidence-coverage.ts';

/** Evidence older than this does not count for a control ("in the last 12 months"). */
export const EVIDENCE_WINDOW_DAYS = 365;

const DAY_MS = 86_400_000;

/** The live evidence of one kind: records in the window, and the UTC day (YYYY-MM-DD) of the newest (null: none). */
export interface KindEvidence {
  count: number;
  lastDate: string | null;
}

/** The first instant of the 12 months up to `now`: the UTC midnight 365 days before its day. */
export function evidenceWindowStart(now: Date): string {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(midnight - EVIDENCE_WINDOW_DAYS * DAY_MS).toISOString();
}

/**
 * The kinds with a record in the 12 months up to `now` (from evidenceWindowStart), each source asked whether
 * it has any (presentSince: a few EXISTS) or, without that, counted: liveEvidence's `count > 0`, not its counts.
 */
export async function kindsLiveAt(
  repos: Repositories,
  workspaceId: number,
  sources: readonly EvidenceSource[],
  now: Date,
): Promise<Set<string>> {
  const from = evidenceWindowStart(now);
  const live = new Set<string>();
  for (const source of sources) {
    if (source.presentSince) {
      for (const kind of await source.presentSince(repos, workspaceId, from)) if (source.kinds.includes(kind)) live.add(kind);
      continue;
    }
    const counts = await source.count(repos, workspaceId, { from });
    for (const kind of source.kinds) if ((counts[kind] ?? 0) > 0) live.add(kind);
  }
  return live;
}

/**
 * The live evidence of each kind in the 12 months up to `now` (from the UTC midnight 365 days before its
 * day; open-ended, so a record made at `now` counts): how many records, and the UTC day of the newest.
 * Sources give counts only, so the day is found by halving the window (about nine counts per kind): only
 * for the kinds in `dated` (the summary and the status need counts alone).
 */
export async function liveEvidence(
  repos: Repositories,
  workspaceId: number,
  sources: readonly EvidenceSource[],
  kinds: readonly string[],
  now: Date,
  dated: ReadonlySet<string> = new Set(kinds),
): Promise<Map<string, KindEvidence>> {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const dayStart = (daysBack: number) => new Date(midnight - daysBack * DAY_MS).toISOString();
  // One count per source and starting day, shared by all its kinds (the probes of their searches mostly coincide).
  const counted = new Map<EvidenceSource, Map<string, Partial<Record<string, number>>>>();
  const countsOf = async (source: EvidenceSource, from: string) => {
    const bySource = counted.get(source) ?? new Map<string, Partial<Record<string, number>>>();
    counted.set(source, bySource);
    const known = bySource.get(from);
    if (known) return known;
    const counts = await source.count(repos, workspaceId, { from });
    bySource.set(from, counts);
    return counts;
  };
  const found = new Map<string, KindEvidence>();
  for (const kind of new Set(kinds)) {
    const declaring = sources.filter((source) => source.kinds.includes(kind));
    const countFrom = async (from: string) => {
      let total = 0;
      for (const source of declaring) total += (await countsOf(source, from))[kind] ?? 0;
      return total;
    };
    const count = declaring.length === 0 ? 0 : await countFrom(dayStart(EVIDENCE_WINDOW_DAYS));
    if (count === 0 || !dated.has(kind)) {
      found.set(kind, { count, lastDate: null });
      continue;
    }
    // The fewest days back that still hold a record: that day is the newest record's.
    let low = 0;
    let high = EVIDENCE_WINDOW_DAYS;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if ((await countFrom(dayStart(middle))) > 0) high = middle;
      else low = middle + 1;
    }
    found.set(kind, { count, lastDate: dayStart(low).slice(0, 10) });
  }
  return found;
}
