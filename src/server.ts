import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { maskUrl } from './core/mask-secrets.ts';
import type { Logger } from './logger.ts';

export interface Health {
  /** Names the store ("sqlite", or the PostgreSQL URL it was given); shown with any password masked. */
  store?: string;
  databaseReachable(): Promise<boolean>;
  /** Runs `PRAGMA quick_check` now: the problems it reports, none when the store is sound. */
  storeProblems?(): string[];
  /** What the check at start found (so plain /healthz reports a damaged store without re-checking). */
  problemsAtStart?: string[];
  platforms: { slack: 'http' | 'socket' | 'off'; teams: 'authenticated' | 'local' | 'off' };
  /** Socket Mode only: the state of the connection to Slack; anything but "connected" is a 503. */
  slackConnection?: () => 'connecting' | 'connected' | 'down';
}

const DEEP_CHECK_INTERVAL_MS = 10_000;

/**
 * The one HTTP app: /healthz here; Slack and Teams mount their own routes on it. `/healthz?deep=1`
 * also runs the store's quick check; a failed check keeps /healthz degraded until one passes.
 */
export function createHttpApp(health: Health): Express {
  const app = express();
  app.disable('x-powered-by');
  let problems = health.problemsAtStart ?? [];
  // quick_check reads every page: unauthenticated callers get at most one run per interval.
  let lastDeepCheck = Number.NEGATIVE_INFINITY;
  app.get('/healthz', async (req, res) => {
    const deep = req.query.deep === '1' || req.query.deep === 'true';
    const reachable = await health.databaseReachable();
    if (deep && reachable && health.storeProblems && Date.now() - lastDeepCheck >= DEEP_CHECK_INTERVAL_MS) {
      lastDeepCheck = Date.now();
      problems = health.storeProblems();
    }
    const sound = problems.length === 0;
    const slack = health.slackConnection?.();
    const slackUp = slack === undefined || slack === 'connected';
    const status = !reachable ? 'unavailable' : sound && slackUp ? 'ok' : 'degraded';
    const check = !sound
      ? { reachable, quickCheck: 'failed', problems }
      : deep && reachable
        ? { reachable, quickCheck: 'ok' }
        : { reachable };
    // /healthz answers anyone: a database URL's password must not be in it.
    const database = health.store === undefined ? check : { store: maskUrl(health.store), ...check };
    res
      .status(reachable && sound && slackUp ? 200 : 503)
      .json({ status, database, platforms: health.platforms, ...(slack ? { slack } : {}) });
  });
  return app;
}

// body-parser's error types, as the code a client can act on.
const CLIENT_ERRORS: Record<string, { error: string; message: string }> = {
  'entity.parse.failed': { error: 'invalid_json', message: 'The request body is not valid JSON.' },
  'entity.too.large': { error: 'payload_too_large', message: 'The request body is too large.' },
  'entity.verify.failed': { error: 'bad_request', message: 'The request body could not be verified.' },
  'encoding.unsupported': { error: 'unsupported_media_type', message: 'The request body has an unsupported content encoding.' },
  'charset.unsupported': { error: 'unsupported_media_type', message: 'The request body has an unsupported charset.' },
  'request.aborted': { error: 'bad_request', message: 'The request was aborted.' },
  'request.size.invalid': { error: 'bad_request', message: 'The request body did not match its Content-Length.' },
};

function statusOf(error: unknown): number {
  const status =
    (error as { status?: unknown; statusCode?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status <= 599 ? status : 500;
}

/**
 * Closes the HTTP app: unknown routes and every error answer `{"error": code, "message": ...}`,
 * never an HTML page, a stack or a path. Errors are logged as one JSON line (never the body).
 * Call after every route is mounted.
 */
export function finishHttpApp(app: Express, logger: Logger): void {
  const log = logger.child({ component: 'http' });
  const notFound: RequestHandler = (req, res) => {
    res.status(404).json({ error: 'not_found', message: `There is nothing at ${req.method} ${req.path}.` });
  };
  const onError: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    void _next;
    const status = statusOf(error);
    const type = (error as { type?: unknown } | null)?.type;
    const known = typeof type === 'string' ? CLIENT_ERRORS[type] : undefined;
    const requestId = randomUUID();
    const where = { requestId, method: req.method, path: req.path, status };
    // Not the error's message: a JSON parse error quotes the body, and bodies are never logged.
    if (status < 500)
      log.warn('http request refused', { ...where, error: known?.error ?? 'bad_request', ...(typeof type === 'string' ? { type } : {}) });
    else log.error('http request failed', { ...where, error });
    if (res.headersSent) {
      res.end();
      return;
    }
    const body =
      status < 500
        ? (known ?? { error: 'bad_request', message: 'The request could not be read.' })
        : { error: 'internal', message: `Something failed on our side; reference ${requestId}.` };
    res.status(status).json(body);
  };
  app.use(notFound);
  app.use(onError);
}
