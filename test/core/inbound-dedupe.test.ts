import { describe, expect, it, onTestFinished } from 'vitest';
import { bindKey, claimBound, InboundDedupe, replayOf, requestHashOf } from '../../src/core/inbound-dedupe.ts';
import { isAimsError } from '../../src/core/errors.ts';
import { openTestStore } from '../helpers/store-kinds.ts';
import { sqlOf } from '../helpers/test-sql.ts';
import { testClock, TEST_NOW } from '../helpers/test-store.ts';

/** This project's store, closed when the test ends. */
async function freshStore() {
  const store = await openTestStore();
  onTestFinished(async () => await store.close());
  return store;
}

describe('bound dedupe keys', () => {
  it('hash the canonical content: member order does not matter, any value does', () => {
    expect(requestHashOf({ a: 1, b: [1, 2] })).toBe(requestHashOf({ b: [1, 2], a: 1 }));
    expect(requestHashOf({ a: 1, b: [1, 2] })).not.toBe(requestHashOf({ a: 1, b: [2, 1] }));
    expect(requestHashOf({ version: '1.0.0' })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('replay the outcome for the same content, refuse other content naming what the key is bound to, and store the hash', async () => {
    const store = await freshStore();
    const bound = bindKey('form:slack:view:V1', { name: 'Fraud Scorer' });
    await store.write(async (repos) => expect(await replayOf(repos.dedupe, bound, () => 'x')).toBeUndefined());
    await store.write(async (repos) => expect(await claimBound(repos.dedupe, bound, null, TEST_NOW, { releaseId: 7 })).toBe(true));
    expect(await sqlOf(store).get('SELECT request_hash AS hash FROM inbound_dedupe_keys')).toEqual({ hash: bound.requestHash });
    await store.read(async (repos) =>
      expect(await replayOf(repos.dedupe, bindKey(bound.key, { name: 'Fraud Scorer' }), () => 'x')).toEqual({ outcome: { releaseId: 7 } }),
    );
    let refused: unknown;
    try {
      await store.read(
        async (repos) =>
          await replayOf<{ releaseId: number }>(
            repos.dedupe,
            bindKey(bound.key, { name: 'Credit Model' }),
            (outcome) => `REL-${outcome?.releaseId}`,
          ),
      );
    } catch (error) {
      refused = error;
    }
    expect(isAimsError(refused) && refused.code).toBe('idempotency_conflict');
    expect(isAimsError(refused) && refused.details.boundTo).toBe('REL-7');
  });

  it('keys stored before hashes were kept (request_hash null) are answered as before', async () => {
    const store = await freshStore();
    await store.write(async (repos) => await repos.dedupe.claim('legacy', null, TEST_NOW, { systemId: 1 }));
    await store.read(async (repos) =>
      expect(await replayOf(repos.dedupe, bindKey('legacy', { anything: true }), () => 'x')).toEqual({ outcome: { systemId: 1 } }),
    );
  });

  it('firstTime with content: a true repeat is false, the same key with other content throws', async () => {
    const dedupe = new InboundDedupe(await freshStore(), testClock());
    expect(await dedupe.firstTime('teams:activity:t:1', null, { text: 'aims help' })).toBe(true);
    expect(await dedupe.firstTime('teams:activity:t:1', null, { text: 'aims help' })).toBe(false);
    await expect(dedupe.firstTime('teams:activity:t:1', null, { text: 'aims status' })).rejects.toThrow('with different content');
  });
});
