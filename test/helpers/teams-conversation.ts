import { expect } from 'vitest';
import { checkAdaptiveCard } from './adaptive-card-check.ts';
import { cardOf, teamsInvoke, teamsMessage } from './fake-teams-connector.ts';
import type { startTeamsHarness } from './start-test-app.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
type Card = Record<string, unknown>;
type Who = { user: string; name: string };

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
  };
}
