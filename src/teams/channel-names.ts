import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Logger } from '../logger.ts';

/** How long a team's channel list is trusted before it is asked again (channels are renamed rarely). */
const CACHE_MS = 10 * 60 * 1000;

interface TeamChannels {
  at: number;
  names: Map<string, string>;
}

/**
 * Teams sends a channel message without the channel's name (channelData carries only its id, and a
 * team's General channel has no name at all), so confirmations would show raw ids. This asks the
 * connector for the team's channels once per team and ten minutes, and puts the name into the activity.
 */
export class ChannelNames {
  private readonly teams = new Map<string, TeamChannels>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Fills in `channelData.channel.name` of a channel message that came without it; leaves every other activity alone. */
  async fillIn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (activity.conversation?.conversationType !== 'channel') return;
    const channelData = (activity.channelData ?? {}) as { channel?: { id?: string; name?: string }; team?: { id?: string } };
    if (channelData.channel?.name) return;
    const teamId = channelData.team?.id;
    const channelId = channelData.channel?.id ?? activity.conversation.id.split(';')[0];
    if (!teamId || !channelId) return;
    const name = (await this.namesOf(context, teamId))?.get(channelId);
    if (name) activity.channelData = { ...channelData, channel: { ...channelData.channel, id: channelId, name } };
  }

  private async namesOf(context: TurnContext, teamId: string): Promise<Map<string, string> | undefined> {
    const cached = this.teams.get(teamId);
    if (cached && this.now() - cached.at < CACHE_MS) return cached.names;
    try {
      const channels = await TeamsInfo.getTeamChannels(context, teamId);
      // The General channel's id is the team's id, and Teams lists it without a name.
      const names = new Map(channels.map((channel) => [channel.id ?? '', channel.name ?? (channel.id === teamId ? 'General' : '')]));
      this.teams.set(teamId, { at: this.now(), names });
      return names;
    } catch (error) {
      // Not fatal: the confirmation then says the name is not known, never the raw id. Remembered like a
      // list, so a connector that refuses is not asked again on every channel message.
      this.logger.warn('could not list the team’s channels', { error });
      this.teams.set(teamId, { at: this.now(), names: new Map() });
      return undefined;
    }
  }
}
