// One format for every date and time a person reads: "23 Nov 2026 14:05" in the workspace time
// zone, "23 Nov 2026" for a calendar day. Inputs still take ISO dates (YYYY-MM-DD).

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

// Building a DateTimeFormat costs far more than using one, and a list of 25 records formats 25 times.
const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      day: 'numeric',
      month: 'numeric',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  return format;
}

function partsIn(iso: string, timeZone: string): Record<string, string> {
  const parts = formatIn(timeZone).formatToParts(new Date(iso));
  return Object.fromEntries(parts.map((part) => [part.type, part.value]));
}

/** "22 Nov 2026 18:45": an instant in the workspace time zone. */
export function formatInstant(iso: string, timeZone: string): string {
  const p = partsIn(iso, timeZone);
  return `${Number(p.day)} ${MONTHS[Number(p.month) - 1] ?? '?'} ${p.year} ${p.hour}:${p.minute}`;
}

/** "4 Dec 2026": a calendar day given as YYYY-MM-DD (anything else is shown as it is). */
export function formatDate(ymd: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!match) return ymd;
  const [, year, month, day] = match;
  return `${Number(day)} ${MONTHS[Number(month) - 1] ?? '?'} ${year}`;
}
