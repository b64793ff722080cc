import type { ChannelPurpose, ChannelRef, WorkspaceSettings } from '../../core/settings/workspace-settings.ts';
import type { MessageView, RichText } from '../../chat/views/view.ts';

/**
 * A channel by name, never by raw id: Slack shows `<#C…>` as its name; elsewhere the name the
 * platform told when it was chosen (Teams does not tell the name of a team's General channel).
 */
function channelText(channel: ChannelRef | null): RichText {
  if (!channel) return 'not set';
  return [{ text: channel.name ? `#${channel.name}` : 'set (its name is not known)', channel: channel.id }];
}

/** The workspace's setup as it now stands. */
export function setupSummaryView(settings: WorkspaceSettings, heading: string): MessageView {
  return {
    summary: heading,
    blocks: [
      { type: 'text', text: [{ text: heading, style: 'bold' }] },
      {
        type: 'fields',
        fields: [
          { label: 'Incidents channel', value: channelText(settings.incidentsChannel) },
          { label: 'Approvals channel', value: channelText(settings.approvalsChannel) },
          { label: 'Leadership channel', value: channelText(settings.leadershipChannel) },
          { label: 'Approvals a release needs', value: String(settings.defaultApprovals) },
          { label: 'Time zone', value: settings.timeZone ?? 'UTC' },
          { label: 'Daily nudges', value: `${String(settings.nudgeHour).padStart(2, '0')}:00` },
          {
            label: 'Weekly digest',
            value: `${['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'][settings.digestWeekday - 1] ?? '?'} ${String(settings.digestHour).padStart(2, '0')}:00`,
          },
        ],
      },
    ],
    visibility: 'private',
  };
}

export function channelSetView(purpose: ChannelPurpose, settings: WorkspaceSettings): MessageView {
  return setupSummaryView(settings, `This conversation is now the ${purpose} channel.`);
}
