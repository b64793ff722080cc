import type { DirectoryService } from '../core/directory-service.ts';
import { isAimsError } from '../core/errors.ts';
import type { InboundDedupe } from '../core/inbound-dedupe.ts';
import type { StatusService } from '../core/status-service.ts';
import type { Logger } from '../logger.ts';
import type { ChatRequest } from './chat-request.ts';
import { closestMatch } from './closest-match.ts';
import { COMMAND_NAMES } from './command-catalog.ts';
import { asksForStatus, parseCommand, stripBotName } from './parse-command.ts';
import { domainErrorView, failureView } from './views/error-view.ts';
import { helpView } from './views/help-view.ts';
import { homeView } from './views/home-view.ts';
import { statusView } from './views/status-view.ts';
import type { MessageView } from './views/view.ts';

export interface ChatRouterDeps {
  directory: DirectoryService;
  status: StatusService;
  dedupe: InboundDedupe;
  timeZone: string;
  logger: Logger;
}

/** Turns a neutral request into a neutral view: identify the person, route, render, catch. */
export class ChatRouter {
  constructor(private readonly deps: ChatRouterDeps) {}

  /** Answers a request; null when it is a repeat delivery that was already answered. */
  async handle(request: ChatRequest): Promise<MessageView | null> {
    const log = this.deps.logger.child({ requestId: request.requestId, platform: request.contact.platform });
    try {
      const contact = this.deps.directory.contact(request.contact);
      if (request.dedupeKey && !this.deps.dedupe.firstTime(request.dedupeKey, contact.workspace.id)) {
        log.info('repeat delivery ignored', { dedupeKey: request.dedupeKey });
        return null;
      }
      return this.route(request, contact.workspace.id);
    } catch (error) {
      if (isAimsError(error)) return domainErrorView(error);
      log.error('request failed', { error });
      return failureView(request.requestId);
    }
  }

  /** The status page a person sees when they open the bot's home (Slack App Home). */
  home(request: Omit<ChatRequest, 'text' | 'source'>): MessageView {
    try {
      const contact = this.deps.directory.contact(request.contact);
      const summary = this.deps.status.summarize(contact.workspace.id);
      return homeView(statusView(summary, this.deps.timeZone), helpView(request.contact.platform));
    } catch (error) {
      if (isAimsError(error)) return domainErrorView(error);
      this.deps.logger.error('home view failed', { requestId: request.requestId, error });
      return failureView(request.requestId);
    }
  }

  private route(request: ChatRequest, workspaceId: number): MessageView {
    const platform = request.contact.platform;
    const text = request.source === 'message' ? stripBotName(request.text) : request.text;
    const { name } = parseCommand(text);
    switch (name) {
      case null:
      case 'help':
        return helpView(platform);
      case 'status':
        return statusView(this.deps.status.summarize(workspaceId), this.deps.timeZone);
      default: {
        const suggestion = closestMatch(name, COMMAND_NAMES);
        // Free text that asks how things stand gets the status; a near-miss gets "did you mean".
        if (request.source === 'message') {
          if (asksForStatus(text)) return statusView(this.deps.status.summarize(workspaceId), this.deps.timeZone);
          return suggestion ? helpView(platform, { unknown: name, suggestion }) : helpView(platform);
        }
        return helpView(platform, { unknown: name, suggestion });
      }
    }
  }
}
