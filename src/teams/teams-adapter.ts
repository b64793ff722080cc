import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import express, { type Express } from 'express';
import type { ChatRouter } from '../chat/chat-router.ts';
import type { Logger } from '../logger.ts';
import type { Messengers } from '../chat/channel-messenger.ts';
import { AimsTeamsBot } from './aims-teams-bot.ts';
import { teamsMessenger } from './teams-messenger.ts';

export interface TeamsCredentials {
  appId?: string;
  appPassword?: string;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  tenantId?: string;
}

/**
 * Mounts POST /api/messages. With no app id botbuilder accepts any caller, so config only lets
 * that happen in local mode, bound to loopback.
 */
/** The botbuilder adapter for these credentials (the HTTP endpoint and the CLI's proactive sends share it). */
export function teamsAdapter(credentials: TeamsCredentials): CloudAdapter {
  return new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: credentials.appId ?? '',
      MicrosoftAppPassword: credentials.appPassword ?? '',
      MicrosoftAppType: credentials.appType,
      MicrosoftAppTenantId: credentials.tenantId ?? '',
    }),
  );
}

export function mountTeams(http: Express, credentials: TeamsCredentials, router: ChatRouter, messengers: Messengers, logger: Logger): CloudAdapter {
  const log = logger.child({ platform: 'teams' });
  const adapter = teamsAdapter(credentials);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    log.error('teams turn failed', { error, activityId: context.activity.id });
    await context.sendActivity('Sorry, something failed on our side. Please try again in a moment.');
  };
  messengers.teams = teamsMessenger(adapter, credentials.appId ?? '');
  // Without an app id we are in local mode (config allows nothing else): tenant-less test clients are fine.
  const bot = new AimsTeamsBot(router, log, { allowTenantless: !credentials.appId });
  http.post('/api/messages', express.json({ limit: '256kb' }), async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  return adapter;
}
