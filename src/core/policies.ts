import type { Actor } from './actor.ts';
import { AimsError } from './errors.ts';
import { personLabel } from './identity.ts';
import type { Repositories } from './ports.ts';

/** Names the admins, so a refused member knows whom to ask. */
async function adminsHint(repos: Repositories, workspaceId: number): Promise<string> {
  const admins = (await repos.roles.holders(workspaceId, 'admin')).map((holder) => personLabel(holder));
  return admins.length === 0
    ? 'This workspace has no admin yet: set AIMS_ADMINS for the bot and talk to it again.'
    : `Ask an admin: ${admins.join(', ')}.`;
}

/** Admin-only actions refuse everyone else, telling them who the admins are. Nothing is written. */
export async function requireAdmin(repos: Repositories, actor: Actor, what: string): Promise<void> {
  if (actor.roles.includes('admin')) return;
  throw new AimsError('forbidden', `Only admins can ${what}.`, { hint: await adminsHint(repos, actor.workspaceId) });
}

/** The owner of an AI system, or an admin, may change it. */
export async function requireOwnerOrAdmin(
  repos: Repositories,
  actor: Actor,
  system: { name: string; ownerPersonId: number | null },
  what: string,
): Promise<void> {
  if (actor.roles.includes('admin') || system.ownerPersonId === actor.personId) return;
  const owner = system.ownerPersonId === null ? undefined : await repos.people.findById(actor.workspaceId, system.ownerPersonId);
  throw new AimsError('forbidden', `Only the owner of ${system.name} or an admin can ${what}.`, {
    hint: owner
      ? `The owner is ${personLabel(owner)}. ${await adminsHint(repos, actor.workspaceId)}`
      : await adminsHint(repos, actor.workspaceId),
  });
}

/** Some views are for given roles only (e.g. the training report: admins and leadership). */
export async function requireAnyRole(repos: Repositories, actor: Actor, roles: readonly string[], what: string): Promise<void> {
  if (actor.roles.some((role) => roles.includes(role))) return;
  throw new AimsError('forbidden', `Only ${roles.join(' and ')} can ${what}.`, { hint: await adminsHint(repos, actor.workspaceId) });
}
