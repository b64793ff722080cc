import type { GrantableRole } from '../../core/roles.ts';

/** What the audit log calls the area's changes (store/audit/chain-state.ts replays the `training.` ones). */
export const TRAINING_AUDIT = {
  courseCreated: 'course.created',
  courseUpdated: 'course.updated',
  courseRetired: 'course.retired',
  sessionRecorded: 'training.session_recorded',
  selfAttested: 'training.self_attested',
} as const;

export interface Course {
  id: number;
  workspaceId: number;
  name: string;
  nameKey: string;
  description: string;
  /** Holders of any of these roles must take it; empty: everyone. */
  requiredRoles: GrantableRole[];
  /** Months a completion stays valid; null: it never expires. */
  renewalMonths: number | null;
  status: 'active' | 'retired';
  createdAt: string;
  updatedAt: string;
}

export interface Completion {
  id: number;
  workspaceId: number;
  courseId: number;
  personId: number;
  /** YYYY-MM-DD */
  date: string;
  sessionId: number | null;
  selfAttested: boolean;
  evidence: string | null;
  recordedBy: number;
  createdAt: string;
}

export interface TrainingSession {
  id: number;
  workspaceId: number;
  courseId: number;
  date: string;
  trainer: string;
  evidence: string | null;
  recordedBy: number;
  createdAt: string;
}

/** Completions expiring within this many days are "due soon". */
export const DUE_SOON_DAYS = 30;

export type TrainingState = 'valid' | 'due-soon' | 'expired' | 'missing';

/** The day a completion stops counting, or null when the course is never renewed. */
export function expiresOn(date: string, renewalMonths: number | null): string | null {
  if (renewalMonths === null) return null;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + renewalMonths, 1));
  // Clamp the day: a completion on 31 January renewed monthly expires on the last day of February.
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  const value = new Date(`${date}T00:00:00Z`);
  value.setUTCDate(value.getUTCDate() + days);
  return value.toISOString().slice(0, 10);
}

/**
 * The earliest completion date that still counts on `asOf` (its expiry falls after `asOf`): a completion
 * counts then exactly when its date lies from this day to `asOf`, since expiresOn only moves forward
 * with the date. Lets the store count valid training with a range instead of reading every completion.
 */
export function countsFrom(asOf: string, renewalMonths: number | null): string {
  if (renewalMonths === null) return '0000-01-01';
  const [y, m, d] = asOf.split('-').map(Number) as [number, number, number];
  // Safely before the answer (a month back is at most 31 days, clamping moves at most 3), then forward.
  let day = addDays(new Date(Date.UTC(y, m - 1 - renewalMonths, 1)).toISOString().slice(0, 10), -8 + Math.min(d, 28) - 1);
  while ((expiresOn(day, renewalMonths) ?? '') <= asOf) day = addDays(day, 1);
  return day;
}

/** Where someone stands on a course as of a day, from their latest completion. */
export function trainingState(
  latest: string | undefined,
  renewalMonths: number | null,
  asOf: string,
): { state: TrainingState; expires: string | null } {
  if (!latest) return { state: 'missing', expires: null };
  const expires = expiresOn(latest, renewalMonths);
  if (expires === null) return { state: 'valid', expires };
  if (expires <= asOf) return { state: 'expired', expires };
  return { state: expires <= addDays(asOf, DUE_SOON_DAYS) ? 'due-soon' : 'valid', expires };
}

/** Whether a person holding `roles` must take the course. */
export function isRequired(course: Pick<Course, 'requiredRoles'>, roles: readonly string[]): boolean {
  return course.requiredRoles.length === 0 || course.requiredRoles.some((role) => roles.includes(role));
}
