import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('defaults to local mode on loopback with a SQLite file when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3978,
      host: '127.0.0.1',
      dbPath: './data/aims.db',
      timeZone: 'UTC',
      localMode: true,
      slack: { mode: 'off' },
      teams: { enabled: true, appType: 'MultiTenant' },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', SLACK_BOT_TOKEN: '', HOST: '' })).toMatchObject({ port: 3978, localMode: true });
  });

  it('turns Slack on in HTTP mode with a bot token and signing secret, and Teams off without an app id', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', HOST: '0.0.0.0' });
    expect(config).toMatchObject({ localMode: false, host: '0.0.0.0', slack: { mode: 'http' }, teams: { enabled: false } });
  });

  it('uses Socket Mode when SLACK_APP_TOKEN is also set', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slack.mode).toBe('socket');
  });

  it('turns Teams on with authentication when MicrosoftAppId and password are set', () => {
    const config = loadConfig({ MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw' });
    expect(config).toMatchObject({ localMode: false, teams: { enabled: true, appId: 'app' } });
  });

  it('parses AIMS_ADMINS into platform and user id', () => {
    expect(loadConfig({ AIMS_ADMINS: 'slack:U1, teams:aad-2' }).seedAdmins).toEqual([
      { platform: 'slack', userId: 'U1' },
      { platform: 'teams', userId: 'aad-2' },
    ]);
  });

  it('reads AIMS_OUTBOX_SEND_BUDGET_MS as milliseconds, unset by default (the outbox keeps its 2 s)', () => {
    expect(loadConfig({ AIMS_OUTBOX_SEND_BUDGET_MS: '250' }).outboxSendBudgetMs).toBe(250);
    expect(loadConfig({}).outboxSendBudgetMs).toBeUndefined();
  });

  it('selects PostgreSQL with AIMS_DATABASE_URL, with the pool defaults; without it there is no postgres entry', () => {
    const url = 'postgresql://aims:pw@db.internal:5432/aims?sslmode=require';
    expect(loadConfig({ AIMS_DATABASE_URL: url }).postgres).toEqual({ url, poolSize: 10, statementTimeoutMs: 10_000 });
    const config = loadConfig({});
    expect(config.postgres).toBeUndefined();
    expect(config.dbPath).toBe('./data/aims.db');
  });

  it('reads AIMS_DB_POOL_SIZE and AIMS_DB_STATEMENT_TIMEOUT_MS (0 turns the timeout off)', () => {
    const config = loadConfig({ AIMS_DATABASE_URL: 'postgres://h/aims', AIMS_DB_POOL_SIZE: '4', AIMS_DB_STATEMENT_TIMEOUT_MS: '0' });
    expect(config.postgres).toMatchObject({ poolSize: 4, statementTimeoutMs: 0 });
  });

  it('names AIMS_DATABASE_URL when it is not a PostgreSQL URL, with the password masked', () => {
    const found = problems({ AIMS_DATABASE_URL: 'mysql://admin:hunter2secret@db/aims' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^AIMS_DATABASE_URL: must be a PostgreSQL URL/);
    expect(found[0]).toContain('mysql://admin:***@db/aims');
    expect(found[0]).not.toContain('hunter2secret');
  });

  it.each([
    [{ AIMS_DATABASE_URL: './data/aims.db' }, 'AIMS_DATABASE_URL'],
    [{ AIMS_DATABASE_URL: 'postgres://' }, 'AIMS_DATABASE_URL'],
    [{ AIMS_DB_POOL_SIZE: '0' }, 'AIMS_DB_POOL_SIZE'],
    [{ AIMS_DB_POOL_SIZE: 'ten' }, 'AIMS_DB_POOL_SIZE'],
    [{ AIMS_DB_STATEMENT_TIMEOUT_MS: '-5' }, 'AIMS_DB_STATEMENT_TIMEOUT_MS'],
    [{ AIMS_DB_STATEMENT_TIMEOUT_MS: '99999999' }, 'AIMS_DB_STATEMENT_TIMEOUT_MS'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ AIMS_OUTBOX_SEND_BUDGET_MS: '2s' }, 'AIMS_OUTBOX_SEND_BUDGET_MS'],
    [{ AIMS_OUTBOX_SEND_BUDGET_MS: '90000' }, 'AIMS_OUTBOX_SEND_BUDGET_MS'],
    [{ PORT: '70000' }, 'PORT'],
    [{ AIMS_TIMEZONE: 'Mars/Olympus' }, 'AIMS_TIMEZONE'],
    [{ SLACK_BOT_TOKEN: 'not-a-token' }, 'SLACK_BOT_TOKEN'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_SIGNING_SECRET'],
    [{ SLACK_SIGNING_SECRET: 's' }, 'SLACK_BOT_TOKEN'],
    [{ SLACK_API_URL: 'nope' }, 'SLACK_API_URL'],
    [{ AIMS_ADMINS: 'U123' }, 'AIMS_ADMINS'],
    [{ MicrosoftAppType: 'Anything' }, 'MicrosoftAppType'],
    [{ MicrosoftAppPassword: 'pw' }, 'MicrosoftAppId'],
    [{ MicrosoftAppId: 'app' }, 'MicrosoftAppPassword'],
    [{ MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw', MicrosoftAppType: 'SingleTenant' }, 'MicrosoftAppTenantId'],
    [{ LOG_LEVEL: 'chatty' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'production' }, 'NODE_ENV'],
    [{ HOST: '0.0.0.0' }, 'HOST'],
  ])('names the variable that is wrong: %o -> %s', (env, variable) => {
    const found = problems(env as Record<string, string>);
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((problem) => problem.startsWith(`${variable}:`))).toBe(true);
  });

  it('never echoes a secret value in its messages', () => {
    const found = problems({ SLACK_SIGNING_SECRET: 'super-secret-value', SLACK_BOT_TOKEN: 'xoxp-super-secret-token' });
    expect(found.join('\n')).not.toContain('super-secret');
  });
});
