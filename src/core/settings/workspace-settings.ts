import { z } from 'zod';

export const CHANNEL_PURPOSES = ['incidents', 'approvals', 'leadership'] as const;
export type ChannelPurpose = (typeof CHANNEL_PURPOSES)[number];

/** Where the bot posts: a Slack channel id, or a Teams conversation with its reference for proactive sends. */
export interface ChannelRef {
  id: string;
  name?: string;
  /** Platform data needed to post there later (Teams conversation reference); opaque to core. */
  reference?: unknown;
}

export interface WorkspaceSettings {
  workspaceId: number;
  incidentsChannel: ChannelRef | null;
  approvalsChannel: ChannelRef | null;
  leadershipChannel: ChannelRef | null;
  defaultApprovals: number;
  timeZone: string | null;
  updatedAt: string;
}

export const DEFAULT_APPROVALS = 2;

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const channel = z.object({ id: z.string().min(1), name: z.string().optional(), reference: z.unknown().optional() }).nullable().optional();

/** The setup form, on both platforms. Channels left out keep their current value. */
export const settingsInputSchema = z.object({
  incidentsChannel: channel,
  approvalsChannel: channel,
  leadershipChannel: channel,
  defaultApprovals: z.coerce
    .number({ error: 'Choose how many approvals a release needs.' })
    .int('Approvals must be a whole number.')
    .min(1, 'A release needs at least 1 approval.')
    .max(5, 'A release can need at most 5 approvals.'),
  timeZone: z
    .string()
    .trim()
    .min(1, 'Enter a time zone such as Europe/Berlin or UTC.')
    .refine(isTimeZone, 'Not a time zone we know: use an IANA name such as Europe/Berlin, America/New_York or UTC.'),
});

export type SettingsInput = z.output<typeof settingsInputSchema>;

export const CHANNEL_COLUMN: Record<ChannelPurpose, 'incidentsChannel' | 'approvalsChannel' | 'leadershipChannel'> = {
  incidents: 'incidentsChannel',
  approvals: 'approvalsChannel',
  leadership: 'leadershipChannel',
};
