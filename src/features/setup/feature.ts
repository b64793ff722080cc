import { setupCommand } from './commands.ts';
import type { Feature, FormSpec } from '../../chat/feature.ts';
import { setupForm, settingsInputFrom } from './forms.ts';
import { setupSummaryView } from './views.ts';

export const SETUP_FORM = 'setup';

/** Channel names the platform told for the chosen channels, kept with them. */
function withChannelNames(raw: Record<string, unknown>, labels: Record<string, string> | undefined): Record<string, unknown> {
  const out = { ...raw };
  for (const key of ['incidentsChannel', 'approvalsChannel', 'leadershipChannel']) {
    const channel = out[key] as { id: string } | null | undefined;
    const name = channel ? labels?.[channel.id] : undefined;
    if (channel && name) out[key] = { ...channel, name };
  }
  return out;
}

const setup: FormSpec<typeof SETUP_FORM> = {
  id: SETUP_FORM,
  open: async ({ services, actor, contact }) => setupForm(await services.settings.get(actor.workspaceId), contact.workspace.platform),
  submit: async ({ services, actor, contact }, submission) => {
    const settings = await services.settings.update(
      actor,
      withChannelNames(settingsInputFrom(submission.values, contact.workspace.platform), submission.labels),
    );
    return { kind: 'done', view: setupSummaryView(settings, 'Setup saved.') };
  },
};

/** Channels, approvals a release needs, time zone, digest and nudge hours (admins). */
export const setupFeature: Feature = {
  name: 'setup',
  commands: [
    {
      word: 'setup',
      usage: 'setup | setup channel <incidents|approvals|leadership>',
      group: 'admin',
      button: { label: 'Open setup', form: SETUP_FORM },
      summary: 'Channels, approvals a release needs, time zone (admins).',
      handle: setupCommand,
    },
  ],
  forms: [setup],
};
