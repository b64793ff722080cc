import { startAims } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { StoreOpenError } from './store/database.ts';
import { isPostgresUrl } from './store/open-store.ts';

/** Why the bot did not start, as one line: what to fix, never a stack for a known cause. */
function reasonOf(error: unknown): { msg: string; fields?: Record<string, unknown> } {
  if (error instanceof ConfigError)
    return { msg: `aims-bot did not start. Invalid configuration: ${error.problems.join('; ')}`, fields: { problems: error.problems } };
  if (error instanceof StoreOpenError) {
    const variable = isPostgresUrl(error.path) ? 'AIMS_DATABASE_URL' : 'AIMS_DB';
    return { msg: `aims-bot did not start. ${variable} (${error.path}) ${error.reason}.`, fields: { variable } };
  }
  return { msg: 'aims-bot did not start.', fields: { error } };
}

try {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, { service: 'aims-bot' });
  // Instead of Node's raw stack on stderr: one JSON line, then the exit Node would have made.
  process.on('uncaughtException', (error) => {
    logger.error('uncaught exception', { error });
    process.exit(1);
  });
  process.on('unhandledRejection', (error) => {
    logger.error('unhandled promise rejection', { error });
    process.exit(1);
  });
  const running = await startAims(config, { logger });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  // One JSON line like every other line on stderr (the logger's level may not be known yet).
  const { msg, fields } = reasonOf(error);
  createLogger('error', { service: 'aims-bot' }).error(msg, fields);
  process.exit(1);
}
