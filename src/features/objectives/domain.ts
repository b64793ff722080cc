import { addDays } from '../../core/calendar-days.ts';

/** The audit events of the area. */
export const OBJECTIVE_AUDIT = {
  added: 'objective.added',
  readingRecorded: 'objective.reading_recorded',
  readingExplained: 'objective.reading_explained',
} as const;

/** The direct messages the area queues. */
export const OBJECTIVE_NOTICES = {
  /** To the owner: a reading missed the target (log a nonconformity, or explain). */
  offTarget: 'objective.off-target',
} as const;

export const DIRECTIONS = ['at-least', 'at-most'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const DIRECTION_LABELS: Record<Direction, string> = { 'at-least': 'at least', 'at-most': 'at most' };
export const DIRECTION_SIGNS: Record<Direction, string> = { 'at-least': '≥', 'at-most': '≤' };

export const CADENCES = ['weekly', 'monthly', 'quarterly'] as const;
export type Cadence = (typeof CADENCES)[number];
export const CADENCE_LABELS: Record<Cadence, string> = { weekly: 'Weekly', monthly: 'Monthly', quarterly: 'Quarterly' };
/** Days after the last reading before the next one is missing (a nudge to the owner). */
export const CADENCE_DAYS: Record<Cadence, number> = { weekly: 7, monthly: 31, quarterly: 92 };

/**
 * Where readings come from: recorded (in chat or by a pipeline through the API), or computed by the
 * bot every day from its own records.
 */
export const SOURCES = ['recorded', 'training-completion', 's1-acknowledgement-hours', 'overdue-corrective-actions'] as const;
export type ObjectiveSource = (typeof SOURCES)[number];
export const SOURCE_LABELS: Record<ObjectiveSource, string> = {
  recorded: 'Recorded in chat or by a pipeline (API)',
  'training-completion': 'Computed: required training completion (%)',
  's1-acknowledgement-hours': 'Computed: slowest S1 incident acknowledgement, last 90 days (hours)',
  'overdue-corrective-actions': 'Computed: overdue corrective actions (count)',
};

/** How a reading arrived. */
export type ReadingChannel = 'chat' | 'api' | 'bot';

export interface Objective {
  id: number;
  workspaceId: number;
  number: number;
  name: string;
  nameKey: string;
  metric: string;
  direction: Direction;
  target: number;
  cadence: Cadence;
  source: ObjectiveSource;
  ownerPersonId: number;
  aiSystemId: number | null;
  createdByPersonId: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface Reading {
  id: number;
  workspaceId: number;
  objectiveId: number;
  value: number;
  onTarget: boolean;
  /** The day it measures (YYYY-MM-DD, workspace time zone). */
  date: string;
  /** The cadence period it falls in ("2026-W48", "2026-11", "2026-Q4"). */
  period: string;
  channel: ReadingChannel;
  note: string | null;
  recordedByPersonId: number | null;
  recordedAt: string;
  explanation: string | null;
  explainedByPersonId: number | null;
  explainedAt: string | null;
}

export function objectiveKey(objective: Pick<Objective, 'number'>): string {
  return `OBJ-${objective.number}`;
}

/** Parses "OBJ-2", "obj2" or "#2". */
export function parseObjectiveRef(ref: string | undefined): number | undefined {
  const match = /^(?:obj[-\s]?|#)(\d+)$/i.exec((ref ?? '').trim());
  return match ? Number(match[1]) : undefined;
}

export function onTarget(objective: Pick<Objective, 'direction' | 'target'>, value: number): boolean {
  return objective.direction === 'at-least' ? value >= objective.target : value <= objective.target;
}

/** "fraud recall on holdout ≥ 0.92". */
export function targetText(objective: Pick<Objective, 'metric' | 'direction' | 'target'>): string {
  return `${objective.metric} ${DIRECTION_SIGNS[objective.direction]} ${formatNumber(objective.target)}`;
}

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The ISO week of a day: "2026-W48". */
function isoWeek(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  // The Thursday of its week decides the year the week belongs to.
  day.setUTCDate(day.getUTCDate() + 4 - (day.getUTCDay() || 7));
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${pad(week)}`;
}

/** The cadence period a day falls in. */
export function periodOf(cadence: Cadence, date: string): string {
  const [year, month] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
  if (cadence === 'weekly') return isoWeek(date);
  if (cadence === 'monthly') return `${year}-${pad(month)}`;
  return `${year}-Q${Math.ceil(month / 3)}`;
}

/** The first day of the period holding `date` (monthly, quarterly). */
function periodStart(cadence: 'monthly' | 'quarterly', date: string): string {
  const month = Number(date.slice(5, 7));
  const first = cadence === 'monthly' ? month : Math.floor((month - 1) / 3) * 3 + 1;
  return `${date.slice(0, 4)}-${pad(first)}-01`;
}

/** The `count` periods up to the one holding `today`, oldest first. */
export function lastPeriods(cadence: Cadence, today: string, count: number): string[] {
  const periods: string[] = [];
  let day = today;
  while (periods.length < count) {
    periods.unshift(periodOf(cadence, day));
    day = cadence === 'weekly' ? addDays(day, -7) : addDays(periodStart(cadence, day), -1);
  }
  return periods;
}

const BARS = '▁▂▃▄▅▆▇█';

/** A text sparkline of the last value of each period (· where a period has no reading). */
export function sparkline(values: ReadonlyArray<number | undefined>): string {
  const known = values.filter((v): v is number => v !== undefined);
  if (known.length === 0) return '';
  const [min, max] = [Math.min(...known), Math.max(...known)];
  return values
    .map((v) => {
      if (v === undefined) return '·';
      if (max === min) return BARS[3];
      return BARS[Math.round(((v - min) / (max - min)) * (BARS.length - 1))];
    })
    .join('');
}

/** The 12-period trend of an objective: its last reading of each period. */
export function trendOf(objective: Pick<Objective, 'cadence'>, readings: readonly Reading[], today: string, count = 12): string {
  const periods = lastPeriods(objective.cadence, today, count);
  const latest = new Map<string, Reading>();
  for (const reading of [...readings].sort((a, b) => (a.date === b.date ? a.id - b.id : a.date < b.date ? -1 : 1)))
    latest.set(reading.period, reading);
  return sparkline(periods.map((period) => latest.get(period)?.value));
}

/** The day the next reading is due: one cadence after the last (or after the objective was set). */
export function nextReadingDue(objective: Pick<Objective, 'cadence' | 'createdAt'>, last: Reading | undefined): string {
  return addDays(last?.date ?? objective.createdAt.slice(0, 10), CADENCE_DAYS[objective.cadence]);
}

/**
 * How many objectives stood off target on `day` (YYYY-MM-DD): those whose latest reading on or before
 * it was off target. Null when no objective had a reading yet (the chart draws no point).
 */
export function offTargetOn(readings: readonly Pick<Reading, 'objectiveId' | 'date' | 'onTarget' | 'id'>[], day: string): number | null {
  const latest = new Map<number, Pick<Reading, 'date' | 'onTarget' | 'id'>>();
  for (const reading of readings) {
    if (reading.date > day) continue;
    const kept = latest.get(reading.objectiveId);
    if (!kept || reading.date > kept.date || (reading.date === kept.date && reading.id > kept.id)) latest.set(reading.objectiveId, reading);
  }
  if (latest.size === 0) return null;
  return [...latest.values()].filter((reading) => !reading.onTarget).length;
}
