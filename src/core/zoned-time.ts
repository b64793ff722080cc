import { isCalendarDate } from './input/calendar-date.ts';

/**
 * Formatters by kind and time zone: building an Intl.DateTimeFormat costs far more than formatting with
 * one (tens of µs, on every status), and a formatter never changes. A handful of zones in practice.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: 'parts' | 'date' | 'time', timeZone: string): Intl.DateTimeFormat {
  const key = `${kind} ${timeZone}`;
  let made = formatters.get(key);
  if (!made) {
    made =
      kind === 'parts'
        ? new Intl.DateTimeFormat('en-US', {
            timeZone,
            hourCycle: 'h23',
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
            second: '2-digit',
          })
        : kind === 'date'
          ? new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
          : new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    // An unknown zone throws above and is never kept; the map stays small (one entry per zone and kind).
    if (formatters.size > 1_000) formatters.clear();
    formatters.set(key, made);
  }
  return made;
}

/** The UTC offset of `timeZone` at `instant`, in minutes (east positive). */
function offsetMinutes(instant: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    formatter('parts', timeZone)
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return Math.round((asUtc - instant.getTime()) / 60_000);
}

/** A wall-clock date ("2026-11-22") and time ("14:30") in `timeZone` as a UTC ISO instant; undefined if malformed. */
export function zonedToUtc(date: string, time: string, timeZone: string): string | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const t = /^(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(time.trim());
  if (!d || !t || !isCalendarDate(date.trim()) || Number(t[1]) > 23 || Number(t[2]) > 59) return undefined;
  const guess = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  // Two passes settle the offset across a daylight-saving change.
  let instant = guess - offsetMinutes(new Date(guess), timeZone) * 60_000;
  instant = guess - offsetMinutes(new Date(instant), timeZone) * 60_000;
  return new Date(instant).toISOString();
}

/** The wall-clock date and time of `iso` in `timeZone`. */
export function utcToZoned(iso: string, timeZone: string): { date: string; time: string } {
  const instant = new Date(iso);
  const date = formatter('date', timeZone).format(instant);
  const time = formatter('time', timeZone).format(instant);
  return { date, time };
}

/** Today's date (YYYY-MM-DD) in `timeZone`. */
export function todayIn(timeZone: string, now: Date): string {
  return formatter('date', timeZone).format(now);
}
