import { afterEach, describe, expect, it } from 'vitest';
import type { ChatRequest, RequestOrigin } from '../../src/chat/chat-request.ts';
import { ChatRouter } from '../../src/chat/chat-router.ts';
import { features } from '../../src/features/index.ts';
import { createLogger } from '../../src/logger.ts';
import { createServices } from '../../src/services.ts';
import type { Repositories } from '../../src/core/ports.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { openTestStore, STORE_KINDS } from '../helpers/store-kinds.ts';
import { testClock } from '../helpers/test-store.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

/** The store, with every people/roles/workspaces/settings repository call counted (the reads a recognised person skips). */
function counted(inner: GovernanceStore): { store: GovernanceStore; calls: () => number; reset: () => void } {
  let calls = 0;
  const watched = ['people', 'roles', 'workspaces', 'settings'];
  const wrapRepos = (repos: Repositories): Repositories =>
    new Proxy(repos, {
      get(target, name, receiver) {
        const repo: unknown = Reflect.get(target, name, receiver);
        if (typeof name !== 'string' || !watched.includes(name) || typeof repo !== 'object' || repo === null) return repo;
        return new Proxy(repo, {
          get(r, method, rr) {
            const value: unknown = Reflect.get(r, method, rr);
            if (typeof value !== 'function') return value;
            return (...args: unknown[]) => {
              calls += 1;
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
  return {
    store: wrapped,
    calls: () => calls,
    reset: () => {
      calls = 0;
    },
  };
}

/** A router over `over`, as one process of the bot (its own caches). */
function routerOver(over: GovernanceStore) {
  const services = createServices({
    store: over,
    clock: testClock(),
    directory: { seedAdmins: [{ platform: 'slack', userId: 'U1' }], firstContactBecomesAdmin: false },
    defaultTimeZone: 'UTC',
    logger: createLogger('error', {}, () => undefined),
  });
  return { services, router: new ChatRouter(services, features) };
}

let n = 0;
const origin = (user: string, extra: Partial<RequestOrigin['contact']> = {}): RequestOrigin => ({
  requestId: `req-${++n}`,
  contact: { platform: 'slack', workspaceExternalId: 'T1', userExternalId: user, ...extra },
});
const command = (user: string, text: string, extra: Partial<RequestOrigin['contact']> = {}): ChatRequest => ({
  ...origin(user, extra),
  source: 'command',
  text,
  dedupeKey: `slack:trigger:${n}`,
});

describe.each(STORE_KINDS)('who is asking, recognised from memory on %s', (kind) => {
  it('a known person in an unchanged workspace is answered without reading them, their roles or the settings again', async () => {
    store = await openTestStore(kind);
    const watched = counted(store);
    const { router } = routerOver(watched.store);
    await router.handle(command('U1', 'help'));
    // Met (written), then read once (and kept with the workspace's sequence).
    await router.handle(command('U2', 'help'));
    await router.handle(command('U2', 'help'));
    watched.reset();
    const response = await router.handle(command('U2', 'help'));
    expect(response.kind).toBe('message');
    expect(watched.calls()).toBe(0);
  });

  it('a role granted, a rename, a new person and a new time zone, made by another process, are seen by the next request', async () => {
    store = await openTestStore(kind);
    const here = routerOver(store);
    const there = routerOver(store);
    const who = async (user: string, extra: Partial<RequestOrigin['contact']> = {}) =>
      await here.router.within(origin(user, extra), (ctx) => ({ contact: ctx.contact, timeZone: ctx.timeZone }));

    const admin = await here.router.within(origin('U1'), (ctx) => ctx.actor);
    const before = await who('U2');
    expect(before.contact.roles).toEqual([]);
    expect(before.timeZone).toBe('UTC');
    // Recognised from memory now; the grant lands through the other process.
    expect((await who('U2')).contact.roles).toEqual([]);
    await there.services.roles.grant(admin, before.contact.person.id, 'approver');
    expect((await who('U2')).contact.roles).toEqual(['approver']);
    await there.services.roles.revoke(admin, before.contact.person.id, 'approver');
    expect((await who('U2')).contact.roles).toEqual([]);

    // Renamed elsewhere (a form naming them): the next request has the new name.
    await there.services.directory.ensurePerson(before.contact.workspace, 'U2', 'Grace Hopper');
    expect((await who('U2')).contact.person.displayName).toBe('Grace Hopper');
    // The platform reports another name: the person is renamed, and the name is what the request sees.
    expect((await who('U2', { displayName: 'Grace B. Hopper' })).contact.person.displayName).toBe('Grace B. Hopper');
    expect(await there.router.within(origin('U2'), (ctx) => ctx.contact.person.displayName)).toBe('Grace B. Hopper');

    // A new person is written (and recognised after).
    const newcomer = await who('U3', { displayName: 'Ada' });
    expect(newcomer.contact.person.id).toBeGreaterThan(0);
    expect((await who('U3')).contact.person.id).toBe(newcomer.contact.person.id);

    // The time zone changed in the setup: the next request reads it.
    await there.services.settings.update(admin, {
      timeZone: 'Europe/Paris',
      defaultApprovals: 1,
      nudgeHour: 9,
      digestWeekday: 1,
      digestHour: 9,
    });
    expect((await who('U2')).timeZone).toBe('Europe/Paris');
  });

  it('a change in any area moves the workspace sequence, so the person is read again (and a copy changed by a caller is not the cache)', async () => {
    store = await openTestStore(kind);
    const watched = counted(store);
    const { router, services } = routerOver(watched.store);
    const admin = await router.within(origin('U1'), (ctx) => ctx.actor);
    const mine = await router.within(origin('U1'), (ctx) => ctx.contact);
    mine.roles.push('approver');
    expect((await router.within(origin('U1'), (ctx) => ctx.contact)).roles).toEqual(['admin']);
    watched.reset();
    await router.within(origin('U1'), (ctx) => ctx.contact);
    expect(watched.calls()).toBe(0);
    // An AI system registered: an audit event in the workspace's chain.
    await services.systems.add(admin, {
      name: 'Fraud Scorer',
      description: 'Scores payments.',
      purpose: 'Hold fraud.',
      ownerPersonId: admin.personId,
      euRiskLevel: 'high',
      internalTier: 'tier-1',
      stage: 'production',
      provider: 'in-house',
    });
    watched.reset();
    await router.within(origin('U1'), (ctx) => ctx.contact);
    expect(watched.calls()).toBeGreaterThan(0);
  });
});
