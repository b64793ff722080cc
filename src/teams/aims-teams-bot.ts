import { ActivityHandler, CardFactory, MessageFactory, TurnContext } from 'botbuilder';
import type { ChatRouter } from '../chat/chat-router.ts';
import { renderCard } from './render-card.ts';
import { fromTeamsMessage } from './teams-requests.ts';

/** Teams messages and @mentions go to the same chat router as Slack's /aims. */
export class AimsTeamsBot extends ActivityHandler {
  constructor(router: ChatRouter) {
    super();
    this.onMessage(async (context, next) => {
      const text = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '';
      const view = await router.handle(fromTeamsMessage(context.activity, text));
      if (view) {
        const reply = MessageFactory.attachment(CardFactory.adaptiveCard(renderCard(view)));
        reply.summary = view.summary;
        reply.text = view.summary;
        await context.sendActivity(reply);
      }
      await next();
    });
  }
}
