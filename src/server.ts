import express, { type Express } from 'express';

export interface Health {
  databaseReachable(): boolean;
  platforms: { slack: 'http' | 'socket' | 'off'; teams: 'authenticated' | 'local' | 'off' };
}

/** The one HTTP app: /healthz here; Slack and Teams mount their own routes on it. */
export function createHttpApp(health: Health): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    const reachable = health.databaseReachable();
    res.status(reachable ? 200 : 503).json({
      status: reachable ? 'ok' : 'unavailable',
      database: { reachable },
      platforms: health.platforms,
    });
  });
  return app;
}
