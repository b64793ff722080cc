import { z } from 'zod';

/** True for a real day of the calendar written YYYY-MM-DD (no 2025-02-30, no 2025-99-99). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Looks like a date (YYYY-MM-DD), real or not: commands take such a word as the date and then check it. */
export const DATE_LIKE = /^\d{4}-\d{2}-\d{2}$/;

/** A YYYY-MM-DD date that exists on the calendar; every date input of core uses it. */
export function calendarDate(missing: string, malformed: string) {
  return z
    .string({ error: missing })
    .trim()
    .regex(DATE_LIKE, malformed)
    .superRefine((value, ctx) => {
      if (DATE_LIKE.test(value) && !isCalendarDate(value))
        ctx.addIssue({ code: 'custom', message: `${value} is not a day on the calendar. ${malformed}` });
    });
}
