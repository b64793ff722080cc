import express, { type Express } from 'express';

export interface Health {
  databaseReachable(): boolean;
  platforms: { slack: 'http' | 'socket' | 'off'; teams: 'authenticated' | 'local' | 'off' };
  /** Socket Mode only: the state of the connection to Slack; anything but "connected" is a 503. */
  slackConnection?: () => 'connecting' | 'connected' | 'down';
}

/** The one HTTP app: /healthz here; Slack and Teams mount their own routes on it. */
export function createHttpApp(health: Health): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    const reachable = health.databaseReachable();
    const slack = health.slackConnection?.();
    const healthy = reachable && (slack === undefined || slack === 'connected');
    res.status(healthy ? 200 : 503).json({
      status: healthy ? 'ok' : reachable ? 'degraded' : 'unavailable',
      database: { reachable },
      platforms: health.platforms,
      ...(slack ? { slack } : {}),
    });
  });
  return app;
}
