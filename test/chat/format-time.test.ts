import { describe, expect, it } from 'vitest';
import { formatDate, formatInstant } from '../../src/chat/views/format-time.ts';

describe('one date format for every card', () => {
  it('shows an instant in the workspace zone as "2 Dec 2026 07:02": day without a leading zero, 24-hour time', () => {
    expect(formatInstant('2026-12-02T06:02:00.000Z', 'Europe/Berlin')).toBe('2 Dec 2026 07:02');
    expect(formatInstant('2026-11-22T10:00:00.000Z', 'Europe/Berlin')).toBe('22 Nov 2026 11:00');
    // The zone decides the day: late evening in New York is the next day in UTC.
    expect(formatInstant('2026-01-01T03:30:00.000Z', 'America/New_York')).toBe('31 Dec 2025 22:30');
    expect(formatInstant('2026-01-01T00:00:00.000Z', 'UTC')).toBe('1 Jan 2026 00:00');
  });

  it('shows a calendar day as "4 Dec 2026" and leaves anything that is not YYYY-MM-DD as it is', () => {
    expect(formatDate('2026-12-04')).toBe('4 Dec 2026');
    expect(formatDate('2027-01-31')).toBe('31 Jan 2027');
    expect(formatDate('next week')).toBe('next week');
  });
});
