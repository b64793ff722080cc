import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';

describe('logger', () => {
  it('never writes a database password: not in a field, a nested field, the message or an error', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { database: 'postgres://aims:pw-base@db/aims' }, (line) => lines.push(line));
    logger
      .child({ store: { url: 'postgres://aims:pw-child@db/aims?sslmode=require' } })
      .error('could not reach postgres://aims:pw-msg@db/aims', {
        error: new Error('connect failed for postgres://aims:pw-error@db/aims'),
        urls: ['postgres://db/aims?password=pw-param'],
      });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/pw-/);
    const record = JSON.parse(lines[0] ?? '{}');
    expect(record.database).toBe('postgres://aims:***@db/aims');
    expect(record.store.url).toBe('postgres://aims:***@db/aims?sslmode=require');
    expect(record.msg).toBe('could not reach postgres://aims:***@db/aims');
    expect(record.error.message).toBe('connect failed for postgres://aims:***@db/aims');
    expect(record.urls).toEqual(['postgres://db/aims?password=***']);
  });

  it('still redacts secret-named fields whole', () => {
    const lines: string[] = [];
    createLogger('info', {}, (line) => lines.push(line)).info('sent', { botToken: 'xoxb-1', channel: 'C1' });
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ botToken: '[redacted]', channel: 'C1' });
  });
});
