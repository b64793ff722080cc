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
  /** Hour (0-23, workspace time zone) of the daily nudges. */
  nudgeHour: number;
  /** Weekday (1 Monday .. 7 Sunday) and hour of the weekly digest. */
  digestWeekday: number;
  digestHour: number;
  updatedAt: string;
}

export const DEFAULT_SCHEDULE = { nudgeHour: 8, digestWeekday: 1, digestHour: 9 } as const;

/** The workspace's local weekday (1 Monday .. 7 Sunday) and hour at an instant. */
export function localWeekdayHour(at: Date, timeZone: string): { weekday: number; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(String(parts.weekday)) + 1;
  return { weekday, hour: Number(parts.hour) };
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

const channel = z
  .object({ id: z.string().min(1), name: z.string().optional(), reference: z.unknown().optional() })
  .nullable()
  .optional();

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
  nudgeHour: z.coerce.number().int().min(0, 'An hour from 0 to 23.').max(23, 'An hour from 0 to 23.').default(DEFAULT_SCHEDULE.nudgeHour),
  digestWeekday: z.coerce
    .number()
    .int()
    .min(1, 'A weekday from 1 (Monday) to 7 (Sunday).')
    .max(7, 'A weekday from 1 (Monday) to 7 (Sunday).')
    .default(DEFAULT_SCHEDULE.digestWeekday),
  digestHour: z.coerce.number().int().min(0, 'An hour from 0 to 23.').max(23, 'An hour from 0 to 23.').default(DEFAULT_SCHEDULE.digestHour),
});

export type SettingsInput = z.output<typeof settingsInputSchema>;

export const CHANNEL_COLUMN: Record<ChannelPurpose, 'incidentsChannel' | 'approvalsChannel' | 'leadershipChannel'> = {
  incidents: 'incidentsChannel',
  approvals: 'approvalsChannel',
  leadership: 'leadershipChannel',
};
