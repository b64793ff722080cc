import type { InboundDedupe } from '../core/inbound-dedupe.ts';
import type { Logger } from '../logger.ts';

/** Slack retries for minutes and Teams for seconds; a week of keys is plenty. */
export const DEDUPE_RETENTION_DAYS = 7;

/** Daily: forget inbound dedupe keys nobody can repeat any more. Idempotent, so no claim needed. */
export async function pruneDedupeKeys(dedupe: InboundDedupe, logger: Logger): Promise<number> {
  const removed = await dedupe.prune(DEDUPE_RETENTION_DAYS);
  logger.info('pruned inbound dedupe keys', { removed, retentionDays: DEDUPE_RETENTION_DAYS });
  return removed;
}
