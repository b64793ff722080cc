import type { Platform } from '../../core/identity.ts';
import type { WorkspaceSettings } from '../../core/settings/workspace-settings.ts';
import type { FormField, FormValues, FormView } from '../../chat/views/form.ts';

const HOURS = Array.from({ length: 24 }, (_, h) => ({ value: String(h), label: `${String(h).padStart(2, '0')}:00` }));
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].map((day, i) => ({
  value: String(i + 1),
  label: day,
}));

const APPROVAL_CHOICES = ['1', '2', '3', '4', '5'].map((n) => ({ value: n, label: n === '1' ? '1 approval' : `${n} approvals` }));

/**
 * The setup form. Slack picks channels in the form; a Teams card cannot list channels, so there
 * each channel is chosen by running `aims setup channel <purpose>` in it.
 */
export function setupForm(settings: WorkspaceSettings, platform: Platform): FormView {
  const channelFields: FormField[] =
    platform === 'slack'
      ? [
          {
            id: 'incidentsChannel',
            label: 'Incidents channel',
            kind: 'channel',
            required: false,
            hint: 'New incidents are posted here.',
            initial: settings.incidentsChannel?.id,
          },
          {
            id: 'approvalsChannel',
            label: 'Approvals channel',
            kind: 'channel',
            required: false,
            hint: 'Release sign-off requests with Approve / Reject buttons.',
            initial: settings.approvalsChannel?.id,
          },
          {
            id: 'leadershipChannel',
            label: 'Leadership channel',
            kind: 'channel',
            required: false,
            hint: 'The weekly digest and escalations.',
            initial: settings.leadershipChannel?.id,
          },
        ]
      : [];
  return {
    type: 'setup',
    title: 'Set up aims-bot',
    submitLabel: 'Save',
    ...(platform === 'teams'
      ? {
          intro: [
            { text: 'To choose a channel, go to it and send ' },
            { text: 'aims setup channel incidents', style: 'code' as const },
            { text: ' (or approvals, or leadership).' },
          ],
        }
      : {}),
    fields: [
      ...channelFields,
      {
        id: 'defaultApprovals',
        label: 'Approvals a release needs',
        kind: 'select',
        required: true,
        options: APPROVAL_CHOICES,
        initial: String(settings.defaultApprovals),
      },
      {
        id: 'timeZone',
        label: 'Time zone',
        kind: 'text',
        required: true,
        maxLength: 64,
        placeholder: 'e.g. Europe/Berlin',
        hint: 'IANA name; dates are shown in it.',
        initial: settings.timeZone ?? undefined,
      },
      { id: 'nudgeHour', label: 'Daily nudges at', kind: 'select', required: true, options: HOURS, initial: String(settings.nudgeHour) },
      {
        id: 'digestWeekday',
        label: 'Weekly digest on',
        kind: 'select',
        required: true,
        options: WEEKDAYS,
        initial: String(settings.digestWeekday),
      },
      { id: 'digestHour', label: 'Weekly digest at', kind: 'select', required: true, options: HOURS, initial: String(settings.digestHour) },
    ],
    context: {},
  };
}

/** Form values to the settings schema's shape; channel fields absent on Teams stay unchanged. */
export function settingsInputFrom(values: FormValues, platform: Platform): Record<string, unknown> {
  const channel = (id: string | undefined) => (id ? { id } : null);
  return {
    ...(platform === 'slack'
      ? {
          incidentsChannel: channel(values.incidentsChannel),
          approvalsChannel: channel(values.approvalsChannel),
          leadershipChannel: channel(values.leadershipChannel),
        }
      : {}),
    defaultApprovals: values.defaultApprovals,
    timeZone: values.timeZone,
    ...(values.nudgeHour ? { nudgeHour: values.nudgeHour } : {}),
    ...(values.digestWeekday ? { digestWeekday: values.digestWeekday } : {}),
    ...(values.digestHour ? { digestHour: values.digestHour } : {}),
  };
}
