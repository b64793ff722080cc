import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/chat/chat-request.ts';
import { ChatRouter } from '../../src/chat/chat-router.ts';
import { plainText, type ChatResponse } from '../../src/chat/views/view.ts';
import { AimsError } from '../../src/core/errors.ts';
import { StatusService } from '../../src/core/status-service.ts';
import { createLogger } from '../../src/logger.ts';
import { createServices } from '../../src/services.ts';
import { features } from '../../src/features/index.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { openTestStore, STORE_KINDS, type StoreKind } from '../helpers/store-kinds.ts';
import { testClock } from '../helpers/test-store.ts';

let store: GovernanceStore;
let storeKind: StoreKind = 'sqlite';
afterEach(async () => await store.close());

async function routerWith(status?: Partial<StatusService>, logLines: string[] = []) {
  store = await openTestStore(storeKind);
  const services = createServices({
    store,
    clock: testClock(),
    directory: { seedAdmins: [], firstContactBecomesAdmin: false },
    defaultTimeZone: 'Europe/Berlin',
    logger: createLogger('error', {}, (line) => logLines.push(line)),
  });
  // A stub summarize keeps no snapshot: nothing time-bound to wait for (keptUntil) unless the stub says.
  return new ChatRouter(status ? { ...services, status: { keptUntil: () => undefined, ...status } as StatusService } : services, features);
}

const request = (text: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  requestId: 'req-1',
  source: 'command',
  text,
  contact: { platform: 'slack', workspaceExternalId: 'T1', userExternalId: 'U1' },
  ...extra,
});

const viewOf = (response: ChatResponse) => (response.kind === 'message' ? response.view : undefined);
const words = (response: ChatResponse) =>
  JSON.stringify(viewOf(response)?.blocks.map((block) => ('text' in block ? plainText(block.text) : block)));

describe.each(STORE_KINDS)('ChatRouter on %s', (kind) => {
  beforeEach(() => {
    storeKind = kind;
  });
  it('routes help and status, and shows times in the workspace time zone', async () => {
    const router = await routerWith();
    expect(words(await router.handle(request('help')))).toContain('/aims status');
    expect(words(await router.handle(request('')))).toContain('/aims help');
    // 10:00 UTC is 11:00 in Berlin in November.
    const status = await router.handle(request('status'));
    expect(words(status)).toContain('22 Nov 2026 11:00');
    // An empty workspace gets the checklist, not a page of zeros.
    expect(viewOf(status)?.summary).toBe('AIMS status: nothing recorded yet. Get started: add your first AI system.');
    expect(words(status)).not.toContain('People known');
  });

  it('uses the platform’s way of typing commands in help', async () => {
    const router = await routerWith();
    const view = await router.handle(request('help', { contact: { platform: 'teams', workspaceExternalId: 't', userExternalId: 'u' } }));
    expect(words(view)).toContain('aims status');
    expect(words(view)).not.toContain('/aims');
  });

  it('turns a domain error into its message and hint', async () => {
    const router = await routerWith({
      summarize: () => {
        throw new AimsError('forbidden', 'Only admins can do that.', { hint: 'Ask Ada.' });
      },
    });
    const view = await router.handle(request('status'));
    expect(viewOf(view)?.summary).toBe('Only admins can do that.');
    expect(words(view)).toContain('Ask Ada.');
  });

  it('turns an unexpected error into a plain failure with the request id, and logs it', async () => {
    const lines: string[] = [];
    const router = await routerWith(
      {
        summarize: () => {
          throw new Error('disk on fire');
        },
      },
      lines,
    );
    const view = await router.handle(request('status'));
    expect(viewOf(view)?.summary).toContain('something failed on our side');
    expect(words(view)).toContain('req-1');
    expect(words(view)).not.toContain('disk on fire');
    expect(lines.join('\n')).toContain('disk on fire');
    expect(lines.join('\n')).toContain('req-1');
  });

  it('answers a delivery once per dedupe key', async () => {
    const router = await routerWith();
    expect((await router.handle(request('status', { dedupeKey: 'k1' }))).kind).toBe('message');
    expect((await router.handle(request('status', { dedupeKey: 'k1' }))).kind).toBe('none');
    expect((await router.handle(request('status', { dedupeKey: 'k2' }))).kind).toBe('message');
  });

  it('a delivery that failed unexpectedly is run again by its retry; a refusal or a success is answered once', async () => {
    let calls = 0;
    const router = await routerWith({
      summarize: async () => {
        calls += 1;
        if (calls === 1) throw new Error('disk on fire');
        return await new StatusService(store, testClock(), 'UTC').summarize(1, 1);
      },
    });
    const delivery = request('status', { source: 'message', dedupeKey: 'slack:event:Ev1' });
    expect(words(await router.handle(delivery))).toContain('failed');
    // The platform retries the same event: it runs now instead of being ignored as a repeat.
    expect((await router.handle(delivery)).kind).toBe('message');
    expect(calls).toBe(2);
    // Answered once it succeeded: a further retry is a repeat.
    expect((await router.handle(delivery)).kind).toBe('none');
    expect(calls).toBe(2);
  });
});
