/** "22 Nov 2026, 18:45 UTC" in the workspace time zone. */
export function formatInstant(iso: string, timeZone: string): string {
  const formatted = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZoneName: 'short',
  }).format(new Date(iso));
  return formatted.replace(/ at /, ', ');
}
