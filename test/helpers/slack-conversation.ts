import { expect } from 'vitest';
import { postSlashCommand } from './slack-signing.ts';
import type { startSlackHarness } from './start-test-app.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
type Who = { user: string; name: string; team?: string };

/** Talks to the bot as a Slack user would: /aims commands, and the modals they open (checked against Slack's limits). */
export function slackConversation(harness: () => Harness) {
  const command = async (who: Who, words: string, extra: Record<string, string> = {}) =>
    await postSlashCommand(harness().eventsUrl, {
      text: words,
      user_id: who.user,
      user_name: who.name,
      ...(who.team ? { team_id: who.team } : {}),
      ...extra,
    });
  return {
    command,
    /** Runs a command that opens a modal; returns the modal as the fake Slack received it. */
    async openModal(who: Who, words: string): Promise<Record<string, unknown>> {
      const slack = harness();
      const opened = slack.slackApi.callsTo('views.open').length;
      const response = await command(who, words);
      expect(response.status).toBe(200);
      const calls = slack.slackApi.callsTo('views.open');
      expect(calls.length, JSON.stringify(response.json ?? null)).toBe(opened + 1);
      expect(calls.at(-1)?.problems).toEqual([]);
      expect(calls.at(-1)?.args.trigger_id).toBe(response.triggerId);
      return calls.at(-1)?.args.view as Record<string, unknown>;
    },
  };
}
