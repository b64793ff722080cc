import type { ChatServices } from '../../chat/chat-services.ts';
import { trendSourcesOf, type Feature } from '../../chat/feature.ts';
import { TrendService } from '../../core/charts/trend-service.ts';
import { fixedClock } from '../../core/clock.ts';
import type { AreaServiceDeps } from '../area.ts';
import { exportCommand } from './commands.ts';
import { EvidencePackService, failureForPerson, PACK_SUBJECT } from './service.ts';
import { packFailedNote } from './views.ts';

/** The signed evidence pack for auditors (`aims export`, `aims audit verify --pack`, `/aims export`): reads every area's export and evidence. */
export const evidencePackFeature: Feature = {
  name: 'evidence-pack',
  commands: [
    {
      word: 'export',
      usage: 'export [from] [to]',
      group: 'admin',
      summary: 'The signed evidence pack for auditors (days YYYY-MM-DD; the last 90 days by default).',
      summaryOn: {
        slack: 'The signed evidence pack for auditors (days YYYY-MM-DD; the last 90 days by default), uploaded to your direct messages.',
        teams:
          'The signed evidence pack for auditors (days YYYY-MM-DD; the last 90 days by default): a one-time download link in our personal chat, valid 15 minutes.',
      },
      handle: exportCommand,
    },
  ],
  // A request given up tells its person through the outbox (the worker queues it with the failure).
  outbox: [
    {
      type: PACK_SUBJECT,
      label: (_repos, _workspaceId, id) => `evidence pack request #${id}`,
      notice: async (services, workspaceId, id) => {
        const failed = await services.evidencePack.failedRequest(workspaceId, id);
        return failed ? packFailedNote(failed, failureForPerson(failed)) : undefined;
      },
    },
  ],
};

export const evidencePackServices = ({ store, clock, features }: AreaServiceDeps): Pick<ChatServices, 'evidencePack'> => ({
  evidencePack: new EvidencePackService(store, clock, features ?? [], async (workspaceId, end) => {
    try {
      return (await new TrendService(store, fixedClock(end), 'UTC', trendSourcesOf(features ?? [])).chart(workspaceId, end)).png;
    } catch {
      // The pack is written without the chart when it cannot be drawn.
      return undefined;
    }
  }),
});

declare module '../../chat/chat-services.ts' {
  interface ChatServices {
    evidencePack: EvidencePackService;
  }
}
