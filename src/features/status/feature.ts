import type { Feature } from '../../chat/feature.ts';
import { statusView } from '../../chat/views/status-view.ts';
import { message } from '../../chat/views/view.ts';

/** `/aims status`: the read-only summary (ISO/IEC 42001 9.1, monitoring and evaluation). */
export const statusFeature: Feature = {
  name: 'status',
  commands: [
    {
      word: 'status',
      usage: 'status',
      summary: 'Where the AIMS stands: inventory, people and roles, setup, evidence, audit trail.',
      handle: ({ services, contact, actor, timeZone }) =>
        message(statusView(services.status.summarize(contact.workspace.id, actor.personId), timeZone)),
    },
  ],
  evidence: {
    kinds: ['status'],
    // The summary is built on demand from the records, so it is a record of monitoring for each AI
    // system it covers: one per system in development or production.
    count: (repos, workspaceId) => {
      const { byStage } = repos.aiSystems.counts(workspaceId);
      return { status: byStage.development + byStage.production };
    },
  },
};
