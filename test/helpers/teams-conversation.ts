import { expect } from 'vitest';
import { checkAdaptiveCard } from './adaptive-card-check.ts';
import { cardOf, teamsInvoke, teamsMessage, teamsSharedInvoke, teamsTaskInvoke, type PostedIn } from './fake-teams-connector.ts';
import type { startTeamsHarness } from './start-test-app.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
type Card = Record<string, unknown>;
type Who = { user: string; name: string };

/** What a dialog invoke answered: a card to show in the dialog (`continue`), or a line that closes it (`message`). */
export type DialogAnswer = { type: 'continue'; card: Card; title: string } | { type: 'message'; text: string };

/** What a click on a shared card answered: the card for everyone, or a line for the clicker alone. */
export type SharedClickAnswer = { type: 'card'; card: Card } | { type: 'message'; text: string };

/** Talks to the bot as a Teams user would: messages in, cards out (each checked at Adaptive Cards 1.5). */
export function teamsConversation(harness: () => Harness) {
  return {
    /** Sends a message; returns the card the bot answered with (in that conversation: channel posts may go out meanwhile). */
    async say(who: Who, words: string, options: Parameters<typeof teamsMessage>[2] = {}): Promise<Card | undefined> {
      const teams = harness();
      const before = teams.connector.activities.length;
      const activity = teamsMessage(teams.connector.serviceUrl, words, { ...who, ...options });
      const response = await teams.post(activity);
      expect(response.status).toBe(200);
      const replies = teams.connector.activities
        .slice(before)
        .filter((reply) =>
          reply.path.includes(
            `/v3/conversations/${encodeURIComponent(activity.conversation.id)}/activities/${encodeURIComponent(activity.id)}`,
          ),
        );
      expect(replies.flatMap((reply) => reply.problems)).toEqual([]);
      return cardOf(replies.at(-1)?.activity);
    },
    /** Clicks an Action.Execute; returns the card Teams shows in its place (from the invoke response). */
    async click(who: Who, action: { verb: string; data: Record<string, unknown> }, options: { replyToId?: string } = {}): Promise<Card> {
      const teams = harness();
      const response = await teams.post(teamsInvoke(teams.connector.serviceUrl, action, { ...who, ...options }));
      expect(response.status).toBe(200);
      const body = (await response.json()) as { statusCode: number; type: string; value: Card };
      expect(body.statusCode).toBe(200);
      expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
      expect(checkAdaptiveCard(body.value)).toEqual([]);
      return body.value;
    },
    /** Sends a dialog invoke (task/fetch from a card's button, task/submit from the dialog) for the card at `where`. */
    async dialog(who: Who, name: 'task/fetch' | 'task/submit', data: Record<string, unknown>, where: PostedIn): Promise<DialogAnswer> {
      const teams = harness();
      const response = await teams.post(teamsTaskInvoke(teams.connector.serviceUrl, name, data, where, who));
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        task: { type: string; value: string | { card: { contentType: string; content: Card }; title: string } };
      };
      if (body.task.type === 'message') return { type: 'message', text: String(body.task.value) };
      expect(body.task.type).toBe('continue');
      const value = body.task.value as { card: { contentType: string; content: Card }; title: string };
      expect(value.card.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(checkAdaptiveCard(value.card.content)).toEqual([]);
      return { type: 'continue', card: value.card.content, title: value.title };
    },
    /** Clicks an Action.Execute on the card at `where` in a channel: everyone's card back, or a line for the clicker. */
    async clickShared(who: Who, action: { verb: string; data: Record<string, unknown> }, where: PostedIn): Promise<SharedClickAnswer> {
      const teams = harness();
      const response = await teams.post(teamsSharedInvoke(teams.connector.serviceUrl, action, where, who));
      expect(response.status).toBe(200);
      const body = (await response.json()) as { statusCode: number; type: string; value: unknown };
      expect(body.statusCode).toBe(200);
      if (body.type === 'application/vnd.microsoft.activity.message') return { type: 'message', text: String(body.value) };
      expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
      expect(checkAdaptiveCard(body.value)).toEqual([]);
      return { type: 'card', card: body.value as Card };
    },
  };
}
