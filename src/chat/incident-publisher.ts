import type { ChatServices } from './chat-services.ts';
import type { PostedMessage } from './channel-messenger.ts';
import { incidentCardView } from '../features/incidents/views.ts';
import type { MessageView } from './views/view.ts';

/** What the outbox sends about an incident: its card, rendered from the committed state at send time. */
export class IncidentPublisher {
  constructor(private readonly services: ChatServices) {}

  /** The incident's card as it stands now; undefined when the incident is gone. */
  card(workspaceId: number, incidentId: number): MessageView | undefined {
    const number = this.services.incidents.numbersOf(workspaceId, [incidentId]).get(incidentId);
    if (number === undefined) return undefined;
    return incidentCardView(this.services.incidents.details(workspaceId, number), this.services.settings.timeZoneOf(workspaceId));
  }

  /** Remembers a posted copy so that every later change refreshes it. */
  recordPost(workspaceId: number, incidentId: number, purpose: string, posted: PostedMessage): void {
    this.services.incidents.recordPost(workspaceId, incidentId, {
      purpose: purpose === 'leadership' ? 'leadership' : 'incidents',
      channelId: posted.channelId,
      messageId: posted.messageId,
      ...(posted.reference === undefined ? {} : { reference: posted.reference }),
    });
  }

  /** The copies posted so far (an update names one by channel and message id; Teams needs its reference). */
  posts(workspaceId: number, incidentId: number) {
    const number = this.services.incidents.numbersOf(workspaceId, [incidentId]).get(incidentId);
    return number === undefined ? [] : this.services.incidents.details(workspaceId, number).incident.posts;
  }
}
