import { AimsError } from '../../core/errors.ts';
import { CHANNEL_PURPOSES, type ChannelPurpose } from '../../core/settings/workspace-settings.ts';
import { setupForm } from './forms.ts';
import { channelSetView, setupSummaryView } from './views.ts';
import { message, type ChatResponse } from '../../chat/views/view.ts';
import type { CommandContext } from '../../chat/commands/command-context.ts';

/** `setup` opens the form; `setup channel <incidents|approvals|leadership>` uses this conversation; `setup show`. */
export async function setupCommand(ctx: CommandContext): Promise<ChatResponse> {
  const { services, actor, args, request, contact, prefix } = ctx;
  const sub = (args[0] ?? '').toLowerCase();
  if (sub === 'show') return message(setupSummaryView(await services.settings.get(actor.workspaceId), 'Setup of this workspace'));
  if (sub === 'channel') {
    const purpose = (args[1] ?? '').toLowerCase() as ChannelPurpose;
    if (!CHANNEL_PURPOSES.includes(purpose)) {
      throw new AimsError('invalid_input', `Say which channel this is: ${prefix}setup channel ${CHANNEL_PURPOSES.join('|')}.`);
    }
    const conversation = request.conversation;
    if (!conversation || conversation.kind === 'direct') {
      throw new AimsError('invalid_input', `Run ${prefix}setup channel ${purpose} in the channel you want to use, not in a direct chat.`);
    }
    const settings = await services.settings.setChannel(actor, purpose, {
      id: conversation.id,
      ...(conversation.name ? { name: conversation.name } : {}),
      ...(conversation.reference === undefined ? {} : { reference: conversation.reference }),
    });
    return message(channelSetView(purpose, settings));
  }
  if (sub !== '')
    throw new AimsError(
      'invalid_input',
      `Use ${prefix}setup, ${prefix}setup show or ${prefix}setup channel <incidents|approvals|leadership>.`,
    );
  // Refuse before the form opens: a member should not fill in a form only to be told no.
  await services.roles.requireAdmin(actor, 'change the setup');
  return { kind: 'form', form: setupForm(await services.settings.get(actor.workspaceId), contact.workspace.platform) };
}
