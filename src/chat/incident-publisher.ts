import type { Platform } from '../core/identity.ts';
import type { Incident } from '../core/incidents/incident.ts';
import { incidentKey } from '../core/incidents/incident.ts';
import type { ChatServices } from './chat-services.ts';
import type { Messengers } from './channel-messenger.ts';
import { incidentCardView } from './views/incident-views.ts';

export interface PublishOutcome {
  /** Where the card was posted (channel names or ids), with a link to the incidents channel post. */
  posted: string[];
  link?: string;
  failed: string[];
}

/** Posts incident cards to the workspace's channels and keeps every posted copy up to date. */
export class IncidentPublisher {
  constructor(
    private readonly services: ChatServices,
    private readonly messengers: Messengers,
  ) {}

  /** Posts a new incident to the incidents channel, and S1/S2 also to the leadership channel. */
  async publishNew(platform: Platform, incident: Incident): Promise<PublishOutcome> {
    const outcome: PublishOutcome = { posted: [], failed: [] };
    const messenger = this.messengers[platform];
    const settings = this.services.settings.get(incident.workspaceId);
    const targets = [
      { purpose: 'incidents' as const, channel: settings.incidentsChannel },
      ...(incident.severity === 'S1' || incident.severity === 'S2' ? [{ purpose: 'leadership' as const, channel: settings.leadershipChannel }] : []),
    ];
    const details = this.services.incidents.details(incident.workspaceId, incident.number);
    const view = incidentCardView(details, settings.timeZone ?? 'UTC');
    for (const { purpose, channel } of targets) {
      const name = channel?.name ? `#${channel.name}` : `the ${purpose} channel`;
      if (!channel || !messenger) {
        if (purpose === 'leadership') outcome.failed.push(`${name} (not set up)`);
        continue;
      }
      try {
        const posted = await messenger.post(channel, view);
        this.services.incidents.recordPost(incident.workspaceId, incident.id, { purpose, channelId: posted.channelId, messageId: posted.messageId, ...(posted.reference === undefined ? {} : { reference: posted.reference }) });
        outcome.posted.push(name);
        if (purpose === 'incidents' && posted.link) outcome.link = posted.link;
      } catch (error) {
        this.services.logger.error('posting an incident failed', { incident: incidentKey(incident), purpose, error });
        outcome.failed.push(name);
      }
    }
    return outcome;
  }

  /** Updates every posted copy of the incident's card to its current state. */
  async refresh(platform: Platform, workspaceId: number, number: number): Promise<void> {
    const messenger = this.messengers[platform];
    if (!messenger) return;
    const details = this.services.incidents.details(workspaceId, number);
    const view = incidentCardView(details, this.services.settings.timeZoneOf(workspaceId));
    for (const post of details.incident.posts) {
      try {
        await messenger.update(post, view);
      } catch (error) {
        this.services.logger.warn('updating a posted incident card failed', { incident: incidentKey(details.incident), channel: post.channelId, error });
      }
    }
  }
}
