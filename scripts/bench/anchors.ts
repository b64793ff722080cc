// The bench's anchors: what the platforms' own libraries cost with nothing of ours in them. A bare Bolt
// app (its default HTTPReceiver, signature checked) and a bare botbuilder CloudAdapter bot (no app id,
// as the bot runs in local mode), each answering a fixed text, each on the fake APIs the bot uses.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import bolt from '@slack/bolt';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import express from 'express';
import { TEST_SIGNING_SECRET } from '../../test/helpers/slack-signing.ts';

export interface Anchor {
  url: string;
  close(): Promise<void>;
}

const FIXED = 'Bare anchor: a fixed text.';

/** Bolt with its HTTPReceiver on POST /slack/events: `/aims` acknowledged with a fixed ephemeral text. */
export async function bareBolt(slackApiUrl: string): Promise<Anchor> {
  const app = new bolt.App({
    token: 'xoxb-test-token',
    signingSecret: TEST_SIGNING_SECRET,
    clientOptions: { slackApiUrl, retryConfig: { retries: 0 } },
    logLevel: bolt.LogLevel.ERROR,
  });
  app.command('/aims', async ({ ack }) => {
    await ack({ response_type: 'ephemeral', text: FIXED });
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  // Idle connections kept as long as the bot keeps them (its server's 65 s), not Node's 5 s.
  server.keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: async () => void (await app.stop()) };
}

/** A CloudAdapter bot on POST /api/messages through express.json, replying a fixed text to every message. */
export async function bareBotbuilder(): Promise<Anchor> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    await context.sendActivity(FIXED);
    await next();
  });
  const http = express();
  http.post('/api/messages', express.json({ limit: '256kb' }), async (req, res) => {
    await adapter.process(req, res, async (context) => await bot.run(context));
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = http.listen(0, '127.0.0.1', () => resolve(listening));
  });
  server.keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
