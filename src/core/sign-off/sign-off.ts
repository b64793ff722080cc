import { createHash } from 'node:crypto';
import type { Actor } from '../actor.ts';
import { canonicalJson } from '../canonical-json.ts';
import { AimsError } from '../errors.ts';
import { personLabel } from '../identity.ts';
import type { Repositories } from '../ports.ts';

/**
 * The sign-off engine: what every signed subject (a release, a risk's residual acceptance, a version of the SoA) shares. A
 * decision records the sha256 of the content it was given for; decisions count once per person; a
 * subject names the one person who may not sign it (its requester, its last editor); approvers hold the
 * approver role. Each area keeps its own decision rows and lifecycle: the rules are here, once.
 */

/** A recorded decision as the engine reads it. */
export interface SignOffDecision {
  personId: number;
  decision: string;
  active: boolean;
}

/** The sha256 of a subject's canonical content: the hash each decision records. */
export function signOffHash(content: unknown): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** A decision counts only for the content the person was shown: a stale card cannot sign an edit. */
export function requireSeen(key: string, contentHash: string, seenContentHash: string | undefined): void {
  if (seenContentHash !== undefined && seenContentHash !== contentHash)
    throw new AimsError('conflict', `${key} was edited since you saw it. Here it is as it stands now; please look again.`);
}

/** Separation of duties: the person a subject excludes (requester, last editor) never signs it. */
export function requireNotExcluded(actor: Actor, excludedPersonId: number | null, message: string): void {
  if (excludedPersonId !== null && actor.personId === excludedPersonId) throw new AimsError('forbidden', message);
}

/** Approvers only; the refusal names who holds the role (or says nobody does yet). */
export async function requireApprover(repos: Repositories, actor: Actor, message: string): Promise<void> {
  if (actor.roles.includes('approver')) return;
  const approvers = (await repos.roles.holders(actor.workspaceId, 'approver')).map((holder) => personLabel(holder));
  throw new AimsError('forbidden', message, {
    hint:
      approvers.length > 0 ? `Approvers: ${approvers.join(', ')}.` : 'This workspace has no approvers yet: an admin can grant the role.',
  });
}

/** Whether this person already has an active decision (a second click counts once). */
export function hasDecided(decisions: readonly SignOffDecision[], personId: number): boolean {
  return decisions.some((d) => d.active && d.personId === personId);
}

/** The distinct people whose active decision is `decision`, leaving out `except` (e.g. an owner counted on their own). */
export function countDecisions(decisions: readonly SignOffDecision[], decision: string, except: readonly number[] = []): number {
  return new Set(decisions.filter((d) => d.active && d.decision === decision && !except.includes(d.personId)).map((d) => d.personId)).size;
}
