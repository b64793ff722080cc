import { randomUUID } from 'node:crypto';
import {
  CardFactory,
  MessageFactory,
  TeamsActivityHandler,
  TeamsInfo,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type TaskModuleRequest,
  type TaskModuleResponse,
} from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import type { Mention, RequestOrigin } from '../chat/chat-request.ts';
import type { ChatRouter } from '../chat/chat-router.ts';
import type { ButtonView, FormValues } from '../chat/views/form.ts';
import type { ChatResponse, FormResult, MessageView } from '../chat/views/view.ts';
import type { Logger } from '../logger.ts';
import {
  ACT_VERB,
  CONFIRM_VERB,
  FIND_VERB,
  isSharedConversation,
  renderCard,
  renderConfirmCard,
  SUBMIT_VERB,
  type AdaptiveCard,
  type CardOptions,
} from './render-card.ts';
import { cardResponse, closeWith, dialog, doneText, privateAnswer, saidBy, viewText } from './invoke-answers.ts';
import { ChannelNames } from './channel-names.ts';
import { findInputId, readCardValues, renderFormCard } from './render-form-card.ts';
import { fromTeamsMessage, originOf, personalInstallOf } from './teams-requests.ts';

interface AimsMeta {
  action?: string;
  args?: Record<string, string>;
  form?: string;
  context?: Record<string, string>;
  formId?: string;
  field?: string;
  confirm?: NonNullable<ButtonView['confirm']>;
  /** A list row's button on a shared card: the record is shown in a dialog, read-only. */
  show?: boolean;
  datetimes?: string[];
  timeZone?: string;
}

interface AimsCardData {
  aims?: AimsMeta;
  [input: string]: unknown;
}

type PostedCard = { channelId: string; messageId: string } | undefined;

/** Cards of views answered again as they were (a status page or the help kept in memory): rendered once each way. */
const renderedViews = new WeakMap<MessageView, { shared?: AdaptiveCard; own?: AdaptiveCard }>();
function renderedOnce(view: MessageView, options: CardOptions): AdaptiveCard {
  const kept = renderedViews.get(view) ?? {};
  const way = options.shared ? 'shared' : 'own';
  const card = kept[way] ?? renderCard(view, options);
  kept[way] = card;
  renderedViews.set(view, kept);
  return card;
}

function cardFor(response: ChatResponse, options: CardOptions = {}): AdaptiveCard | undefined {
  if (response.kind === 'message') return renderedOnce(response.view, options);
  if (response.kind === 'form') return renderFormCard(response.form, randomUUID());
  return undefined;
}

/** Form values from a card's inputs (everything but our own `aims` and Teams' `msteams` data). */
function valuesOf(data: AimsCardData): FormValues {
  const values: FormValues = {};
  for (const [key, value] of Object.entries(data)) {
    if (key !== 'aims' && key !== 'msteams')
      values[key] = value === undefined || value === null || value === '' ? undefined : String(value);
  }
  return values;
}

/**
 * Teams messages, @mentions and card actions go to the same chat router as Slack's. In a channel or
 * group chat a card is everyone's: buttons that ask for input open a dialog (task/fetch, task/submit),
 * other clicks answer with the record's true card, and refusals go to the clicker alone.
 */
export class AimsTeamsBot extends TeamsActivityHandler {
  private readonly channelNames: ChannelNames;

  constructor(
    private readonly router: ChatRouter,
    private readonly logger: Logger,
    private readonly options: { allowTenantless: boolean },
  ) {
    super();
    this.channelNames = new ChannelNames(logger);
    this.onMessage(async (context, next) => {
      await this.channelNames.fillIn(context);
      const text = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '';
      const response = await router.handle(
        fromTeamsMessage(context.activity, text, await this.mentionsOf(context), this.options.allowTenantless),
      );
      const card = cardFor(response, { shared: isSharedConversation(context.activity.conversation?.conversationType) });
      if (card) {
        const reply = MessageFactory.attachment(CardFactory.adaptiveCard(card));
        if (response.kind === 'message') reply.summary = response.view.summary;
        await context.sendActivity(reply);
      }
      await next();
    });
    this.handleInstalls();
    this.greetOnInstall();
  }

  /** Installs in a personal scope: the personal chat is stored then, so direct messages reach people who never wrote. */
  private handleInstalls(): void {
    this.onInstallationUpdate(async (context, next) => {
      await this.rememberInstall(context);
      await next();
    });
    this.onConversationUpdate(async (context, next) => {
      await this.rememberInstall(context);
      await next();
    });
  }

  /**
   * Records the personal-chat reference of the person the bot was just installed for; returns who
   * it was (undefined for other updates), for anything else that answers an install (a greeting).
   */
  async rememberInstall(context: TurnContext): Promise<RequestOrigin | undefined> {
    const origin = personalInstallOf(context.activity, this.options.allowTenantless);
    if (origin) await this.router.meet(origin);
    return origin;
  }

  /**
   * Installed in a team, a group chat or a personal chat (Teams sends conversationUpdate with the bot
   * among membersAdded, and installationUpdate "add"): greet there with the "Get started" checklist,
   * once per conversation whichever of the two arrives first.
   */
  private greetOnInstall(): void {
    const greet = async (context: TurnContext): Promise<void> => {
      const conversationId = context.activity.conversation?.id?.split(';')[0];
      if (!conversationId) return;
      const view = await this.router.greet(
        originOf(context.activity, this.options.allowTenantless),
        `teams-conversation:${conversationId}`,
      );
      if (!view) return;
      const reply = MessageFactory.attachment(CardFactory.adaptiveCard(renderCard(view)));
      reply.summary = view.summary;
      await context.sendActivity(reply);
    };
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if (botId && (context.activity.membersAdded ?? []).some((member) => member.id === botId)) await greet(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await greet(context);
      await next();
    });
  }

  /** The people @mentioned besides the bot, by AAD object id (asked of the connector). */
  private async mentionsOf(context: TurnContext): Promise<Mention[]> {
    const botId = context.activity.recipient?.id;
    const mentioned = (context.activity.entities ?? [])
      .filter((entity) => entity.type === 'mention')
      .map((entity) => (entity as { mentioned?: { id: string; name?: string } }).mentioned)
      .filter((who): who is { id: string; name?: string } => who !== undefined && who.id !== botId);
    return Promise.all(
      mentioned.map(async (who) => {
        try {
          const member = await TeamsInfo.getMember(context, who.id);
          return {
            externalId: member.aadObjectId ?? who.id,
            ...((member.name ?? who.name) ? { displayName: member.name ?? who.name } : {}),
          };
        } catch (error) {
          this.logger.warn('could not resolve a Teams mention', { error });
          return { externalId: who.id, ...(who.name ? { displayName: who.name } : {}) };
        }
      }),
    );
  }

  /** Who acts, and the card clicked (its conversation and activity id): a click acts on that card's record, in its tenant, or not at all. */
  private where(context: TurnContext): { origin: RequestOrigin; posted: PostedCard; shared: boolean } {
    const origin = originOf(context.activity, this.options.allowTenantless);
    const conversationId = context.activity.conversation?.id?.split(';')[0];
    const posted =
      conversationId && context.activity.replyToId ? { channelId: conversationId, messageId: context.activity.replyToId } : undefined;
    return { origin, posted, shared: isSharedConversation(context.activity.conversation?.conversationType) };
  }

  /** The form with the matches of what was typed into its Find box, for a picker too long for one card. */
  private async narrowed(
    origin: RequestOrigin,
    meta: AimsMeta,
    values: FormValues,
    dialog: boolean,
  ): Promise<{ card: AdaptiveCard; title: string } | undefined> {
    if (!meta.form || !meta.field) return undefined;
    const form = await this.router.formFor(origin, meta.form, meta.context ?? {});
    const field = form?.fields.find((candidate) => candidate.id === meta.field);
    if (!form || !field) return undefined;
    const matches = await this.router.suggest(origin, field.kind, values[findInputId(field.id)] ?? '');
    const narrowed = {
      ...form,
      values,
      fields: form.fields.map((candidate) => (candidate === field ? { ...field, choices: matches } : candidate)),
    };
    return { card: renderFormCard(narrowed, meta.formId ?? randomUUID(), { dialog }), title: form.title };
  }

  /** Submits a filled-in form card; errors redraw the same form with them, nothing stored. */
  private async submitted(
    origin: RequestOrigin,
    meta: AimsMeta & { form: string },
    values: FormValues,
    posted: PostedCard,
    dialog: boolean,
  ): Promise<{ form: AdaptiveCard; title: string } | { done: FormResult & { kind: 'done' } }> {
    const submitted = readCardValues(values, meta.datetimes ?? [], meta.timeZone ?? 'UTC');
    const submission = {
      type: meta.form,
      context: meta.context ?? {},
      values: submitted,
      instanceKey: `teams:form:${meta.formId ?? randomUUID()}`,
    };
    const result = await this.router.submit(origin, submission, posted);
    if (result.kind === 'next') return { form: renderFormCard(result.form, randomUUID(), { dialog }), title: result.form.title };
    if (result.kind === 'done') return { done: result };
    const form = await this.router.formFor(origin, submission.type, submission.context);
    if (form)
      return {
        form: renderFormCard({ ...form, errors: result.errors, values: { ...values, ...submitted } }, meta.formId ?? randomUUID(), {
          dialog,
        }),
        title: form.title,
      };
    return {
      form: renderCard({
        summary: 'Error',
        blocks: Object.values(result.errors).map((text) => ({ type: 'text', text })),
        visibility: 'private',
      }),
      title: 'Error',
    };
  }

  /** A click's answer on a card everyone sees: the record's true card for all, or a line for the clicker alone. */
  private sharedAnswer(response: ChatResponse): AdaptiveCardInvokeResponse {
    if (response.kind === 'form') {
      // Only a button not marked `opensForm` gets here: its form must not replace the shared card.
      this.logger.warn('a button on a shared card answered with a form; mark it opensForm', { form: response.form.type });
      return privateAnswer('That button needs a form. Open the record from your personal chat with the bot to fill it in.');
    }
    if (response.kind === 'none') return privateAnswer('That was already done.');
    if (response.refused) return privateAnswer(saidBy(response));
    if (response.record) return cardResponse(renderCard(response.record.card, { shared: true }));
    if (response.view.visibility === 'public') return cardResponse(renderCard(response.view, { shared: true }));
    return privateAnswer(viewText(response.view));
  }

  /** A record opened from a shared list: its card in a dialog without buttons (acting happens on its own card). */
  private shownInDialog(response: ChatResponse): TaskModuleResponse {
    if (response.kind !== 'message' || response.refused) return this.dialogAnswer(response);
    const shown = response.record?.card ?? response.view;
    const view = { ...shown, blocks: shown.blocks.filter((block) => block.type !== 'actions') };
    const header = view.blocks.find((block) => block.type === 'header');
    const title = header?.type === 'header' ? header.text : view.summary;
    return dialog(renderCard(view), title.length > 60 ? `${title.slice(0, 59)}…` : title);
  }

  /** What a dialog shows after a button ran in it: the form it asks for, or a closing line. */
  private dialogAnswer(response: ChatResponse): TaskModuleResponse {
    if (response.kind === 'form') return dialog(renderFormCard(response.form, randomUUID(), { dialog: true }), response.form.title);
    if (response.kind === 'none') return closeWith('That was already done.');
    return closeWith(saidBy(response));
  }

  /** Action.Execute: a button click or a form submission, answered with the card that replaces it. */
  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invoke: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const data = (invoke.action.data ?? {}) as AimsCardData;
    const meta = data.aims ?? {};
    const { origin, posted, shared } = this.where(context);
    const values = valuesOf(data);
    if (invoke.action.verb === FIND_VERB) {
      const narrowed = await this.narrowed(origin, meta, values, false);
      if (narrowed) return cardResponse(narrowed.card);
    }
    if (invoke.action.verb === SUBMIT_VERB && meta.form) {
      const outcome = await this.submitted(origin, { ...meta, form: meta.form }, values, posted, false);
      if ('form' in outcome) return cardResponse(outcome.form);
      return cardResponse(renderCard(outcome.done.view, { shared }));
    }
    if (invoke.action.verb === CONFIRM_VERB && meta.action && meta.confirm) {
      return cardResponse(renderConfirmCard({ action: meta.action, args: meta.args ?? {}, confirm: meta.confirm }));
    }
    if (invoke.action.verb === ACT_VERB && meta.action) {
      const response = await this.router.act(origin, meta.action, meta.args ?? {}, posted);
      if (shared) return this.sharedAnswer(response);
      const card = cardFor(response);
      if (card) return cardResponse(card);
    }
    const unknown = 'That button is from an older version of the bot. Run the command again.';
    if (shared) return privateAnswer(unknown);
    return cardResponse(renderCard({ summary: 'Unknown action', blocks: [{ type: 'text', text: unknown }], visibility: 'private' }));
  }

  /**
   * The card a dialog was opened from, when it is not one of the record's copies the outbox refreshes
   * (a reply to a command in the channel): updated here with the record's true card, for everyone.
   */
  private async refreshUntracked(context: TurnContext, origin: RequestOrigin, posted: PostedCard, card: MessageView | undefined) {
    if (!posted || !card || (await this.router.tracksPost(origin, posted))) return;
    try {
      const client = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
      await client.conversations.updateActivity(posted.channelId, posted.messageId, {
        type: 'message',
        id: posted.messageId,
        attachments: [CardFactory.adaptiveCard(renderCard(card, { shared: true }))],
        summary: card.summary,
      });
    } catch (error) {
      // The change is saved and the person told; a card that could not be refreshed is only stale.
      this.logger.warn('could not refresh the card a dialog was opened from', { error, messageId: posted.messageId });
    }
  }

  /** A button on a shared card that needs input: the dialog with its form (or its confirmation). */
  protected override async handleTeamsTaskModuleFetch(context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    const meta = ((request.data ?? {}) as AimsCardData).aims ?? {};
    const { origin, posted } = this.where(context);
    if (meta.action && meta.confirm)
      return dialog(
        renderConfirmCard({ action: meta.action, args: meta.args ?? {}, confirm: meta.confirm }, { dialog: true }),
        meta.confirm.title,
      );
    if (meta.action && meta.show) return this.shownInDialog(await this.router.act(origin, meta.action, meta.args ?? {}, posted));
    if (meta.action) return this.dialogAnswer(await this.router.act(origin, meta.action, meta.args ?? {}, posted));
    return closeWith('That button is from an older version of the bot. Run the command again.');
  }

  /**
   * A dialog's submit: errors redraw the form in the dialog (nothing is stored); once saved the dialog
   * closes with a short line, and the outbox refreshes the record's cards for everyone.
   */
  protected override async handleTeamsTaskModuleSubmit(context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    const data = (request.data ?? {}) as AimsCardData;
    const meta = data.aims ?? {};
    const { origin, posted } = this.where(context);
    const values = valuesOf(data);
    if (meta.field) {
      const narrowed = await this.narrowed(origin, meta, values, true);
      if (narrowed) return dialog(narrowed.card, narrowed.title);
    }
    if (meta.form) {
      const outcome = await this.submitted(origin, { ...meta, form: meta.form }, values, posted, true);
      if ('form' in outcome) return dialog(outcome.form, outcome.title);
      await this.refreshUntracked(context, origin, posted, outcome.done.record?.card);
      return closeWith(doneText(outcome.done));
    }
    // A confirmed destructive button (Withdraw, Retire): it runs now.
    if (meta.action) return this.dialogAnswer(await this.router.act(origin, meta.action, meta.args ?? {}, posted));
    return closeWith('That form is from an older version of the bot. Open it again.');
  }
}
