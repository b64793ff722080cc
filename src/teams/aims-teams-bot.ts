import { randomUUID } from 'node:crypto';
import {
  ActivityHandler,
  CardFactory,
  MessageFactory,
  TeamsInfo,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
} from 'botbuilder';
import type { Mention } from '../chat/chat-request.ts';
import type { ChatRouter } from '../chat/chat-router.ts';
import type { ButtonView, FormValues } from '../chat/views/form.ts';
import type { ChatResponse } from '../chat/views/view.ts';
import type { Logger } from '../logger.ts';
import { ACT_VERB, CONFIRM_VERB, FIND_VERB, renderCard, renderConfirmCard, SUBMIT_VERB, type AdaptiveCard } from './render-card.ts';
import { findInputId, readCardValues, renderFormCard } from './render-form-card.ts';
import { fromTeamsMessage, originOf, personalInstallOf } from './teams-requests.ts';
import type { RequestOrigin } from '../chat/chat-request.ts';

interface AimsCardData {
  aims?: {
    action?: string;
    args?: Record<string, string>;
    form?: string;
    context?: Record<string, string>;
    formId?: string;
    field?: string;
    confirm?: NonNullable<ButtonView['confirm']>;
    datetimes?: string[];
    timeZone?: string;
  };
  [input: string]: unknown;
}

const cardResponse = (card: AdaptiveCard): AdaptiveCardInvokeResponse => ({
  statusCode: 200,
  type: 'application/vnd.microsoft.card.adaptive',
  value: card as never,
});

function cardFor(response: ChatResponse): AdaptiveCard | undefined {
  if (response.kind === 'message') return renderCard(response.view);
  if (response.kind === 'form') return renderFormCard(response.form, randomUUID());
  return undefined;
}

/** Teams messages, @mentions and card actions go to the same chat router as Slack's. */
export class AimsTeamsBot extends ActivityHandler {
  constructor(
    private readonly router: ChatRouter,
    private readonly logger: Logger,
    private readonly options: { allowTenantless: boolean },
  ) {
    super();
    this.onMessage(async (context, next) => {
      const text = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '';
      const response = await router.handle(
        fromTeamsMessage(context.activity, text, await this.mentionsOf(context), this.options.allowTenantless),
      );
      const card = cardFor(response);
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

  /** Action.Execute: a button click or a form submission, answered with the card that replaces it. */
  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invoke: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const data = (invoke.action.data ?? {}) as AimsCardData;
    const meta = data.aims ?? {};
    const origin = originOf(context.activity, this.options.allowTenantless);
    // The card clicked (its conversation and activity id): a click or form on it acts on that card's record, in its tenant, or not at all.
    const conversationId = context.activity.conversation?.id?.split(';')[0];
    const posted =
      conversationId && context.activity.replyToId ? { channelId: conversationId, messageId: context.activity.replyToId } : undefined;
    const values: FormValues = {};
    for (const [key, value] of Object.entries(data)) {
      if (key !== 'aims') values[key] = value === undefined || value === null || value === '' ? undefined : String(value);
    }
    if (invoke.action.verb === FIND_VERB && meta.form && meta.field) {
      const form = await this.router.formFor(origin, meta.form, meta.context ?? {});
      const field = form?.fields.find((candidate) => candidate.id === meta.field);
      if (form && field) {
        const matches = await this.router.suggest(origin, field.kind, values[findInputId(field.id)] ?? '');
        const narrowed = {
          ...form,
          values,
          fields: form.fields.map((candidate) => (candidate === field ? { ...field, choices: matches } : candidate)),
        };
        return cardResponse(renderFormCard(narrowed, meta.formId ?? randomUUID()));
      }
    }
    if (invoke.action.verb === SUBMIT_VERB && meta.form) {
      const submitted = readCardValues(values, meta.datetimes ?? [], meta.timeZone ?? 'UTC');
      const submission = {
        type: meta.form,
        context: meta.context ?? {},
        values: submitted,
        instanceKey: `teams:form:${meta.formId ?? randomUUID()}`,
      };
      const result = await this.router.submit(origin, submission, posted);
      if (result.kind === 'errors') {
        const form = await this.router.formFor(origin, submission.type, submission.context);
        if (form)
          return cardResponse(
            renderFormCard({ ...form, errors: result.errors, values: { ...values, ...submitted } }, meta.formId ?? randomUUID()),
          );
        return cardResponse(
          renderCard({
            summary: 'Error',
            blocks: Object.values(result.errors).map((text) => ({ type: 'text', text })),
            visibility: 'private',
          }),
        );
      }
      if (result.kind === 'next') return cardResponse(renderFormCard(result.form, randomUUID()));
      return cardResponse(renderCard(result.view));
    }
    if (invoke.action.verb === CONFIRM_VERB && meta.action && meta.confirm) {
      return cardResponse(renderConfirmCard({ action: meta.action, args: meta.args ?? {}, confirm: meta.confirm }));
    }
    if (invoke.action.verb === ACT_VERB && meta.action) {
      const card = cardFor(await this.router.act(origin, meta.action, meta.args ?? {}, posted));
      if (card) return cardResponse(card);
    }
    return cardResponse(
      renderCard({
        summary: 'Unknown action',
        blocks: [{ type: 'text', text: 'That button is from an older version of the bot. Run the command again.' }],
        visibility: 'private',
      }),
    );
  }
}
