import type { Actor } from '../../core/actor.ts';
import type { Contact } from '../../core/directory-service.ts';
import type { ChatRequest } from '../chat-request.ts';
import type { ChatServices } from '../chat-services.ts';
import type { CardPublisher } from '../card-publisher.ts';
import type { FirstRunSpec } from '../feature.ts';

/** Everything a subcommand handler needs: who, where, what they typed, and the services. */
export interface CommandContext {
  request: ChatRequest;
  contact: Contact;
  actor: Actor;
  args: string[];
  services: ChatServices;
  timeZone: string;
  /** "/aims " on Slack, "aims " on Teams. */
  prefix: string;
  /** The first-run guide an area declared, for views that lead with it (status). */
  guide?: FirstRunSpec;
  /** Direct messages and files to people (the evidence pack's upload). */
  cards?: CardPublisher;
}
