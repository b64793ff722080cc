import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import type { Clock } from './clock.ts';
import { AimsError, isAimsError } from './errors.ts';
import type { Platform } from './identity.ts';
import type { DedupeRepository, Repositories, UnitOfWork } from './ports.ts';

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

/**
 * The record an earlier submission under `bound` made (a retry or a double submit is answered with it,
 * unchanged), or undefined for a first one. The outcome kept with the key names the record's id under
 * `idKey`; `find` reads it in the caller's unit; `label` names it in the refusal of the same key sent
 * with other content ("it is bound to INC-3").
 */
export async function replayedRecord<R>(
  dedupe: DedupeRepository,
  bound: BoundKey | undefined,
  idKey: string,
  find: (id: number) => Promise<R | undefined>,
  label: (record: R | undefined) => string,
): Promise<R | undefined> {
  const idIn = (outcome: Record<string, unknown> | null) => (typeof outcome?.[idKey] === 'number' ? (outcome[idKey] as number) : undefined);
  const replay = await replayOf<Record<string, unknown>>(dedupe, bound, async (outcome) => {
    const id = idIn(outcome);
    return label(id === undefined ? undefined : await find(id));
  });
  const id = replay ? idIn(replay.outcome) : undefined;
  return id === undefined ? undefined : await find(id);
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
  private readonly claims: DeliveryClaims;

  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
  ) {
    this.claims = new DeliveryClaims(store, clock);
  }

  /** The store's units for every service: the first write of a request claims its pending key (see DeliveryClaims). */
  get units(): UnitOfWork {
    return this.claims.units;
  }

  /**
   * True when `key` was claimed before (a repeat): a read, nothing is claimed. With `content`, the key
   * is bound to it: a repeat carrying other content is a conflict (thrown).
   */
  async seen(key: string, content?: unknown): Promise<boolean> {
    const bound = content === undefined ? undefined : bindKey(key, content);
    return await this.store.read(async (repos) => {
      if (bound) return (await replayOf(repos.dedupe, bound, () => 'an earlier message')) !== undefined;
      return (await repos.dedupe.find(key)) !== undefined;
    });
  }

  /**
   * Runs a request's work with its key pending: the request's first write unit claims it, with the
   * change; a request that writes nothing leaves no key. A repeat that raced the first to write fails
   * with RepeatDelivery (its change undone). When the work fails unexpectedly after claiming, the key
   * is forgotten so that the platform's retry runs it again; a refusal (a domain error) was an answer.
   */
  async once<T>(
    delivery: { key: string; content: unknown; platform: Platform; workspaceExternalId: string },
    work: () => Promise<T>,
  ): Promise<T> {
    const claim = this.claims.pending(bindKey(delivery.key, delivery.content), delivery.platform, delivery.workspaceExternalId);
    try {
      return await this.claims.during(claim, work);
    } catch (error) {
      if (DeliveryClaims.claimed(claim) && !isAimsError(error)) await this.forget(delivery.key);
      throw error;
    }
  }

  /** True the first time `key` is seen; false for every repeat (backed by a primary key). */
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

/** Thrown inside a write unit whose delivery was already claimed by another run of it: the unit is undone. */
export class RepeatDelivery extends Error {
  constructor(readonly key: string) {
    super(`delivery ${key} was handled already`);
  }
}

/** The delivery a request runs for, until it writes. */
export interface PendingClaim {
  bound: BoundKey;
  platform: Platform;
  workspaceExternalId: string;
  state: 'pending' | 'claiming' | 'claimed' | 'closed';
}

/**
 * Inbound dedupe keys claimed on a request's first write, in that write's own unit: a request that
 * changes nothing (status, help, a list, opening a form) writes no key and opens no write unit, and one
 * that changes something claims its key atomically with the change. Two deliveries of the same request
 * racing to write: the second one's unit fails on the key's primary key and is undone (RepeatDelivery).
 * Every service writes through `units`.
 */
export class DeliveryClaims {
  private readonly scope = new AsyncLocalStorage<PendingClaim>();
  /** The store's units, with the pending claim of the request they run for (if any) taken by the first write. */
  readonly units: UnitOfWork;

  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
  ) {
    this.units = {
      read: async (work) => await this.store.read(work),
      write: async (work) => await this.write(work),
      changeMark: () => this.store.changeMark?.(),
    };
  }

  /** A request's key, pending until its first write claims it. */
  pending(bound: BoundKey, platform: Platform, workspaceExternalId: string): PendingClaim {
    return { bound, platform, workspaceExternalId, state: 'pending' };
  }

  /** Runs a request's work with `claim` pending (see `claimed`); once `work` has ended, nothing claims it any more. */
  async during<T>(claim: PendingClaim, work: () => Promise<T>): Promise<T> {
    try {
      return await this.scope.run(claim, work);
    } finally {
      if (claim.state !== 'claimed') claim.state = 'closed';
    }
  }

  /** Whether a write of the request claimed its key (a failed request forgets it, so that a retry runs it again). */
  static claimed(claim: PendingClaim): boolean {
    return claim.state === 'claimed';
  }

  private async write<T>(work: (repos: Repositories) => Promise<T> | T): Promise<T> {
    const pending = this.scope.getStore();
    if (pending?.state !== 'pending') return await this.store.write(work);
    pending.state = 'claiming';
    try {
      const result = await this.store.write(async (repos) => {
        const done = await work(repos);
        // After the work: a workspace met for the first time in this unit exists by now.
        const workspace = await repos.workspaces.findByExternalId(pending.platform, pending.workspaceExternalId);
        const at = this.clock.now().toISOString();
        if (!(await repos.dedupe.claim(pending.bound.key, workspace?.id ?? null, at, undefined, pending.bound.requestHash))) {
          await replayOf(repos.dedupe, pending.bound, () => 'an earlier message');
          throw new RepeatDelivery(pending.bound.key);
        }
        return done;
      });
      pending.state = 'claimed';
      return result;
    } catch (error) {
      if (pending.state === 'claiming') pending.state = 'pending';
      throw error;
    }
  }
}
