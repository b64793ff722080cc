import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import type { Clock } from './clock.ts';
import { AimsError } from './errors.ts';
import type { DedupeRepository, UnitOfWork } from './ports.ts';

/** A dedupe (idempotency) key with the sha256 of what it carried. */
export interface BoundKey {
  key: string;
  requestHash: string;
}

/** sha256 (hex) of the canonical JSON of a request: the same content always hashes the same. */
export function requestHashOf(content: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(content ?? null))
    .digest('hex');
}

/** A submission key bound to who sent what (a form's values, a pipeline's body). */
export function bindKey(key: string, content: unknown, requestHash: string = requestHashOf(content)): BoundKey {
  return { key, requestHash };
}

/** The refusal for a key reused with other content: names what the key is bound to. */
export function idempotencyConflict(boundTo: string): AimsError {
  return new AimsError(
    'idempotency_conflict',
    `This was already submitted (it is bound to ${boundTo}) with different content, so nothing was changed. Start again to submit something new.`,
    { boundTo },
  );
}

/**
 * The first use of a bound key, when it carried the same content: `{ outcome }` to answer as the
 * first time; undefined when the key is new. The same key with different content is a conflict,
 * never the earlier answer. Call inside the write transaction that then claims the key.
 */
export async function replayOf<T>(
  dedupe: DedupeRepository,
  bound: BoundKey | undefined,
  boundTo: (outcome: T | null) => Promise<string> | string,
): Promise<{ outcome: T | null } | undefined> {
  if (!bound) return undefined;
  const seen = await dedupe.find(bound.key);
  if (!seen) return undefined;
  // Keys stored before hashes were kept (request_hash null) are answered as before.
  if (seen.requestHash !== null && seen.requestHash !== bound.requestHash)
    throw idempotencyConflict(await boundTo((seen.outcome ?? null) as T | null));
  return { outcome: (seen.outcome ?? null) as T | null };
}

/** Claims a bound key with what it produced; false when it was claimed before. */
export async function claimBound(
  dedupe: DedupeRepository,
  bound: BoundKey | undefined,
  workspaceId: number | null,
  at: string,
  outcome?: unknown,
): Promise<boolean> {
  if (!bound) return true;
  return await dedupe.claim(bound.key, workspaceId, at, outcome, bound.requestHash);
}

/** Remembers inbound deliveries so a platform retry or a double click is handled once. */
export class InboundDedupe {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /**
   * True the first time `key` is seen; false for every repeat (backed by a primary key). With
   * `content`, the key is bound to it: a repeat carrying other content is a conflict (thrown).
   */
  async firstTime(key: string, workspaceId: number | null, content?: unknown): Promise<boolean> {
    const bound = content === undefined ? undefined : bindKey(key, content);
    return await this.store.write(async (repos) => {
      if (await repos.dedupe.claim(key, workspaceId, this.clock.now().toISOString(), undefined, bound?.requestHash)) return true;
      await replayOf(repos.dedupe, bound, () => 'an earlier message');
      return false;
    });
  }

  /** Forgets a claimed key: its delivery failed unexpectedly, and a retry must run it rather than be ignored. */
  async forget(key: string): Promise<void> {
    await this.store.write(async (repos) => await repos.dedupe.forget(key));
  }

  /** Throws the conflict when `bound.key` was used with other content (a read: nothing is claimed). */
  async assertBound(bound: BoundKey, boundTo: (outcome: unknown) => string): Promise<void> {
    await this.store.read(async (repos) => await replayOf(repos.dedupe, bound, boundTo));
  }

  /** Forgets keys older than `days` days; platforms stop retrying long before that. */
  async prune(days: number): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - days * 86_400_000).toISOString();
    return await this.store.write(async (repos) => await repos.dedupe.pruneBefore(cutoff));
  }
}
