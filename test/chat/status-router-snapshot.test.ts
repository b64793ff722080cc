import { afterEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/chat/chat-request.ts';
import { ChatRouter } from '../../src/chat/chat-router.ts';
import { plainText, type ChatResponse } from '../../src/chat/views/view.ts';
import type { Repositories } from '../../src/core/ports.ts';
import { features } from '../../src/features/index.ts';
import { createLogger } from '../../src/logger.ts';
import { createServices } from '../../src/services.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { openTestStore, STORE_KINDS } from '../helpers/store-kinds.ts';
import { testClock } from '../helpers/test-store.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

/** The areas' repositories whose figures a status reads: a call to any of them is an area query. */
const AREA_REPOS = ['training', 'incidents', 'actions', 'releases', 'reviews', 'aiSystems', 'risks', 'soa', 'roles', 'people'];

/** The store, with every call an area repository gets through a read or a write unit counted by "repo.method". */
function counted(inner: GovernanceStore): { store: GovernanceStore; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const wrapRepos = (repos: Repositories): Repositories =>
    new Proxy(repos, {
      get(target, name, receiver) {
        const repo: unknown = Reflect.get(target, name, receiver);
        if (typeof name !== 'string' || !AREA_REPOS.includes(name) || typeof repo !== 'object' || repo === null) return repo;
        return new Proxy(repo, {
          get(r, method, rr) {
            const value: unknown = Reflect.get(r, method, rr);
            if (typeof value !== 'function' || typeof method !== 'string') return value;
            return (...args: unknown[]) => {
              calls.set(`${name}.${method}`, (calls.get(`${name}.${method}`) ?? 0) + 1);
              return (value as (...a: unknown[]) => unknown).apply(r, args);
            };
          },
        });
      },
    });
  const wrapped = new Proxy(inner, {
    get(target, name) {
      if (name === 'read' || name === 'write')
        return async <T>(work: (repos: Repositories) => Promise<T>) =>
          await target[name](async (repos: Repositories) => await work(wrapRepos(repos)));
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: wrapped, calls };
}

const request = (text: string, user = 'U1', n = 0, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  requestId: `req-${text}-${n}`,
  source: 'command',
  text,
  contact: { platform: 'slack', workspaceExternalId: 'T1', userExternalId: user },
  ...extra,
});

const words = (response: ChatResponse) =>
  response.kind === 'message' ? JSON.stringify(response.view.blocks.map((block) => ('text' in block ? plainText(block.text) : block))) : '';

describe.each(STORE_KINDS)('status through the chat router on %s', (kind) => {
  it('a second status with nothing changed runs no area query, and a change shows in the very next one', async () => {
    store = await openTestStore(kind);
    const { store: countedStore, calls } = counted(store);
    const services = createServices({
      store: countedStore,
      clock: testClock(),
      directory: { seedAdmins: [], firstContactBecomesAdmin: true },
      defaultTimeZone: 'UTC',
      logger: createLogger('error', {}, () => undefined),
    });
    const router = new ChatRouter(services, features);
    // The admin is recognised and the workspace filled a little before the status is asked.
    expect(words(await router.handle(request('help')))).toContain('/aims status');
    await router.handle(request('status', 'U1', 1));
    // Who is asking, their roles and what waits on their approval are read every time; nothing else.
    const areaQueries = () =>
      [...calls].filter(([key]) => !key.startsWith('people.') && !key.startsWith('roles.') && key !== 'releases.waitingOn');
    // The first status reads the areas (training standing among them).
    expect(calls.get('training.standing') ?? 0).toBeGreaterThan(0);
    calls.clear();

    const second = await router.handle(request('status', 'U1', 2));
    expect(areaQueries()).toEqual([]);
    // The workspace is empty: the status leads with the first-run guide, which counts the approvers.
    expect(words(second)).toContain('0 approvers');

    const granted = await router.handle(
      request('role grant <@U2> approver', 'U1', 3, { mentions: [{ externalId: 'U2', displayName: 'Ann' }] }),
    );
    expect(words(granted)).not.toContain('Mention the person');
    calls.clear();
    const third = await router.handle(request('status', 'U1', 4));
    // The grant wrote an audit event: the areas are read again and the new approver shows.
    expect(calls.get('training.standing') ?? 0).toBeGreaterThan(0);
    expect(words(third)).toContain('1 approver;');
    expect(words(third)).not.toContain('0 approvers');
  });
});
