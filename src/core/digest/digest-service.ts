import type { AuditHead } from '../audit.ts';
import { KeptMap } from '../kept-map.ts';
import type { Clock } from '../clock.ts';
import type { Person, Workspace } from '../identity.ts';
import type { Repositories, UnitOfWork } from '../ports.ts';
import type { SummaryField } from '../status-service.ts';
import { addDays } from '../calendar-days.ts';
import { todayIn } from '../zoned-time.ts';
import { yieldToEventLoop } from '../yield-to-event-loop.ts';

/** "2026-W48": the ISO week of a day. */
export function isoWeek(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  const weekday = (day.getUTCDay() + 6) % 7;
  day.setUTCDate(day.getUTCDate() - weekday + 3);
  const year = day.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  const week = 1 + Math.round(((day.getTime() - firstThursday.getTime()) / 86_400_000 - 3 + ((firstThursday.getUTCDay() + 6) % 7)) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** A button on an item that needs attention: the area's action and its arguments (re-checked on the server). */
export interface ItemButton {
  label: string;
  action: string;
  args: Record<string, string>;
}

export interface OverdueItem {
  what: string;
  owner: Person | undefined;
  due: string;
  daysOverdue: number;
  /** What acts on it (marks it done, opens it), for the status's "needs attention". */
  button?: ItemButton;
}

/** Something that keeps the week from being healthy, most urgent first, with the button that acts on it. */
export interface AttentionItem {
  what: string;
  /** Why it needs attention now: "S1, open 3 days", "5 days overdue · alice". */
  why: string;
  button?: ItemButton;
}

/** The week a digest covers, in the workspace's time zone. */
export interface DigestWeek {
  /** YYYY-MM-DD, a week before `today`. */
  from: string;
  today: string;
  /** The instant a week before the digest's moment (ISO), for counts of the week. */
  since: string;
  /** How many days past `due` today is. */
  daysOverdue(due: string): number;
}

/** An area's contribution to the weekly digest, read inside the digest's one read. */
export interface DigestSource {
  /** Its line(s) in the week in numbers. */
  fields?(repos: Repositories, workspaceId: number, week: DigestWeek): Promise<SummaryField[]>;
  /** Its items past due, for "most overdue" and the count of overdue items. */
  overdue?(repos: Repositories, workspaceId: number, week: DigestWeek): Promise<OverdueItem[]>;
  /**
   * Its overdue items as the digest's verdict needs them: how many, and the `limit` most overdue in the order
   * `overdue` lists them (most days overdue first, ties as `overdue` orders them). An area with many records
   * declares it so the verdict reads a count and a few rows (by index) instead of every overdue item;
   * without it the verdict reads `overdue`.
   */
  overdueTop?(repos: Repositories, workspaceId: number, week: DigestWeek, limit: number): Promise<{ count: number; items: OverdueItem[] }>;
  /** Why the area keeps the week from being healthy ("required training at 80%"); empty when it does not. */
  concerns?(repos: Repositories, workspaceId: number, week: DigestWeek): Promise<string[]>;
  /** The records behind its concerns (open S1/S2 incidents), most urgent first; overdue items come from `overdue`. */
  attention?(repos: Repositories, workspaceId: number, week: DigestWeek): Promise<AttentionItem[]>;
}

/** The week in numbers, for leadership: enough to tell whether the AIMS is healthy. */
export interface Digest {
  workspace: Workspace;
  period: string;
  from: string;
  to: string;
  /** The lines the areas declare, in the order of the features list. */
  lines: SummaryField[];
  topOverdue: OverdueItem[];
  auditHead: AuditHead | null;
  /** Why it is not healthy; empty when it is. */
  concerns: string[];
  /** The records behind the concerns, most urgent first: the areas' own, then the most overdue. */
  attention: AttentionItem[];
}

/** The digest's rule, for every view that gives a verdict (digest, status): healthy means no concern at all. */
export function isHealthy(digest: Pick<Digest, 'concerns'>): boolean {
  return digest.concerns.length === 0;
}

const TOP = 5;

/** An area's overdue items for the verdict: its count and top items (overdueTop), else all of them (overdue). */
async function overdueOf(
  source: DigestSource,
  repos: Repositories,
  workspaceId: number,
  week: DigestWeek,
): Promise<{ count: number; items: OverdueItem[] }> {
  if (source.overdueTop) return await source.overdueTop(repos, workspaceId, week, TOP);
  const items = (await source.overdue?.(repos, workspaceId, week)) ?? [];
  return { count: items.length, items };
}

/** The digest's verdict for a status page, kept per workspace until its records or its day change. */
interface KeptVerdict {
  /** The workspace's latest audit sequence when it was read (every change writes an audit event). */
  sequence: number | null;
  today: string;
  verdict: Pick<Digest, 'concerns' | 'attention'>;
}

/** Workspaces whose verdict is kept; the least recently asked one goes first. */
const KEPT_VERDICTS = 256;

/** The concerns and the records behind them, the digest's way: the areas' own, then the most overdue. */
function verdictOf(
  parts: ReadonlyArray<{ overdue: { count: number; items: OverdueItem[] }; concerns: string[]; attention: AttentionItem[] }>,
) {
  const overdueCount = parts.reduce((sum, part) => sum + part.overdue.count, 0);
  // Stable: ties keep the areas' order, then each area's own (its top items are the first of its list).
  const topOverdue = parts
    .flatMap((part) => part.overdue.items)
    .sort((a, b) => b.daysOverdue - a.daysOverdue)
    .slice(0, TOP);
  // The areas' concerns first (open S1/S2 incidents, required training), then the overdue count.
  const concerns: string[] = parts.flatMap((part) => part.concerns);
  if (overdueCount > 0) concerns.push(`${overdueCount} overdue item(s)`);
  const attention: AttentionItem[] = [
    ...parts.flatMap((part) => part.attention),
    ...topOverdue.map((item) => ({
      what: item.what,
      why: `${item.daysOverdue} days overdue${item.owner ? ` · ${item.owner.displayName ?? item.owner.externalId}` : ''}`,
      ...(item.button ? { button: item.button } : {}),
    })),
  ];
  return { topOverdue, concerns, attention };
}

/** Builds the weekly digest of a workspace as of a moment. */
export class DigestService {
  private readonly verdicts = new KeptMap<number, KeptVerdict>(KEPT_VERDICTS);

  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
    private readonly defaultTimeZone: string,
    private readonly sources: readonly DigestSource[] = [],
  ) {}

  async workspaces(): Promise<Workspace[]> {
    return await this.store.read(async (repos) => await repos.workspaces.all());
  }

  /**
   * The verdict a status page leads with (the digest's concerns and the records behind them), without the
   * digest's lines. Its figures depend on the records and the workspace's day only, so it is kept per
   * workspace until the workspace's latest audit sequence moves or its day turns: a status asked again
   * with nothing changed reads two rows, not every area.
   */
  async verdict(workspaceId: number, at: Date = this.clock.now()): Promise<Pick<Digest, 'concerns' | 'attention'>> {
    const { sequence, timeZone } = await this.store.read(async (repos) => ({
      sequence: (await repos.audit.versions(workspaceId)).workspace,
      timeZone: (await repos.settings.get(workspaceId))?.timeZone ?? this.defaultTimeZone,
    }));
    const today = todayIn(timeZone, at);
    const kept = this.verdicts.get(workspaceId);
    if (kept && kept.sequence === sequence && kept.today === today) {
      this.verdicts.keep(workspaceId, kept);
      return kept.verdict;
    }
    const week = this.weekOf(today, at);
    const parts = [];
    for (const source of this.sources) {
      if (!source.overdue && !source.overdueTop && !source.concerns && !source.attention) continue;
      parts.push(
        await this.store.read(async (repos) => ({
          overdue: await overdueOf(source, repos, workspaceId, week),
          concerns: (await source.concerns?.(repos, workspaceId, week)) ?? [],
          attention: (await source.attention?.(repos, workspaceId, week)) ?? [],
        })),
      );
      await yieldToEventLoop();
    }
    const { concerns, attention } = verdictOf(parts);
    const verdict = { concerns, attention };
    // Kept only if nothing changed while the areas were read in their own read units.
    const after = await this.store.read(async (repos) => (await repos.audit.versions(workspaceId)).workspace);
    if (after === sequence) this.verdicts.keep(workspaceId, { sequence, today, verdict });
    return verdict;
  }

  /** Drops the kept verdicts (the bench's cold figure). */
  forget(workspaceId?: number): void {
    if (workspaceId === undefined) this.verdicts.clear();
    else this.verdicts.delete(workspaceId);
  }

  private weekOf(today: string, at: Date): DigestWeek {
    const from = addDays(today, -7);
    const since = new Date(at.getTime() - 7 * 86_400_000).toISOString();
    const days = (due: string) =>
      Math.round((new Date(`${today}T00:00:00Z`).getTime() - new Date(`${due}T00:00:00Z`).getTime()) / 86_400_000);
    return { from, today, since, daysOverdue: days };
  }

  /**
   * The digest of the week that ends at `at` (default now), in the workspace's time zone. Each area's
   * part is read in its own read unit, with the event loop let in between: a digest over a large
   * store never holds the store or the process for the whole of it.
   */
  async build(workspaceId: number, at: Date = this.clock.now()): Promise<Digest> {
    const { workspace, timeZone, auditHead } = await this.store.read(async (repos) => ({
      workspace: await repos.workspaces.findById(workspaceId),
      timeZone: (await repos.settings.get(workspaceId))?.timeZone ?? this.defaultTimeZone,
      auditHead: await repos.audit.head(workspaceId),
    }));
    if (!workspace) throw new Error(`workspace ${workspaceId} not found`);
    const today = todayIn(timeZone, at);
    const from = addDays(today, -7);
    const since = new Date(at.getTime() - 7 * 86_400_000).toISOString();
    const days = (due: string) =>
      Math.round((new Date(`${today}T00:00:00Z`).getTime() - new Date(`${due}T00:00:00Z`).getTime()) / 86_400_000);
    const week: DigestWeek = { from, today, since, daysOverdue: days };
    const parts = [];
    for (const source of this.sources) {
      parts.push(
        await this.store.read(async (repos) => ({
          overdue: await overdueOf(source, repos, workspaceId, week),
          concerns: (await source.concerns?.(repos, workspaceId, week)) ?? [],
          lines: (await source.fields?.(repos, workspaceId, week)) ?? [],
          attention: (await source.attention?.(repos, workspaceId, week)) ?? [],
        })),
      );
      await yieldToEventLoop();
    }
    const { topOverdue, concerns, attention } = verdictOf(parts);
    return {
      workspace,
      period: isoWeek(today),
      from,
      to: today,
      lines: parts.flatMap((part) => part.lines),
      topOverdue,
      auditHead,
      concerns,
      attention,
    };
  }
}
