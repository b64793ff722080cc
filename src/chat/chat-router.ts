import { actorOf } from '../core/actor.ts';
import { KeptMap } from '../core/kept-map.ts';
import type { Contact } from '../core/directory-service.ts';
import { AimsError, isAimsError } from '../core/errors.ts';
import { idempotencyConflict, RepeatDelivery, requestHashOf } from '../core/inbound-dedupe.ts';
import type { ChatRequest, RequestOrigin } from './chat-request.ts';
import type { ChatServices } from './chat-services.ts';
import type { Messengers } from './channel-messenger.ts';
import { closestMatch } from './closest-match.ts';
import { commandPrefix } from './command-prefix.ts';
import { defaultFieldOf } from './field-of.ts';
import {
  indexFeatures,
  outboxSubjectsOf,
  type CommandSpec,
  type Feature,
  type FeatureContext,
  type FormSpec,
  type ActionSpec,
  type Identified,
  ROUTER_ACTIONS,
  firstRunOf,
  type FirstRunSpec,
} from './feature.ts';
import { CardPublisher } from './card-publisher.ts';
import { OutboxSender } from './outbox-sender.ts';
import { asksForStatus, parseCommand, stripBotName } from './parse-command.ts';
import { domainErrorView, failureView } from './views/error-view.ts';
import type { FormOption, FormSubmission, FormView } from './views/form.ts';
import { fullHelpView, helpView, type HelpLine } from './views/help-view.ts';
import { homeView } from './views/home-view.ts';
import { RecentDeliveries } from './recent-deliveries.ts';
import { statusPage } from './status-page.ts';
import { message, type ChatResponse, type FormResult, type MessageView } from './views/view.ts';

export type { Identified };

const HELP: HelpLine = {
  word: 'help',
  usage: 'help [more]',
  summary: 'This list; “help more” gives every option of every command.',
  group: 'lookup',
};
/** Workspaces whose time zone is kept. */
const ZONES = 1_000;
/** The command that answers free text asking how things stand ("what's our status?"). */
const STATUS_WORD = 'status';

/** Turns neutral requests, form submissions and button clicks into neutral responses, by the features' declarations. */
export class ChatRouter {
  private readonly cards: CardPublisher;
  private readonly outbox: OutboxSender;
  private readonly commands: Map<string, CommandSpec>;
  private readonly forms: Map<string, FormSpec>;
  private readonly actions: Map<string, ActionSpec>;
  private readonly help: HelpLine[];
  private readonly guide: FirstRunSpec | undefined;
  private readonly recent = new RecentDeliveries();
  private readonly helpViews = new Map<string, MessageView>();
  /** Each workspace's time zone, with the audit sequence it was read at (a settings change moves it). */
  private readonly zones = new KeptMap<number, { sequence: number | null; timeZone: string }>(ZONES);

  constructor(
    private readonly services: ChatServices,
    features: readonly Feature[],
    messengers: Messengers = {},
    /** Sends what changes queued (the app passes the one it started; otherwise one sending right after each change). */
    outbox?: OutboxSender,
  ) {
    this.cards = new CardPublisher(messengers, services.logger);
    this.outbox = outbox ?? new OutboxSender(services, messengers, { logger: services.logger, subjects: outboxSubjectsOf(features) });
    ({ commands: this.commands, forms: this.forms, actions: this.actions } = indexFeatures(features));
    // A command with aliases is one line of the help.
    this.help = [...new Set(this.commands.values()), HELP];
    this.guide = firstRunOf(features);
  }

  private async identify(origin: RequestOrigin): Promise<Identified> {
    return await this.identified(await this.services.directory.recognise(origin.contact));
  }

  private async identified({ contact, sequence }: { contact: Contact; sequence?: number | null }): Promise<Identified> {
    return { contact, actor: actorOf(contact), timeZone: await this.timeZoneOf(contact.workspace.id, sequence) };
  }

  /** The workspace's time zone: from memory while its audit sequence stands (every settings change is audited). */
  private async timeZoneOf(workspaceId: number, sequence: number | null | undefined): Promise<string> {
    const kept = this.zones.get(workspaceId);
    if (sequence !== undefined && kept?.sequence === sequence) return kept.timeZone;
    const timeZone = await this.services.settings.timeZoneOf(workspaceId);
    if (sequence !== undefined) this.zones.keep(workspaceId, { sequence, timeZone });
    return timeZone;
  }

  private async context(origin: RequestOrigin): Promise<FeatureContext> {
    const platform = origin.contact.platform;
    return {
      ...(await this.identify(origin)),
      origin,
      platform,
      prefix: commandPrefix(platform),
      services: this.services,
      outbox: this.outbox,
      cards: this.cards,
    };
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
    return await this.guard(
      request,
      async () => {
        const key = request.dedupeKey;
        if (!key) return await this.route(request, await this.identify(request));
        // The key is bound to who said what: a repeat with other content is refused, not answered as the first.
        const content = { user: request.contact.userExternalId, source: request.source, text: request.text };
        // Read first: a request that changes nothing (status, help, a list, a form opening) writes no key;
        // one that changes something claims it in its first write unit, with the change.
        const recent = this.recent.take(key, requestHashOf(content));
        if (recent === 'conflict') throw idempotencyConflict('an earlier message');
        if (recent === 'repeat') return this.repeat(request, key);
        // A command that never changes anything (help, status) is not looked up in the store: only a delivery
        // that wrote leaves its key there, and answering a repeat of a read again is the same answer.
        // Otherwise one read unit for the key and (for someone known, in a workspace unchanged since) who is asking.
        const { seen, known } = this.changesNothing(request)
          ? await this.services.directory.recognised(request.contact).then(async (recognised) => ({
              seen: false,
              known: recognised ? await this.identified(recognised) : undefined,
            }))
          : await this.services.directory
              .together(async () => {
                const seen = await this.services.dedupe.seen(key, content);
                const recognised = seen ? undefined : await this.services.directory.recognised(request.contact);
                return { seen, known: recognised ? await this.identified(recognised) : undefined };
              })
              .catch((error: unknown) => {
                // Bound in the store to other content: what this delivery carried is not the key's.
                if (recent === 'new') this.recent.release(key);
                throw error;
              });
        if (seen) return this.repeat(request, key);
        try {
          return await this.services.dedupe.once(
            { key, content, platform: request.contact.platform, workspaceExternalId: request.contact.workspaceExternalId },
            async () => await this.route(request, known ?? (await this.identify(request))),
          );
        } catch (error) {
          if (error instanceof RepeatDelivery) return this.repeat(request, key);
          // A refusal was an answer; anything else failed, so the platform's retry must run it again.
          if (!isAimsError(error)) this.recent.release(key);
          throw error;
        }
      },
      (view) => message(view),
    );
  }

  /** The help as built once per platform: it depends on nothing else, so its rendering is kept too (slack-app, teams bot). */
  private keptHelp(key: string, build: () => MessageView): MessageView {
    let view = this.helpViews.get(key);
    if (!view) this.helpViews.set(key, (view = build()));
    return view;
  }

  /** Whether what was typed runs only reads: the help, a near miss, or a command that declares it changes nothing. */
  private changesNothing(request: ChatRequest): boolean {
    const text = request.source === 'message' ? stripBotName(request.text) : request.text;
    const { name, args } = parseCommand(text);
    if (name === null || name === HELP.word) return true;
    const command = this.commands.get(name);
    if (command) return command.changesNothing === true && args.length === 0;
    if (request.source === 'message' && asksForStatus(text)) return this.commands.get(STATUS_WORD)?.changesNothing === true;
    return true;
  }

  private repeat(request: ChatRequest, dedupeKey: string): ChatResponse {
    this.services.logger.info('repeat delivery ignored', { requestId: request.requestId, dedupeKey });
    return { kind: 'none' };
  }

  private async route(request: ChatRequest, who: Identified): Promise<ChatResponse> {
    const platform = request.contact.platform;
    const text = request.source === 'message' ? stripBotName(request.text) : request.text;
    const { name, args } = parseCommand(text);
    if (name === HELP.word && args[0]?.toLowerCase() === 'more')
      return message(this.keptHelp(`${platform}:more`, () => fullHelpView(platform, this.help)));
    if (name === null || name === HELP.word) return message(this.keptHelp(platform, () => helpView(platform, this.help)));
    const run = async (command: CommandSpec, words = args) =>
      await command.handle({
        request,
        ...who,
        args: words,
        services: this.services,
        prefix: commandPrefix(platform),
        cards: this.cards,
        ...(this.guide ? { guide: this.guide } : {}),
      });
    const command = this.commands.get(name);
    if (command) return await run(command);
    const suggestion = closestMatch(name, [...this.commands.keys(), HELP.word]);
    // Free text that asks how things stand gets the status; a near-miss gets "did you mean".
    if (request.source === 'message') {
      const status = this.commands.get(STATUS_WORD);
      if (status && asksForStatus(text)) return await run(status, []);
      return message(suggestion ? helpView(platform, this.help, { unknown: name, suggestion }) : helpView(platform, this.help));
    }
    return message(helpView(platform, this.help, { unknown: name, suggestion }));
  }

  private form(type: string): FormSpec {
    const form = this.forms.get(type);
    if (!form) throw new AimsError('invalid_input', 'That form is from an older version of the bot. Open it again.');
    return form;
  }

  /** Opens a form by its id with its context (e.g. Slack's "Report AI incident" shortcut with the message as its description). */
  async open(origin: RequestOrigin, type: string, context: Record<string, string>): Promise<ChatResponse> {
    return await this.guard(
      origin,
      async () => {
        const form = await this.form(type).open(await this.context(origin), context);
        if (!form) throw new AimsError('invalid_input', 'That form cannot be opened now.');
        return { kind: 'form', form } as const;
      },
      (view) => message(view),
    );
  }

  /** Validates and applies a submitted form: errors go back to their fields. */
  async submit(origin: RequestOrigin, submission: FormSubmission, card?: { channelId: string; messageId: string }): Promise<FormResult> {
    return await this.guard(
      origin,
      async () => {
        await this.refuseOtherWorkspacesCard(origin, card);
        const form = this.form(submission.type);
        try {
          return await form.submit(await this.context(origin), submission);
        } catch (error) {
          if (!isAimsError(error) || !error.details.fieldErrors) throw error;
          const fieldOf = form.fieldOf ?? defaultFieldOf;
          return {
            kind: 'errors',
            errors: Object.fromEntries(Object.entries(error.details.fieldErrors).map(([field, text]) => [fieldOf(field), text])),
          } as const;
        }
      },
      (view) => ({ kind: 'done', view }) as const,
    );
  }

  /** A click or form on a card the bot posted for a record acts on that record, in its workspace, or not at all. */
  private async refuseOtherWorkspacesCard(
    origin: RequestOrigin,
    card: { channelId: string; messageId: string } | undefined,
  ): Promise<undefined> {
    const owner = card ? await this.services.directory.ownerOfPost(origin.contact.platform, card.channelId, card.messageId) : undefined;
    if (owner && owner.externalId !== origin.contact.workspaceExternalId) {
      throw new AimsError(
        'forbidden',
        'This card belongs to another workspace, so nothing was changed. Use it from the workspace it was posted in.',
      );
    }
    return undefined;
  }

  /** Whether the bot keeps this message as a copy of a record's card, which the outbox refreshes when the record changes. */
  async tracksPost(origin: RequestOrigin, card: { channelId: string; messageId: string }): Promise<boolean> {
    return (await this.services.directory.ownerOfPost(origin.contact.platform, card.channelId, card.messageId)) !== undefined;
  }

  /** A button click, re-checked on the server whatever the button looked like. */
  async act(
    origin: RequestOrigin,
    action: string,
    args: Record<string, string>,
    card?: { channelId: string; messageId: string },
  ): Promise<ChatResponse> {
    return await this.guard(
      origin,
      async () => {
        await this.refuseOtherWorkspacesCard(origin, card);
        if (action === ROUTER_ACTIONS.openForm) {
          const { form: type = '', ...context } = args;
          const form = await this.form(type).open(await this.context(origin), context);
          if (!form) throw new AimsError('invalid_input', 'That form cannot be opened now.');
          return { kind: 'form', form } as const;
        }
        // A help or checklist button runs its command as if it was typed: the same checks, the same answer.
        if (action === ROUTER_ACTIONS.runCommand)
          return await this.route({ ...origin, source: 'command', text: args.text ?? '' }, await this.identify(origin));
        const spec = this.actions.get(action);
        if (!spec) throw new AimsError('invalid_input', 'That button is from an older version of the bot. Run the command again.');
        return await spec.handle(await this.context(origin), args);
      },
      // A click that failed changed nothing: what it says is for the clicker alone.
      (view) => ({ kind: 'message', view, refused: true }),
    );
  }

  /** Runs a feature's use case as the person behind `origin` (the pipeline API); domain errors are thrown to the caller. */
  async within<T>(origin: RequestOrigin, work: (ctx: FeatureContext) => T | Promise<T>): Promise<T> {
    return await work(await this.context(origin));
  }

  /** The form of a given type again (to show it with its errors on platforms that redraw it). */
  async formFor(origin: RequestOrigin, type: string, context: Record<string, string>): Promise<FormView | undefined> {
    return await this.guard(
      origin,
      async () => await this.forms.get(type)?.open(await this.context(origin), context),
      () => undefined,
    );
  }

  /** Someone the bot was installed for: known from now on, with where to reach them (their Teams personal chat). */
  async meet(origin: RequestOrigin): Promise<void> {
    await this.guard(
      origin,
      () => void this.identify(origin),
      () => undefined,
    );
  }

  /** Options of a searched picker matching `query`: AI systems not retired, or people by name. */
  async suggest(origin: RequestOrigin, kind: string, query: string): Promise<FormOption[]> {
    return await this.guard(
      origin,
      async () => {
        const { actor } = await this.identify(origin);
        if (kind === 'aiSystem') {
          return (await this.services.systems.search(actor.workspaceId, query, 100)).map((system) => ({
            value: String(system.id),
            label: system.name,
          }));
        }
        if (kind === 'person' || kind === 'people') {
          return (await this.services.directory.searchPeople(actor.workspaceId, query, 100)).map((person) => ({
            value: person.externalId,
            label: person.displayName ?? person.externalId,
          }));
        }
        return [];
      },
      () => [],
    );
  }

  /**
   * The page a person sees when they open the bot's home (Slack App Home): the status, then what one can
   * ask. Their first visit leads with the greeting and the "Get started" checklist, once.
   */
  async home(origin: RequestOrigin): Promise<MessageView> {
    return await this.guard(
      origin,
      async () => {
        const { contact, actor, timeZone } = await this.identify(origin);
        const platform = origin.contact.platform;
        const status = await statusPage(
          this.services,
          { workspaceId: contact.workspace.id, platform, timeZone, personId: actor.personId },
          this.guide,
        );
        const help = helpView(platform, this.help);
        const guide = this.guide;
        if (
          !guide ||
          !(await this.services.onboarding.greetOnce(contact.workspace.id, `${platform}-home:${origin.contact.userExternalId}`))
        )
          return homeView(status, help);
        const greeting = await guide.view(this.services, contact.workspace.id, platform, guide.greeting);
        return homeView(status, help, {
          view: greeting,
          replacesStatus: (await guide.statusLead(this.services, contact.workspace.id, platform)).empty,
        });
      },
      (view) => view,
    );
  }

  /**
   * The greeting where the bot was just installed (a team, a group or a personal chat): the "Get started"
   * checklist, the first time only (`subject` names the place); undefined when it was greeted before.
   */
  async greet(origin: RequestOrigin, subject: string): Promise<MessageView | undefined> {
    return await this.guard(
      origin,
      async () => {
        const { contact } = await this.identify(origin);
        const guide = this.guide;
        if (!guide || !(await this.services.onboarding.greetOnce(contact.workspace.id, subject))) return undefined;
        return await guide.view(this.services, contact.workspace.id, origin.contact.platform, guide.greeting);
      },
      () => undefined,
    );
  }
}
