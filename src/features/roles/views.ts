import { personLabel } from '../../core/identity.ts';
import type { RoleChange } from '../../core/role-service.ts';
import { GRANTABLE_ROLES, type RoleHolder } from '../../core/roles.ts';
import type { MessageView } from '../../chat/views/view.ts';

const TITLES = { admin: 'Admins', approver: 'Approvers', leadership: 'Leadership', trainer: 'Trainers' } as const;

/** Who holds which role; everyone else is a member. */
export function rolesListView(holders: RoleHolder[], prefix: string): MessageView {
  return {
    summary: 'Roles in this workspace',
    blocks: [
      { type: 'header', text: 'Roles' },
      {
        type: 'fields',
        fields: GRANTABLE_ROLES.map((role) => {
          const names = holders.filter((holder) => holder.role === role).map((holder) => personLabel(holder));
          return { label: TITLES[role], value: names.length > 0 ? names.join(', ') : 'nobody yet' };
        }),
      },
      {
        type: 'context',
        text: [
          { text: 'Everyone else is a member. Admins change roles with ' },
          { text: `${prefix}role grant @person approver`, style: 'code' },
        ],
      },
    ],
    visibility: 'private',
  };
}

export function roleChangedView(change: RoleChange, verb: 'grant' | 'revoke'): MessageView {
  const who = personLabel(change.person);
  const text = change.changed
    ? verb === 'grant'
      ? `${who} is now ${change.role === 'admin' ? 'an admin' : change.role === 'approver' ? 'an approver' : change.role === 'trainer' ? 'a trainer' : 'in leadership'}.`
      : `${who} no longer holds the ${change.role} role.`
    : verb === 'grant'
      ? `${who} already holds the ${change.role} role; nothing changed.`
      : `${who} does not hold the ${change.role} role; nothing changed.`;
  return { summary: text, blocks: [{ type: 'text', text }], visibility: 'private' };
}
