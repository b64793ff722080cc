import cron from 'node-cron';
import { z } from 'zod';
import { maskUrl } from './core/mask-secrets.ts';
import { DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT_MS } from './store/postgres/pg-defaults.ts';

const LOOPBACK = '127.0.0.1';

/** Empty strings in the environment mean "not set": `FOO= npm start` must behave like no FOO. */
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === undefined || value === '' ? undefined : value));

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** An optional whole number from min to max; `what` says in words what it counts. */
function wholeNumber(min: number, max: number, what: string) {
  const message = `must be ${what} from ${min} to ${max}`;
  return optionalText
    .pipe(
      z
        .string()
        .regex(/^\d{1,9}$/, message)
        .optional(),
    )
    .transform((value) => (value === undefined ? undefined : Number(value)))
    .pipe(z.number().min(min, message).max(max, message).optional());
}

const adminEntry = z
  .string()
  .regex(/^(slack|teams):[^\s:]+$/, 'each entry must look like slack:<user id> or teams:<aad object id>')
  .transform((entry) => {
    const [platform, userId] = entry.split(':') as ['slack' | 'teams', string];
    return { platform, userId };
  });

const envSchema = z.object({
  NODE_ENV: optionalText,
  PORT: optionalText
    .pipe(
      z
        .string()
        .regex(/^\d{1,5}$/, 'must be a port number from 0 to 65535')
        .optional(),
    )
    .transform((value) => (value === undefined ? 3978 : Number(value)))
    .pipe(z.number().max(65535, 'must be a port number from 0 to 65535')),
  HOST: optionalText,
  AIMS_DB: optionalText.transform((value) => value ?? './data/aims.db'),
  // The message shows the URL only masked: it usually carries the database password.
  AIMS_DATABASE_URL: optionalText.superRefine((value, ctx) => {
    if (value === undefined || /^postgres(ql)?:\/\/[^/?#\s]/i.test(value)) return;
    ctx.addIssue({
      code: 'custom',
      message: `must be a PostgreSQL URL such as postgres://user:password@host:5432/aims (got ${maskUrl(value)})`,
    });
  }),
  AIMS_DB_POOL_SIZE: wholeNumber(1, 1000, 'a number of connections').transform((value) => value ?? DEFAULT_POOL_SIZE),
  AIMS_DB_STATEMENT_TIMEOUT_MS: wholeNumber(0, 3_600_000, 'a number of milliseconds (0 turns the limit off)').transform(
    (value) => value ?? DEFAULT_STATEMENT_TIMEOUT_MS,
  ),
  SLACK_BOT_TOKEN: optionalText.pipe(z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb-').optional()),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.pipe(z.string().startsWith('xapp-', 'must be an app-level token starting with xapp-').optional()),
  SLACK_API_URL: optionalText.pipe(z.url('must be a URL such as https://slack.com/api/').optional()),
  MicrosoftAppId: optionalText,
  MicrosoftAppPassword: optionalText,
  MicrosoftAppType: optionalText.pipe(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional()),
  MicrosoftAppTenantId: optionalText,
  AIMS_ADMINS: optionalText.transform((value, ctx) => {
    const entries = (value ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const parsed = z.array(adminEntry).safeParse(entries);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'invalid list' });
      return z.NEVER;
    }
    return parsed.data;
  }),
  AIMS_API_TOKENS: optionalText.transform((value, ctx) => {
    const entries = (value ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const tokens: Array<{ platform: 'slack' | 'teams'; workspaceExternalId: string; token: string }> = [];
    for (const entry of entries) {
      const match = /^(slack|teams):([^=\s]+)=(\S{24,})$/.exec(entry);
      if (!match) {
        // Never echo the entry: it holds a secret.
        ctx.addIssue({
          code: 'custom',
          message: 'each entry must look like slack:<team id>=<token> or teams:<tenant id>=<token>, tokens at least 24 characters',
        });
        return z.NEVER;
      }
      tokens.push({ platform: match[1] as 'slack' | 'teams', workspaceExternalId: match[2] ?? '', token: match[3] ?? '' });
    }
    return tokens;
  }),
  AIMS_DIGEST_CRON: optionalText
    .transform((value) => value ?? '0 * * * *')
    .refine((value) => cron.validate(value), 'must be a cron expression such as "0 * * * *" (hourly)'),
  AIMS_NUDGE_CRON: optionalText
    .transform((value) => value ?? '0 * * * *')
    .refine((value) => cron.validate(value), 'must be a cron expression such as "0 * * * *" (hourly)'),
  AIMS_TIMEZONE: optionalText
    .transform((value) => value ?? 'UTC')
    .refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin or UTC'),
  AIMS_PUBLIC_URL: optionalText.refine(
    (value) => value === undefined || /^https?:\/\/[^\s]+$/.test(value),
    "must be the bot's address as people reach it, such as https://aims.example.com",
  ),
  AIMS_OUTBOX_SEND_BUDGET_MS: optionalText
    .pipe(
      z
        .string()
        .regex(/^\d{1,5}$/, 'must be a number of milliseconds from 0 to 60000')
        .optional(),
    )
    .transform((value) => (value === undefined ? undefined : Number(value)))
    .pipe(z.number().max(60_000, 'must be a number of milliseconds from 0 to 60000').optional()),
  LOG_LEVEL: optionalText.pipe(z.enum(['debug', 'info', 'warn', 'error', 'silent']).optional()),
});

export type SlackMode = 'off' | 'http' | 'socket';

export interface Config {
  readonly env: 'production' | 'development' | 'test';
  readonly port: number;
  readonly host: string;
  readonly dbPath: string;
  /** PostgreSQL instead of the SQLite file at dbPath, when AIMS_DATABASE_URL is set. */
  readonly postgres?: { readonly url: string; readonly poolSize: number; readonly statementTimeoutMs: number };
  readonly timeZone: string;
  /** When the scheduler checks for digests due (each workspace's setup picks its weekday and hour). */
  readonly digestCron: string;
  /** When the scheduler checks for nudges due (each workspace's setup picks its hour). */
  readonly nudgeCron: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** How long a person's request waits for its posts before they are reported queued (the outbox's 2 s when unset). */
  readonly outboxSendBudgetMs?: number;
  /** The bot's address as people reach it (AIMS_PUBLIC_URL), for the links it serves (evidence pack downloads on Teams). */
  readonly publicUrl?: string;
  /** Local mode: no platform credentials at all; Teams runs unauthenticated on loopback only. */
  readonly localMode: boolean;
  readonly seedAdmins: ReadonlyArray<{ platform: 'slack' | 'teams'; userId: string }>;
  /** Bearer tokens of the pipeline API, each bound to one workspace. */
  readonly apiTokens: ReadonlyArray<{ platform: 'slack' | 'teams'; workspaceExternalId: string; token: string }>;
  readonly slack: {
    readonly mode: SlackMode;
    readonly botToken?: string;
    readonly signingSecret?: string;
    readonly appToken?: string;
    readonly apiUrl?: string;
  };
  readonly teams: {
    readonly enabled: boolean;
    readonly appId?: string;
    readonly appPassword?: string;
    readonly appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    readonly tenantId?: string;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; throws ConfigError naming every variable that is wrong. */
export function loadConfig(environment: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(environment);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`));
  }
  const env = parsed.data;
  const problems: string[] = [];

  const slackAny = Boolean(env.SLACK_BOT_TOKEN || env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN);
  let slackMode: SlackMode = 'off';
  if (slackAny) {
    if (!env.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN: required when any SLACK_* variable is set');
    if (env.SLACK_APP_TOKEN) {
      slackMode = 'socket';
    } else {
      slackMode = 'http';
      if (!env.SLACK_SIGNING_SECRET) {
        problems.push('SLACK_SIGNING_SECRET: required for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
      }
    }
  }

  const teamsCredentials = Boolean(env.MicrosoftAppId);
  if (!teamsCredentials && (env.MicrosoftAppPassword || env.MicrosoftAppTenantId)) {
    problems.push('MicrosoftAppId: required when MicrosoftAppPassword or MicrosoftAppTenantId is set');
  }
  const appType = env.MicrosoftAppType ?? 'MultiTenant';
  if (teamsCredentials && appType === 'SingleTenant' && !env.MicrosoftAppTenantId) {
    problems.push('MicrosoftAppTenantId: required when MicrosoftAppType is SingleTenant');
  }
  if (teamsCredentials && appType !== 'UserAssignedMSI' && !env.MicrosoftAppPassword) {
    problems.push('MicrosoftAppPassword: required with MicrosoftAppId (unless MicrosoftAppType is UserAssignedMSI)');
  }

  const nodeEnv = env.NODE_ENV === 'production' || env.NODE_ENV === 'test' ? env.NODE_ENV : 'development';
  const localMode = slackMode === 'off' && !teamsCredentials;
  if (localMode && nodeEnv === 'production') {
    problems.push(
      'NODE_ENV: production needs at least one platform configured (SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET, or MicrosoftAppId + MicrosoftAppPassword)',
    );
  }
  if (localMode && env.HOST && env.HOST !== LOOPBACK && env.HOST !== 'localhost') {
    problems.push(
      `HOST: local mode (no platform credentials) serves an unauthenticated Teams endpoint and binds to ${LOOPBACK} only; unset HOST or configure a platform`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    env: nodeEnv,
    port: env.PORT,
    host: localMode ? LOOPBACK : (env.HOST ?? '0.0.0.0'),
    dbPath: env.AIMS_DB,
    ...(env.AIMS_DATABASE_URL === undefined
      ? {}
      : {
          postgres: Object.freeze({
            url: env.AIMS_DATABASE_URL,
            poolSize: env.AIMS_DB_POOL_SIZE,
            statementTimeoutMs: env.AIMS_DB_STATEMENT_TIMEOUT_MS,
          }),
        }),
    timeZone: env.AIMS_TIMEZONE,
    digestCron: env.AIMS_DIGEST_CRON,
    nudgeCron: env.AIMS_NUDGE_CRON,
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'warn' : 'info'),
    ...(env.AIMS_OUTBOX_SEND_BUDGET_MS === undefined ? {} : { outboxSendBudgetMs: env.AIMS_OUTBOX_SEND_BUDGET_MS }),
    ...(env.AIMS_PUBLIC_URL === undefined ? {} : { publicUrl: env.AIMS_PUBLIC_URL.replace(/\/+$/, '') }),
    localMode,
    seedAdmins: Object.freeze(env.AIMS_ADMINS ?? []),
    apiTokens: Object.freeze(env.AIMS_API_TOKENS ?? []),
    slack: Object.freeze({
      mode: slackMode,
      botToken: env.SLACK_BOT_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      appToken: env.SLACK_APP_TOKEN,
      apiUrl: env.SLACK_API_URL,
    }),
    teams: Object.freeze({
      // Teams always runs: authenticated with an app id, unauthenticated on loopback in local mode.
      enabled: teamsCredentials || localMode,
      appId: env.MicrosoftAppId,
      appPassword: env.MicrosoftAppPassword,
      appType,
      tenantId: env.MicrosoftAppTenantId,
    }),
  });
}
