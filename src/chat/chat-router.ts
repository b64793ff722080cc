import { actorOf, type Actor } from '../core/actor.ts';
import type { Contact } from '../core/directory-service.ts';
import { AimsError, isAimsError } from '../core/errors.ts';
import type { ChatRequest, RequestOrigin } from './chat-request.ts';
import type { ChatServices } from './chat-services.ts';
import type { Messengers } from './channel-messenger.ts';
import { closestMatch } from './closest-match.ts';
import { COMMAND_NAMES, commandPrefix } from './command-catalog.ts';
import { incidentAction, INCIDENT_ACTIONS } from './commands/incident-actions.ts';
import type { CommandContext } from './commands/command-context.ts';
import { actionCommand, incidentCommand, openIncidentForm } from './commands/incident-commands.ts';
import { roleCommand } from './commands/role-commands.ts';
import { setupCommand } from './commands/setup-commands.ts';
import { systemCard, systemCommand, systemEditForm } from './commands/system-commands.ts';
import { formFor, submitForm } from './form-submissions.ts';
import { CardPublisher } from './card-publisher.ts';
import { OutboxSender } from './outbox-sender.ts';
import { subjectOf } from '../core/outbox/outbox.ts';
import { releaseAction, RELEASE_ACTIONS } from './commands/release-actions.ts';
import { releaseCommand } from './commands/release-commands.ts';
import { trainingCommand } from './commands/training-commands.ts';
import { reviewCommand, reviewDoneFormFor, reviewList } from './commands/review-commands.ts';
import { asksForStatus, parseCommand, stripBotName } from './parse-command.ts';
import { domainErrorView, failureView } from './views/error-view.ts';
import type { FormOption, FormSubmission, FormView } from './views/form.ts';
import { helpView } from './views/help-view.ts';
import { homeView } from './views/home-view.ts';
import { snoozedView, snoozeForm } from './views/nudge-views.ts';
import { statusView } from './views/status-view.ts';
import { message, type ChatResponse, type FormResult, type MessageView } from './views/view.ts';

const COMMANDS: Record<string, (ctx: CommandContext) => ChatResponse> = {
  system: systemCommand,
  role: roleCommand,
  setup: setupCommand,
  incident: incidentCommand,
  action: actionCommand,
  release: releaseCommand,
  training: trainingCommand,
  review: reviewCommand,
};

/** Who is acting, resolved once per request. */
export interface Identified {
  contact: Contact;
  actor: Actor;
  timeZone: string;
}

/** Turns neutral requests, form submissions and button clicks into neutral responses. */
export class ChatRouter {
  private readonly cards: CardPublisher;
  private readonly outbox: OutboxSender;

  constructor(
    private readonly services: ChatServices,
    messengers: Messengers = {},
    /** Sends what changes queued (the app passes the one it started; otherwise one sending right after each change). */
    outbox?: OutboxSender,
  ) {
    this.cards = new CardPublisher(messengers, services.logger);
    this.outbox = outbox ?? new OutboxSender(services, messengers, { logger: services.logger });
  }

  private identify(origin: RequestOrigin): Identified {
    const contact = this.services.directory.contact(origin.contact);
    return { contact, actor: actorOf(contact), timeZone: this.services.settings.timeZoneOf(contact.workspace.id) };
  }

  /** Runs `work`, turning domain errors into their message and anything else into a logged failure. */
  private async guard<T>(origin: RequestOrigin, work: () => T | Promise<T>, onError: (view: MessageView) => T): Promise<T> {
    try {
      return await work();
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
        const who = this.identify(request);
        // The key is bound to who said what: a repeat with other content is refused, not answered as the first.
        if (request.dedupeKey && !this.services.dedupe.firstTime(request.dedupeKey, who.contact.workspace.id, { user: request.contact.userExternalId, source: request.source, text: request.text })) {
          this.services.logger.info('repeat delivery ignored', { requestId: request.requestId, dedupeKey: request.dedupeKey });
          return { kind: 'none' } as const;
        }
        try {
          return this.route(request, who);
        } catch (error) {
          // A refusal was an answer; anything else failed, so the platform's retry must run it again.
          if (request.dedupeKey && !isAimsError(error)) this.services.dedupe.forget(request.dedupeKey);
          throw error;
        }
      },
      (view) => message(view),
    );
  }

  private route(request: ChatRequest, { contact, actor, timeZone }: Identified): ChatResponse {
    const platform = request.contact.platform;
    const text = request.source === 'message' ? stripBotName(request.text) : request.text;
    const { name, args } = parseCommand(text);
    const status = () => message(statusView(this.services.status.summarize(contact.workspace.id, actor.personId), timeZone));
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

  /** The incident form with text already filled in (Slack's "Report AI incident" message shortcut). */
  async incidentFormFor(origin: RequestOrigin, prefill: { description: string }): Promise<ChatResponse> {
    return this.guard(
      origin,
      () => {
        const { actor, timeZone } = this.identify(origin);
        return openIncidentForm(this.services, actor, timeZone, prefill);
      },
      (view) => message(view),
    );
  }

  /** Validates and applies a submitted form: errors go back to their fields. */
  async submit(origin: RequestOrigin, submission: FormSubmission, card?: { channelId: string; messageId: string }): Promise<FormResult> {
    return this.guard(
      origin,
      () => this.refuseOtherWorkspacesCard(origin, card) ?? submitForm({ services: this.services, outbox: this.outbox, cards: this.cards, platform: origin.contact.platform, ...this.identify(origin) }, submission),
      (view) => ({ kind: 'done', view }) as const,
    );
  }

  /** A click or form on a card the bot posted for a record acts on that record, in its workspace, or not at all. */
  private refuseOtherWorkspacesCard(origin: RequestOrigin, card: { channelId: string; messageId: string } | undefined): undefined {
    const owner = card ? this.services.directory.ownerOfPost(origin.contact.platform, card.channelId, card.messageId) : undefined;
    if (owner && owner.externalId !== origin.contact.workspaceExternalId) {
      throw new AimsError('forbidden', 'This card belongs to another workspace, so nothing was changed. Use it from the workspace it was posted in.');
    }
    return undefined;
  }

  /** A button click, re-checked on the server whatever the button looked like. */
  async act(origin: RequestOrigin, action: string, args: Record<string, string>, card?: { channelId: string; messageId: string }): Promise<ChatResponse> {
    return this.guard(
      origin,
      async () => {
        this.refuseOtherWorkspacesCard(origin, card);
        const who = this.identify(origin);
        const { actor, timeZone } = who;
        if (INCIDENT_ACTIONS.has(action)) return incidentAction({ services: this.services, outbox: this.outbox, ...who }, action, args);
        if (RELEASE_ACTIONS.has(action)) return releaseAction({ services: this.services, outbox: this.outbox, ...who }, action, args);
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
          case 'system.addReviews': {
            const created = this.services.reviews.addSystemReviews(actor, systemId);
            const note = created.length > 0 ? `Scheduled ${created.length} review(s), every 90 days.` : 'Its drift and bias reviews were already scheduled.';
            return reviewList(this.services, actor, false, commandPrefix(origin.contact.platform), note);
          }
          case 'review.done':
            return { kind: 'form', form: reviewDoneFormFor(this.services, actor, Number(args.review)) };
          case 'nudge.snooze': {
            if (args.days !== '1') return { kind: 'form', form: snoozeForm(args.item ?? '') };
            const until = this.services.nudges.snooze(actor, args.item ?? '', 1);
            return message(snoozedView(until));
          }
          default:
            throw new AimsError('invalid_input', 'That button is from an older version of the bot. Run the command again.');
        }
      },
      (view) => message(view),
    );
  }

  /**
   * A sign-off request from a pipeline: validated like the form, posted to the approvals channel
   * like the form. Domain errors are thrown for the API to turn into HTTP answers.
   */
  async requestReleaseFromPipeline(origin: RequestOrigin, raw: Record<string, unknown>, idempotency?: { key: string; requestHash: string }): Promise<{ releaseId: number; created: boolean }> {
    const { actor } = this.identify(origin);
    this.services.settings.channelFor(actor.workspaceId, 'approvals');
    const { release, created } = this.services.releases.request(actor, raw, idempotency?.key, idempotency?.requestHash);
    // A repeat of the key (a pipeline re-run) sends what may still be waiting of the first one.
    await this.outbox.sendFor(subjectOf('release', release.id));
    return { releaseId: release.id, created };
  }

  /** The form of a given type again (to show it with its errors on platforms that redraw it). */
  async formFor(origin: RequestOrigin, type: string, context: Record<string, string>): Promise<FormView | undefined> {
    return this.guard(origin, () => formFor({ services: this.services, ...this.identify(origin) }, type, context), () => undefined);
  }

  /** Options of a searched picker matching `query`: AI systems not retired, or people by name. */
  async suggest(origin: RequestOrigin, kind: string, query: string): Promise<FormOption[]> {
    return this.guard(
      origin,
      () => {
        const { actor } = this.identify(origin);
        if (kind === 'aiSystem') {
          return this.services.systems.search(actor.workspaceId, query, 100).map((system) => ({ value: String(system.id), label: system.name }));
        }
        if (kind === 'person' || kind === 'people') {
          return this.services.directory.searchPeople(actor.workspaceId, query, 100).map((person) => ({ value: person.externalId, label: person.displayName ?? person.externalId }));
        }
        return [];
      },
      () => [],
    );
  }

  /** The status page a person sees when they open the bot's home (Slack App Home). */
  async home(origin: RequestOrigin): Promise<MessageView> {
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
