import type { Feature } from '../../chat/feature.ts';
import { message } from '../../chat/views/view.ts';
import { checklistStatusLead, checklistView, GREETING } from './views.ts';
import { OnboardingService } from './service.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import type { AreaServiceDeps } from '../area.ts';

/** The first run: the "Get started" checklist (greetings on install and first home visit use it too). */
export const onboardingFeature: Feature = {
  name: 'onboarding',
  firstRun: {
    greeting: GREETING,
    view: async (services, workspaceId, platform, intro) =>
      checklistView(await services.onboarding.checklist(workspaceId), platform, intro),
    statusLead: async (services, workspaceId, platform) => checklistStatusLead(await services.onboarding.checklist(workspaceId), platform),
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
      handle: async ({ services, contact, request }) =>
        message(checklistView(await services.onboarding.checklist(contact.workspace.id), request.contact.platform)),
    },
  ],
};

/** The area's service, built over the kernel's store and clock (registered in src/features/index.ts). */
export const onboardingServices = ({ store, clock }: AreaServiceDeps): Pick<ChatServices, 'onboarding'> => ({
  onboarding: new OnboardingService(store, clock),
});

// The area adds its service to the ones the chat layer routes to; src/chat/chat-services.ts lists only the kernel's.
declare module '../../chat/chat-services.ts' {
  interface ChatServices {
    onboarding: OnboardingService;
  }
}
