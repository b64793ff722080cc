import { AimsError } from '../../core/errors.ts';
import { parseRole } from '../../core/role-service.ts';
import { roleChangedView, rolesListView } from './views.ts';
import { message, type ChatResponse } from '../../chat/views/view.ts';
import type { CommandContext } from '../../chat/commands/command-context.ts';

/** `role grant @person <role> | role revoke @person <role> | role list` */
export async function roleCommand(ctx: CommandContext): Promise<ChatResponse> {
  const { services, actor, args, prefix, request, contact } = ctx;
  const sub = (args[0] ?? 'list').toLowerCase();
  if (sub === 'list') return message(rolesListView(await services.roles.list(actor.workspaceId), prefix));
  if (sub !== 'grant' && sub !== 'revoke') {
    throw new AimsError(
      'invalid_input',
      `Use ${prefix}role grant @person <role>, ${prefix}role revoke @person <role> or ${prefix}role list.`,
    );
  }
  const mention = request.mentions?.[0];
  if (!mention) {
    throw new AimsError('invalid_input', `Mention the person: ${prefix}role ${sub} @person ${args.at(-1) ?? 'approver'}`);
  }
  // Refuse before anything is written: meeting the mentioned person would be a change too.
  await services.roles.requireAdmin(actor, sub === 'grant' ? 'grant roles' : 'revoke roles');
  // The role is the last word; the words before it are the mention as the platform wrote it.
  const role = parseRole(args.length >= 3 ? args.at(-1) : undefined);
  const person = await services.directory.ensurePerson(contact.workspace, mention.externalId, mention.displayName, actor.label);
  const change = sub === 'grant' ? await services.roles.grant(actor, person.id, role) : await services.roles.revoke(actor, person.id, role);
  return message(roleChangedView(change, sub));
}
