import type { Feature } from '../../chat/feature.ts';
import { message } from '../../chat/views/view.ts';
import { checklistStatusLead, checklistView, GREETING } from './views.ts';

/** The first run: the "Get started" checklist (greetings on install and first home visit use it too). */
export const onboardingFeature: Feature = {
  name: 'onboarding',
  firstRun: {
    greeting: GREETING,
    view: (services, workspaceId, platform, intro) => checklistView(services.onboarding.checklist(workspaceId), platform, intro),
    statusLead: (services, workspaceId, platform) => checklistStatusLead(services.onboarding.checklist(workspaceId), platform),
  },
  commands: [
    {
      word: 'start',
      // "get started" reads as the same command.
      aliases: ['get'],
      usage: 'start',
      summary: 'Get started: what is set up, what is next, a button for each step.',
      group: 'lookup',
      button: { label: 'Get started', command: 'start' },
      handle: ({ services, contact, request }) =>
        message(checklistView(services.onboarding.checklist(contact.workspace.id), request.contact.platform)),
    },
  ],
};
