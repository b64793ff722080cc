import type { OutboxSender } from '../chat/outbox-sender.ts';
import type { DigestService } from '../core/digest/digest-service.ts';
import { subjectOf } from '../core/outbox/outbox.ts';
import type { SettingsService } from '../core/settings/settings-service.ts';
import { localWeekdayHour } from '../core/settings/workspace-settings.ts';
import { yieldToEventLoop } from '../core/yield-to-event-loop.ts';
import { objectiveKey } from '../features/objectives/domain.ts';
import { READING_SUBJECT, type ObjectiveService } from '../features/objectives/service.ts';
import type { Logger } from '../logger.ts';

export const OBJECTIVES_JOB = 'objective-readings';

export interface ObjectiveRunReport {
  workspace: string;
  recorded: string[];
  offTarget: string[];
}

/**
 * Daily, at each workspace's nudge hour: a reading of every objective the bot computes from its own
 * records (training completion, S1 acknowledgement time, overdue corrective actions). One reading per
 * objective and day (the service binds it to the day); off target, the owner's message goes out.
 */
export async function runObjectiveReadings(
  deps: { objectives: ObjectiveService; digests: DigestService; settings: SettingsService; outbox: OutboxSender; logger: Logger },
  at: Date,
  onlyWhereDue = false,
): Promise<ObjectiveRunReport[]> {
  const reports: ObjectiveRunReport[] = [];
  for (const workspace of await deps.digests.workspaces()) {
    await yieldToEventLoop();
    if (onlyWhereDue) {
      const settings = await deps.settings.get(workspace.id);
      if (localWeekdayHour(at, settings.timeZone ?? 'UTC').hour !== settings.nudgeHour) continue;
    }
    const recorded = await deps.objectives.computeReadings(workspace.id, at);
    for (const { reading } of recorded.filter(({ reading }) => !reading.onTarget))
      await deps.outbox.sendFor(subjectOf(READING_SUBJECT, reading.id));
    const report = {
      workspace: workspace.name ?? workspace.externalId,
      recorded: recorded.map(({ objective }) => objectiveKey(objective)),
      offTarget: recorded.filter(({ reading }) => !reading.onTarget).map(({ objective }) => objectiveKey(objective)),
    };
    deps.logger.info('objective readings computed', { ...report });
    reports.push(report);
  }
  return reports;
}
