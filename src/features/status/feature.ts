import type { Feature } from '../../chat/feature.ts';
import { statusPage } from '../../chat/status-page.ts';
import { message } from '../../chat/views/view.ts';

/** `/aims status`: the read-only summary (ISO/IEC 42001 9.1, monitoring and evaluation). */
export const statusFeature: Feature = {
  name: 'status',
  commands: [
    {
      word: 'status',
      usage: 'status',
      group: 'lookup',
      button: { label: 'Show status', command: 'status' },
      changesNothing: true,
      summary: 'Where the AIMS stands: the verdict and what needs attention first, then inventory, roles, evidence, audit trail.',
      handle: async ({ services, contact, actor, timeZone, request, guide }) =>
        message(
          await statusPage(
            services,
            {
              workspaceId: contact.workspace.id,
              platform: request.contact.platform,
              timeZone,
              personId: actor.personId,
            },
            guide,
          ),
        ),
    },
  ],
  evidence: {
    kinds: ['status'],
    // The summary is built on demand from the records, so it is a record of monitoring for each AI
    // system it covers: one per system in development or production.
    present: async (repos, workspaceId) => ((await repos.aiSystems.hasActive(workspaceId)) ? ['status'] : []),
    count: async (repos, workspaceId) => {
      const { byStage } = await repos.aiSystems.counts(workspaceId);
      return { status: byStage.development + byStage.production };
    },
  },
};
