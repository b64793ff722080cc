import type { Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import { AimsError, fieldErrorsOf, invalidInput } from '../errors.ts';
import { requireAdmin } from '../policies.ts';
import type { Platform } from '../identity.ts';
import type { UnitOfWork } from '../ports.ts';
import {
  CHANNEL_COLUMN,
  DEFAULT_APPROVALS,
  DEFAULT_SCHEDULE,
  settingsInputSchema,
  type ChannelPurpose,
  type ChannelRef,
  type WorkspaceSettings,
} from './workspace-settings.ts';

/**
 * How an admin chooses a channel, in the platform's own steps: Slack's setup form has channel pickers;
 * Teams cannot list channels, so the command is sent in the channel itself.
 */
export function channelSetupHint(platform: Platform, purpose: ChannelPurpose): string {
  return platform === 'teams'
    ? `An admin can choose it: run “@aims setup channel ${purpose}” in the channel you want.`
    : `An admin can choose it with “/aims setup”.`;
}

/** A workspace's setup: where the bot posts, how many approvals a release needs, its time zone. */
export class SettingsService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
    private readonly defaultTimeZone: string,
  ) {}

  /** The settings in force: what setup saved, else the defaults. */
  async get(workspaceId: number): Promise<WorkspaceSettings & { configured: boolean }> {
    const saved = await this.store.read(async (repos) => await repos.settings.get(workspaceId));
    if (saved) return { ...saved, timeZone: saved.timeZone ?? this.defaultTimeZone, configured: true };
    return {
      workspaceId,
      incidentsChannel: null,
      approvalsChannel: null,
      leadershipChannel: null,
      defaultApprovals: DEFAULT_APPROVALS,
      timeZone: this.defaultTimeZone,
      ...DEFAULT_SCHEDULE,
      updatedAt: '',
      configured: false,
    };
  }

  async timeZoneOf(workspaceId: number): Promise<string> {
    return (await this.get(workspaceId)).timeZone ?? this.defaultTimeZone;
  }

  /** Saves the setup form (admins only). */
  async update(actor: Actor, raw: unknown): Promise<WorkspaceSettings> {
    const parsed = settingsInputSchema.safeParse(raw);
    return await this.store.write(async (repos) => {
      await requireAdmin(repos, actor, 'change the setup');
      if (!parsed.success) throw invalidInput(fieldErrorsOf(parsed.error.issues));
      const input = parsed.data;
      const at = this.clock.now().toISOString();
      const before = await repos.settings.get(actor.workspaceId);
      const after: WorkspaceSettings = {
        workspaceId: actor.workspaceId,
        incidentsChannel: input.incidentsChannel === undefined ? (before?.incidentsChannel ?? null) : input.incidentsChannel,
        approvalsChannel: input.approvalsChannel === undefined ? (before?.approvalsChannel ?? null) : input.approvalsChannel,
        leadershipChannel: input.leadershipChannel === undefined ? (before?.leadershipChannel ?? null) : input.leadershipChannel,
        defaultApprovals: input.defaultApprovals,
        timeZone: input.timeZone,
        nudgeHour: input.nudgeHour,
        digestWeekday: input.digestWeekday,
        digestHour: input.digestHour,
        updatedAt: at,
      };
      await repos.settings.save(after);
      await repos.audit.append(
        {
          workspaceId: actor.workspaceId,
          actorPersonId: actor.personId,
          actor: actor.label,
          action: 'settings.updated',
          subject: `workspace:${actor.workspaceId}`,
          before: before ?? null,
          after,
        },
        at,
      );
      return after;
    });
  }

  /** Points one purpose at a channel (Teams: run in that channel); admins only. */
  async setChannel(actor: Actor, purpose: ChannelPurpose, channel: ChannelRef): Promise<WorkspaceSettings> {
    return await this.store.write(async (repos) => {
      await requireAdmin(repos, actor, 'choose channels');
      const at = this.clock.now().toISOString();
      const before = await repos.settings.get(actor.workspaceId);
      const after: WorkspaceSettings = {
        workspaceId: actor.workspaceId,
        incidentsChannel: before?.incidentsChannel ?? null,
        approvalsChannel: before?.approvalsChannel ?? null,
        leadershipChannel: before?.leadershipChannel ?? null,
        defaultApprovals: before?.defaultApprovals ?? DEFAULT_APPROVALS,
        timeZone: before?.timeZone ?? null,
        nudgeHour: before?.nudgeHour ?? DEFAULT_SCHEDULE.nudgeHour,
        digestWeekday: before?.digestWeekday ?? DEFAULT_SCHEDULE.digestWeekday,
        digestHour: before?.digestHour ?? DEFAULT_SCHEDULE.digestHour,
        updatedAt: at,
        [CHANNEL_COLUMN[purpose]]: channel,
      };
      await repos.settings.save(after);
      await repos.audit.append(
        {
          workspaceId: actor.workspaceId,
          actorPersonId: actor.personId,
          actor: actor.label,
          action: 'settings.channel_set',
          subject: `workspace:${actor.workspaceId}`,
          before: { [purpose]: before?.[CHANNEL_COLUMN[purpose]] ?? null },
          after: { [purpose]: channel },
        },
        at,
      );
      return after;
    });
  }

  /** The channel for a purpose; features that post there refuse plainly until setup chose one. */
  async channelFor(workspaceId: number, purpose: ChannelPurpose): Promise<ChannelRef> {
    const channel = (await this.get(workspaceId))[CHANNEL_COLUMN[purpose]];
    if (!channel) {
      const platform = await this.store.read(async (repos) => (await repos.workspaces.findById(workspaceId))?.platform);
      throw new AimsError('not_configured', `No ${purpose} channel is set up for this workspace yet.`, {
        hint: channelSetupHint(platform ?? 'slack', purpose),
      });
    }
    return channel;
  }
}
