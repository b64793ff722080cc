import type { Repositories } from '../ports.ts';
import { addDays } from '../calendar-days.ts';
import { isoWeek } from '../digest/digest-service.ts';
import type { TrendSeries } from './trend-chart.ts';

/**
 * One week of the trend: the seven days that end on `lastDay` (in the workspace's time zone), as the
 * instants [start, end) for counts of events, and `lastDay` for levels (what was overdue that day).
 * The newest week is the digest's own: it ends at the digest's moment.
 */
export interface TrendWeek {
  /** "W48": the ISO week of its last day (the digest of that week is "2026-W48"). */
  label: string;
  /** YYYY-MM-DD. */
  lastDay: string;
  /** ISO instants: events at or after `start` and before `end` fall in the week. */
  start: string;
  end: string;
}

/**
 * An area's series in the digest's 12-week trend chart, read inside one read of the store. A series
 * key another area also declares ("overdue") is added up with it; a new key is a new line.
 */
export interface TrendSource {
  /** Its series, one value per week given (oldest first). */
  series(repos: Repositories, workspaceId: number, weeks: readonly TrendWeek[]): Promise<TrendSeries[]>;
}

/** The series keys every area shares, so that areas that count the same thing add up. */
export const TREND_KEYS = {
  incidentsOpened: 'incidents-opened',
  incidentsClosed: 'incidents-closed',
  overdue: 'overdue',
  trainingCompletion: 'training-completion',
  objectivesOffTarget: 'objectives-off-target',
} as const;

/** The `count` weeks that end at `at` (today being `today` in the workspace's zone), oldest first. */
export function trendWeeks(today: string, at: Date, count = 12): TrendWeek[] {
  const weeks: TrendWeek[] = [];
  for (let back = count - 1; back >= 0; back -= 1) {
    const end = at.getTime() - back * 7 * 86_400_000;
    const lastDay = addDays(today, -7 * back);
    weeks.push({
      label: isoWeek(lastDay).slice(5),
      lastDay,
      start: new Date(end - 7 * 86_400_000).toISOString(),
      end: new Date(end).toISOString(),
    });
  }
  return weeks;
}
