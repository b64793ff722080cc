import { actorOf, type Actor } from '../core/actor.ts';
import type { Contact } from '../core/directory-service.ts';
import { AimsError, isAimsError } from '../core/errors.ts';
import type { ChatRequest, RequestOrigin } from './chat-request.ts';
import type { ChatServices } from './chat-services.ts';
import { closestMatch } from './closest-match.ts';
import { COMMAND_NAMES, commandPrefix } from './command-catalog.ts';
import type { CommandContext } from './commands/command-context.ts';
import { roleCommand } from './commands/role-commands.ts';
import { setupCommand } from './commands/setup-commands.ts';
import { systemCard, systemCommand, systemEditForm } from './commands/system-commands.ts';
import { submitForm } from './form-submissions.ts';
import { asksForStatus, parseCommand, stripBotName } from './parse-command.ts';
import { domainErrorView, failureView } from './views/error-view.ts';
import { setupForm } from './forms/setup-form.ts';
import { systemForm } from './forms/system-form.ts';
import type { FormOption, FormSubmission, FormView } from './views/form.ts';
import { helpView } from './views/help-view.ts';
import { homeView } from './views/home-view.ts';
import { statusView } from './views/status-view.ts';
import { message, type ChatResponse, type FormResult, type MessageView } from './views/view.ts';

const COMMANDS: Record<string, (ctx: CommandContext) => ChatResponse> = {
  system: systemCommand,
  role: roleCommand,
  setup: setupCommand,
};

/** Turns neutral requests, form submissions and button clicks into neutral responses. */
export class ChatRouter {
  constructor(private readonly services: ChatServices) {}

  private identify(origin: RequestOrigin): { contact: Contact; actor: Actor; timeZone: string } {
    const contact = this.services.directory.contact(origin.contact);
    return { contact, actor: actorOf(contact), timeZone: this.services.settings.timeZoneOf(contact.workspace.id) };
  }

  /** Runs `work`, turning domain errors into their message and anything else into a logged failure. */
  private guard<T>(origin: RequestOrigin, work: () => T, onError: (view: MessageView) => T): T {
    try {
      return work();
    } catch (error) {
      if (isAimsError(error)) return onError(domainErrorView(error));
      this.services.logger.error('request failed', { requestId: origin.requestId, platform: origin.contact.platform, error });
      return onError(failureView(origin.requestId));
    }
  }

  /** Answers what someone typed; `none` when it is a repeat delivery that was already answered. */
  async handle(request: ChatRequest): Promise<ChatResponse> {
    return this.guard(
      request,
      () => {
        const { contact, actor, timeZone } = this.identify(request);
        if (request.dedupeKey && !this.services.dedupe.firstTime(request.dedupeKey, contact.workspace.id)) {
          this.services.logger.info('repeat delivery ignored', { requestId: request.requestId, dedupeKey: request.dedupeKey });
          return { kind: 'none' } as const;
        }
        return this.route(request, contact, actor, timeZone);
      },
      (view) => message(view),
    );
  }

  private route(request: ChatRequest, contact: Contact, actor: Actor, timeZone: string): ChatResponse {
    const platform = request.contact.platform;
    const text = request.source === 'message' ? stripBotName(request.text) : request.text;
    const { name, args } = parseCommand(text);
    const status = () => message(statusView(this.services.status.summarize(contact.workspace.id), timeZone));
    if (name === null || name === 'help') return message(helpView(platform));
    if (name === 'status') return status();
    const command = COMMANDS[name];
    if (command) return command({ request, contact, actor, args, services: this.services, timeZone, prefix: commandPrefix(platform) });
    const suggestion = closestMatch(name, COMMAND_NAMES);
    // Free text that asks how things stand gets the status; a near-miss gets "did you mean".
    if (request.source === 'message') {
      if (asksForStatus(text)) return status();
      return message(suggestion ? helpView(platform, { unknown: name, suggestion }) : helpView(platform));
    }
    return message(helpView(platform, { unknown: name, suggestion }));
  }

  /** Validates and applies a submitted form: errors go back to their fields. */
  submit(origin: RequestOrigin, submission: FormSubmission): FormResult {
    return this.guard(
      origin,
      () => {
        const { contact, actor, timeZone } = this.identify(origin);
        return submitForm({ services: this.services, contact, actor, timeZone }, submission);
      },
      (view) => ({ kind: 'done', view }) as const,
    );
  }

  /** A button click, re-checked on the server whatever the button looked like. */
  act(origin: RequestOrigin, action: string, args: Record<string, string>): ChatResponse {
    return this.guard(
      origin,
      () => {
        const { actor, timeZone } = this.identify(origin);
        const systemId = Number(args.systemId);
        switch (action) {
          case 'system.edit':
            return systemEditForm(this.services, actor, this.services.systems.getById(actor.workspaceId, systemId));
          case 'system.retire': {
            const { system, changed } = this.services.systems.retire(actor, systemId);
            return message(systemCard(this.services, actor, system, timeZone, changed ? `${system.name} is retired. Its record and history stay.` : `${system.name} was already retired.`));
          }
          case 'system.show':
            return message(systemCard(this.services, actor, this.services.systems.getById(actor.workspaceId, systemId), timeZone));
          default:
            throw new AimsError('invalid_input', 'That button is from an older version of the bot. Run the command again.');
        }
      },
      (view) => message(view),
    );
  }

  /** The form of a given type again (to show it with its errors on platforms that redraw it). */
  formFor(origin: RequestOrigin, type: string, context: Record<string, string>): FormView | undefined {
    return this.guard(
      origin,
      () => {
        const { contact, actor } = this.identify(origin);
        const people = this.services.directory.people(actor.workspaceId);
        switch (type) {
          case 'system.add':
            return systemForm({ mode: 'add', people });
          case 'system.edit': {
            const response = systemEditForm(this.services, actor, this.services.systems.getById(actor.workspaceId, Number(context.systemId)));
            return response.kind === 'form' ? response.form : undefined;
          }
          case 'setup':
            return setupForm(this.services.settings.get(actor.workspaceId), contact.workspace.platform);
          default:
            return undefined;
        }
      },
      () => undefined,
    );
  }

  /** Options of a searched picker matching `query`: AI systems not retired, or people by name. */
  suggest(origin: RequestOrigin, kind: string, query: string): FormOption[] {
    return this.guard(
      origin,
      () => {
        const { actor } = this.identify(origin);
        if (kind === 'aiSystem') {
          return this.services.systems.search(actor.workspaceId, query, 100).map((system) => ({ value: String(system.id), label: system.name }));
        }
        if (kind === 'person') {
          return this.services.directory.searchPeople(actor.workspaceId, query, 100).map((person) => ({ value: person.externalId, label: person.displayName ?? person.externalId }));
        }
        return [];
      },
      () => [],
    );
  }

  /** The status page a person sees when they open the bot's home (Slack App Home). */
  home(origin: RequestOrigin): MessageView {
    return this.guard(
      origin,
      () => {
        const { contact, timeZone } = this.identify(origin);
        return homeView(statusView(this.services.status.summarize(contact.workspace.id), timeZone), helpView(origin.contact.platform));
      },
      (view) => view,
    );
  }
}
