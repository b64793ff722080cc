import type { Platform } from '../core/identity.ts';
import type { Incident } from '../core/incidents/incident.ts';
import type { CardPublisher } from './card-publisher.ts';
import type { ChatServices } from './chat-services.ts';
import { incidentCardView } from './views/incident-views.ts';

export interface PublishOutcome {
  posted: string[];
  link?: string;
  failed: string[];
}

/** Posts incident cards to the workspace's channels and keeps every posted copy up to date. */
export class IncidentPublisher {
  constructor(
    private readonly services: ChatServices,
    private readonly cards: CardPublisher,
  ) {}

  /** Posts a new incident to the incidents channel, and S1/S2 also to the leadership channel. */
  async publishNew(platform: Platform, incident: Incident): Promise<PublishOutcome> {
    const settings = this.services.settings.get(incident.workspaceId);
    const label = (purpose: string, name: string | undefined) => (name ? `#${name}` : `the ${purpose} channel`);
    const targets = [
      { purpose: 'incidents' as const, label: label('incidents', settings.incidentsChannel?.name), channel: settings.incidentsChannel },
      ...(incident.severity === 'S1' || incident.severity === 'S2'
        ? [{ purpose: 'leadership' as const, label: label('leadership', settings.leadershipChannel?.name), channel: settings.leadershipChannel }]
        : []),
    ];
    const view = incidentCardView(this.services.incidents.details(incident.workspaceId, incident.number), settings.timeZone ?? 'UTC');
    const outcome: PublishOutcome = { posted: [], failed: [] };
    for (const target of targets) {
      const result = await this.cards.post(platform, [target], view, (posted) =>
        this.services.incidents.recordPost(incident.workspaceId, incident.id, { purpose: target.purpose, channelId: posted.channelId, messageId: posted.messageId, ...(posted.reference === undefined ? {} : { reference: posted.reference }) }),
      );
      outcome.posted.push(...result.posted);
      outcome.failed.push(...result.failed);
      if (target.purpose === 'incidents' && result.link) outcome.link = result.link;
    }
    return outcome;
  }

  /** Updates every posted copy of the incident's card to its current state. */
  async refresh(platform: Platform, workspaceId: number, number: number): Promise<void> {
    const details = this.services.incidents.details(workspaceId, number);
    await this.cards.refresh(platform, details.incident.posts, incidentCardView(details, this.services.settings.timeZoneOf(workspaceId)));
  }
}
