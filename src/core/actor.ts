import type { Contact } from './directory-service.ts';
import type { GrantableRole } from './roles.ts';

/** Who is acting, resolved from the platform identity: everything a policy needs to decide. */
export interface Actor {
  workspaceId: number;
  personId: number;
  roles: readonly GrantableRole[];
  /** "slack:U123 (ada)" — what the audit trail records as the actor. */
  label: string;
}

export function actorOf(contact: Contact): Actor {
  const { person } = contact;
  return {
    workspaceId: contact.workspace.id,
    personId: person.id,
    roles: contact.roles,
    label: `${person.platform}:${person.externalId}${person.displayName ? ` (${person.displayName})` : ''}`,
  };
}
