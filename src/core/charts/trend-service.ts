import type { Clock } from '../clock.ts';
import type { UnitOfWork } from '../ports.ts';
import { todayIn } from '../zoned-time.ts';
import { yieldToEventLoop } from '../yield-to-event-loop.ts';
import { renderTrendChart, TREND_CHART_SIZE, type ChartSize, type TrendChartData, type TrendSeries } from './trend-chart.ts';
import { TREND_KEYS, trendWeeks, type TrendSource } from './trend-source.ts';

/** How many weeks the digest's chart covers. */
export const TREND_WEEKS = 12;

/** What a series several areas add to is called (one area alone names its own part: "Overdue corrective actions"). */
const SHARED_LABELS: Readonly<Record<string, string>> = { [TREND_KEYS.overdue]: 'Overdue items' };

/** The same key from several areas: counts add up week by week; for a percentage the first area's stands. */
function merged(all: readonly TrendSeries[]): TrendSeries[] {
  const byKey = new Map<string, TrendSeries>();
  for (const series of all) {
    const kept = byKey.get(series.key);
    if (!kept) byKey.set(series.key, { ...series, values: [...series.values] });
    else if (kept.unit === 'count') {
      kept.label = SHARED_LABELS[series.key] ?? kept.label;
      kept.values = kept.values.map((value, i) => {
        const more = series.values[i] ?? null;
        return value === null && more === null ? null : (value ?? 0) + (more ?? 0);
      });
    }
  }
  return [...byKey.values()];
}

/** A chart and the figures it was drawn from (a test or the evidence pack can cite them). */
export interface TrendChart {
  data: TrendChartData;
  png: Buffer;
}

/**
 * The 12-week trend of a workspace (incidents opened and closed, overdue items, training completion,
 * and whatever other series the areas declare), for the weekly digest and the evidence pack.
 */
export class TrendService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
    private readonly defaultTimeZone: string,
    private readonly sources: readonly TrendSource[] = [],
  ) {}

  /** The series of the `weeks` weeks that end at `at`, each area read in its own read unit. */
  async data(workspaceId: number, at: Date = this.clock.now(), weeks = TREND_WEEKS): Promise<TrendChartData> {
    const { timeZone, name } = await this.store.read(async (repos) => {
      const workspace = await repos.workspaces.findById(workspaceId);
      return {
        timeZone: (await repos.settings.get(workspaceId))?.timeZone ?? this.defaultTimeZone,
        name: workspace?.name ?? workspace?.externalId ?? '',
      };
    });
    const grid = trendWeeks(todayIn(timeZone, at), at, weeks);
    const all: TrendSeries[] = [];
    for (const source of this.sources) {
      all.push(...(await this.store.read(async (repos) => await source.series(repos, workspaceId, grid))));
      await yieldToEventLoop();
    }
    const first = grid[0]?.label ?? '';
    const last = grid.at(-1)?.label ?? '';
    return {
      title: `${name ? `${name} · ` : ''}AIMS trend, ${first} to ${last}`,
      weeks: grid.map((week) => week.label),
      series: merged(all),
    };
  }

  /** The chart as a PNG with its figures: the digest attaches it, the evidence pack puts it on its first page. */
  async chart(
    workspaceId: number,
    at: Date = this.clock.now(),
    weeks = TREND_WEEKS,
    size: ChartSize = TREND_CHART_SIZE,
  ): Promise<TrendChart> {
    const data = await this.data(workspaceId, at, weeks);
    return { data, png: await renderTrendChart(data, size) };
  }
}

/**
 * The digest's chart for another document (the evidence pack's index.pdf, first page): the 12 weeks
 * that end at `to`, the same series and the same pixels as the digest of that moment; `size` in px
 * (default 960x540, which prints about 6.7 in wide at 144 dpi).
 */
export async function workspaceTrendChart(
  services: { trends: TrendService },
  workspaceId: number,
  to: Date,
  size: ChartSize = TREND_CHART_SIZE,
): Promise<TrendChart> {
  return await services.trends.chart(workspaceId, to, TREND_WEEKS, size);
}
