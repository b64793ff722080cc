import { describe, expect, it } from 'vitest';
import { RecentDeliveries } from '../../src/chat/recent-deliveries.ts';

describe('RecentDeliveries', () => {
  it('recognises a retry of the same content and a conflict on the same key', () => {
    const recent = new RecentDeliveries();
    expect(recent.take('slack:1', 'a')).toBe('new');
    expect(recent.take('slack:1', 'a')).toBe('repeat');
    expect(recent.take('slack:1', 'b')).toBe('conflict');
    recent.release('slack:1');
    expect(recent.take('slack:1', 'b')).toBe('new');
  });

  it('holds at most its capacity, however many deliveries pass, forgetting the oldest first', () => {
    const recent = new RecentDeliveries(100);
    for (let i = 0; i < 10_000; i++) expect(recent.take(`slack:${i}`, `h${i}`)).toBe('new');
    expect(recent.size).toBe(100);
    // The newest are still recognised, the oldest forgotten.
    expect(recent.take('slack:9999', 'h9999')).toBe('repeat');
    expect(recent.take('slack:9900', 'h9900')).toBe('repeat');
    expect(recent.take('slack:0', 'h0')).toBe('new');
    expect(recent.size).toBe(100);
  });

  it('is bounded by default', () => {
    const recent = new RecentDeliveries();
    for (let i = 0; i < 20_000; i++) recent.take(`teams:${i}`, 'h');
    expect(recent.size).toBe(5_000);
  });
});
