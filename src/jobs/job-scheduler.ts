import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.ts';

export interface JobDefinition {
  name: string;
  /** Five- or six-field cron expression, read in `timeZone`. */
  schedule: string;
  run: () => unknown | Promise<unknown>;
}

/** Starts node-cron tasks that never overlap themselves and never crash the process. */
export function startJobs(jobs: JobDefinition[], timeZone: string, logger: Logger): { stop(): Promise<void> } {
  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(
      job.schedule,
      async () => {
        try {
          await job.run();
        } catch (error) {
          logger.error('scheduled job failed', { job: job.name, error });
        }
      },
      { name: job.name, timezone: timeZone, noOverlap: true },
    ),
  );
  logger.info('jobs scheduled', { jobs: jobs.map((job) => `${job.name} (${job.schedule})`), timeZone });
  return {
    async stop() {
      for (const task of tasks) await task.destroy();
    },
  };
}
