import type { ActionSpec, Feature, FormSpec } from '../../chat/feature.ts';
import { personIdOf } from '../../chat/form-people.ts';
import { message } from '../../chat/views/view.ts';
import { systemCard, systemCommand, systemEditForm } from './commands.ts';
import { SYSTEM_ACTIONS, SYSTEM_FORMS, systemForm, systemInputFrom, type SystemActionId, type SystemFormId } from './forms.ts';
import { AiSystemService } from './service.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import type { AreaServiceDeps } from '../area.ts';
import { aiSystemReviewInputs } from './review-inputs.ts';
import { aiSystemExport } from './export.ts';

const forms: Array<FormSpec<SystemFormId>> = [
  {
    id: SYSTEM_FORMS.add,
    open: async ({ services, actor }) => systemForm({ mode: 'add', people: await services.directory.people(actor.workspaceId) }),
    submit: async (ctx, submission) => {
      const { services, actor, timeZone } = ctx;
      const { system, created } = await services.systems.add(
        actor,
        systemInputFrom(submission.values, await personIdOf(ctx, submission, submission.values.owner)),
        `form:${submission.instanceKey}`,
      );
      // A system newly in production is offered its drift and bias reviews.
      return {
        kind: 'done',
        view: await systemCard(
          services,
          actor,
          system,
          timeZone,
          created ? `Added ${system.name} to the AI system inventory.` : `${system.name} was already added.`,
          created,
        ),
      };
    },
  },
  {
    id: SYSTEM_FORMS.edit,
    open: async ({ services, actor }, context) => {
      const response = await systemEditForm(services, actor, await services.systems.getById(actor.workspaceId, Number(context.systemId)));
      return response.kind === 'form' ? response.form : undefined;
    },
    submit: async (ctx, submission) => {
      const { services, actor, timeZone } = ctx;
      const { system, changed } = await services.systems.edit(
        actor,
        Number(submission.context.systemId),
        systemInputFrom(submission.values, await personIdOf(ctx, submission, submission.values.owner)),
      );
      return {
        kind: 'done',
        view: await systemCard(services, actor, system, timeZone, changed.length > 0 ? `Saved ${system.name}.` : 'Nothing changed.'),
      };
    },
  },
];

const actions: Array<ActionSpec<SystemActionId>> = [
  {
    id: SYSTEM_ACTIONS.edit,
    handle: async ({ services, actor }, args) =>
      await systemEditForm(services, actor, await services.systems.getById(actor.workspaceId, Number(args.systemId))),
  },
  {
    id: SYSTEM_ACTIONS.retire,
    handle: async ({ services, actor, timeZone }, args) => {
      const { system, changed } = await services.systems.retire(actor, Number(args.systemId));
      return message(
        await systemCard(
          services,
          actor,
          system,
          timeZone,
          changed ? `${system.name} is retired. Its record and history stay.` : `${system.name} was already retired.`,
        ),
      );
    },
  },
  {
    id: SYSTEM_ACTIONS.show,
    handle: async ({ services, actor, timeZone }, args) =>
      message(await systemCard(services, actor, await services.systems.getById(actor.workspaceId, Number(args.systemId)), timeZone)),
  },
];

/** The AI system inventory (A.4.2, A.6.2.3, A.6.2.7, A.8.2, A.9.4, A.10.3). */
export const aiSystemsFeature: Feature = {
  name: 'ai-systems',
  reviewInputs: aiSystemReviewInputs,
  export: aiSystemExport,
  commands: [
    {
      word: 'system',
      usage: 'system add | list | <name> [criteria]',
      group: 'lookup',
      button: { label: 'Add an AI system', form: SYSTEM_FORMS.add },
      summary: 'The AI system inventory: register, list, show, edit, retire; acceptance criteria.',
      handle: systemCommand,
    },
  ],
  forms,
  actions,
  status: {
    section: async (repos, workspaceId) => {
      const inventory = await repos.aiSystems.counts(workspaceId);
      return {
        title: 'AI system inventory',
        fields: [
          { label: 'In production', value: String(inventory.byStage.production) },
          { label: 'In development', value: String(inventory.byStage.development) },
          { label: 'Retired', value: String(inventory.byStage.retired) },
          {
            label: 'Active by EU AI Act risk',
            value: `${inventory.byRisk.prohibited} prohibited, ${inventory.byRisk.high} high, ${inventory.byRisk.limited} limited, ${inventory.byRisk.minimal} minimal`,
          },
          { label: 'Active without an owner', value: String(inventory.withoutOwner) },
        ],
      };
    },
  },
  evidence: {
    kinds: ['ai-system'],
    present: async (repos, workspaceId) => ((await repos.aiSystems.exists(workspaceId)) ? ['ai-system'] : []),
    presentSince: async (repos, workspaceId, from) => ((await repos.aiSystems.exists(workspaceId, from)) ? ['ai-system'] : []),
    count: async (repos, workspaceId, period) => ({ 'ai-system': await repos.aiSystems.countCreated(workspaceId, period) }),
  },
};

/** The area's service, built over the kernel's store and clock (registered in src/features/index.ts). */
export const aiSystemServices = ({ store, clock }: AreaServiceDeps): Pick<ChatServices, 'systems'> => ({
  systems: new AiSystemService(store, clock),
});

// The area adds its service to the ones the chat layer routes to; src/chat/chat-services.ts lists only the kernel's.
declare module '../../chat/chat-services.ts' {
  interface ChatServices {
    systems: AiSystemService;
  }
}
