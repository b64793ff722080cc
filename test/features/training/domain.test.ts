import { describe, expect, it } from 'vitest';
import { expiresOn, isRequired, trainingState } from '../../../src/features/training/domain.ts';

describe('training expiry', () => {
  it('adds renewal months to the completion day, clamping to the end of a shorter month', () => {
    expect(expiresOn('2026-11-20', 12)).toBe('2027-11-20');
    expect(expiresOn('2026-01-31', 1)).toBe('2026-02-28');
    expect(expiresOn('2027-12-31', 2)).toBe('2028-02-29');
    expect(expiresOn('2026-11-20', null)).toBeNull();
  });

  it('says where someone stands as of a day', () => {
    expect(trainingState(undefined, 12, '2026-11-22')).toEqual({ state: 'missing', expires: null });
    expect(trainingState('2026-11-20', 12, '2026-11-22')).toEqual({ state: 'valid', expires: '2027-11-20' });
    expect(trainingState('2026-11-20', 12, '2027-11-01')).toEqual({ state: 'due-soon', expires: '2027-11-20' });
    expect(trainingState('2026-11-20', 12, '2027-11-20')).toEqual({ state: 'expired', expires: '2027-11-20' });
    expect(trainingState('2020-01-01', null, '2030-01-01')).toEqual({ state: 'valid', expires: null });
  });

  it('requires a course of everyone, or of holders of its roles', () => {
    expect(isRequired({ requiredRoles: [] }, [])).toBe(true);
    expect(isRequired({ requiredRoles: ['approver'] }, ['admin'])).toBe(false);
    expect(isRequired({ requiredRoles: ['approver', 'leadership'] }, ['leadership'])).toBe(true);
  });
});

describe('workspace schedules', () => {
  it('reads the local weekday and hour of an instant in a time zone', async () => {
    const { localWeekdayHour } = await import('../../../src/core/settings/workspace-settings.ts');
    expect(localWeekdayHour(new Date('2026-11-23T08:30:00Z'), 'UTC')).toEqual({ weekday: 1, hour: 8 });
    // 23:30 UTC on a Sunday is Monday 00:30 in Berlin.
    expect(localWeekdayHour(new Date('2026-11-22T23:30:00Z'), 'Europe/Berlin')).toEqual({ weekday: 1, hour: 0 });
  });
});
