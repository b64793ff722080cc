import {
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import { AuthenticationConstants, AuthenticationError } from 'botframework-connector';
import express, { type Express, type Request, type Response } from 'express';
import type { ChatRouter } from '../chat/chat-router.ts';
import type { Logger } from '../logger.ts';
import type { Messengers } from '../chat/channel-messenger.ts';
import { AimsTeamsBot } from './aims-teams-bot.ts';
import { withBotbuilderConsole, withBotbuilderConsoleDemoted } from './botbuilder-console.ts';
import { teamsMessenger } from './teams-messenger.ts';
import { hasSender } from './teams-requests.ts';

export interface TeamsCredentials {
  appId?: string;
  appPassword?: string;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  tenantId?: string;
}

export interface TeamsAuthOptions {
  /** Where the channel's signing keys are published (tests point it at a fake on loopback). */
  openIdMetadataUrl?: string;
}

/** Authentication failed: the token is missing, forged, malformed, expired or cannot be verified. */
class TeamsAuthFailure extends Error {}

/** CloudAdapter with authentication and the turn as two steps, so we answer each one's failures ourselves. */
class AimsCloudAdapter extends CloudAdapter {
  async run(
    authorization: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    let authenticated: Awaited<ReturnType<typeof this.botFrameworkAuthentication.authenticateRequest>>;
    try {
      // botbuilder prints its reasons (console.error); the one line that counts is ours, on refusal.
      authenticated = await withBotbuilderConsoleDemoted(() =>
        this.botFrameworkAuthentication.authenticateRequest(activity, authorization),
      );
    } catch (error) {
      throw new TeamsAuthFailure(authFailureOf(error));
    }
    return this.processActivity(authenticated, activity, logic);
  }
}

/** The botbuilder adapter for these credentials (the HTTP endpoint and the CLI's proactive sends share it). */
export function teamsAdapter(credentials: TeamsCredentials, options: TeamsAuthOptions = {}): AimsCloudAdapter {
  return new AimsCloudAdapter(
    new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: credentials.appId ?? '',
      MicrosoftAppPassword: credentials.appPassword ?? '',
      MicrosoftAppType: credentials.appType,
      MicrosoftAppTenantId: credentials.tenantId ?? '',
      // Any one of these switches botbuilder to "all given": the public cloud's values, keys from elsewhere.
      ...(options.openIdMetadataUrl
        ? {
            ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
            ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
            ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
            OAuthUrl: AuthenticationConstants.OAuthUrl,
            CallerId: CallerIdConstants.PublicAzureChannel,
            ToBotFromChannelOpenIdMetadataUrl: options.openIdMetadataUrl,
            ToBotFromEmulatorOpenIdMetadataUrl: options.openIdMetadataUrl,
          }
        : {}),
    }),
  );
}

const JWT_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

/** Why a request failed before its turn began, as words for the log (never the token). */
function authFailureOf(error: unknown): string {
  if (error instanceof AuthenticationError || (error instanceof Error && JWT_ERRORS.has(error.name))) return error.message;
  // The signing keys could not be fetched (offline, DNS): the token cannot be verified, so it is refused.
  return error instanceof Error ? `token not verifiable: ${error.message}` : 'token not verifiable';
}

/**
 * Mounts POST /api/messages. With no app id botbuilder accepts any caller, so config only lets
 * that happen in local mode, bound to loopback. Any token that does not verify (forged, unsigned,
 * garbage, expired) is a 401 with one JSON log line; answers are JSON, never a stack.
 */
export function mountTeams(
  http: Express,
  credentials: TeamsCredentials,
  router: ChatRouter,
  messengers: Messengers,
  logger: Logger,
  options: TeamsAuthOptions = {},
): CloudAdapter {
  const log = logger.child({ platform: 'teams' });
  const adapter = teamsAdapter(credentials, options);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    log.error('teams turn failed', { error, activityId: context.activity.id });
    await context.sendActivity('Sorry, something failed on our side. Please try again in a moment.');
  };
  messengers.teams = teamsMessenger(adapter, credentials.appId ?? '');
  // Without an app id we are in local mode (config allows nothing else): tenant-less test clients are fine.
  const bot = new AimsTeamsBot(router, log, { allowTenantless: !credentials.appId });
  const handle = async (req: Request, res: Response) => {
    const activity = req.body as Partial<Activity> | undefined;
    if (!activity || typeof activity !== 'object' || Array.isArray(activity) || typeof activity.type !== 'string') {
      log.warn('teams request refused: not an activity');
      res
        .status(400)
        .json({ error: 'invalid_activity', message: 'The body must be a Bot Framework activity (a JSON object with a type).' });
      return;
    }
    for (const field of ['timestamp', 'localTimestamp', 'expiration'] as const) {
      const value = activity[field] as unknown;
      if (typeof value === 'string') (activity as Record<string, unknown>)[field] = new Date(value);
    }
    try {
      const answer = await adapter.run(req.header('authorization') ?? '', activity as Activity, async (context) => {
        // Never attributed to a shared placeholder person: an activity must say who sent it.
        if (!hasSender(context.activity)) {
          log.warn('teams activity without a sender ignored', { activityId: context.activity.id, type: context.activity.type });
          return;
        }
        await bot.run(context);
      });
      res.status(answer?.status ?? 200);
      if (answer?.body !== undefined) res.send(answer.body);
      res.end();
    } catch (error) {
      if (error instanceof TeamsAuthFailure) {
        log.warn('teams request refused: authentication failed', { reason: error.message, activityId: activity.id });
        res.status(401).json({ error: 'unauthorized', message: 'The request is not authenticated by the Bot Framework.' });
        return;
      }
      log.error('teams request failed', { error, activityId: activity.id });
      if (!res.headersSent) res.status(500).json({ error: 'internal', message: 'Something failed on our side.' });
    }
  };
  http.post(
    '/api/messages',
    express.json({ limit: '256kb' }),
    async (req, res) => await withBotbuilderConsole(log, async () => await handle(req, res)),
  );
  return adapter;
}
