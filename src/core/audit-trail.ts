import type { Actor } from './actor.ts';
import type { Repositories } from './ports.ts';

/** What an area says happened: the rest of an audit event (who did it) comes from the actor. */
export interface AuditFact {
  workspaceId: number;
  action: string;
  subject: string;
  before: unknown;
  after: unknown;
}

/** Appends one audit event in the caller's unit of work, by `actor` (null: the bot itself, e.g. a job). */
export async function appendAuditBy(repos: Repositories, actor: Actor | null, fact: AuditFact, at: string): Promise<void> {
  await repos.audit.append({ ...fact, actorPersonId: actor?.personId ?? null, actor: actor?.label ?? 'system' }, at);
}
