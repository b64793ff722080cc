import { afterEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/chat/chat-request.ts';
import { ChatRouter } from '../../src/chat/chat-router.ts';
import { plainText } from '../../src/chat/views/view.ts';
import { AimsError } from '../../src/core/errors.ts';
import { InboundDedupe } from '../../src/core/inbound-dedupe.ts';
import { StatusService } from '../../src/core/status-service.ts';
import { createLogger } from '../../src/logger.ts';
import type { SqliteStore } from '../../src/store/sqlite-store.ts';
import { directoryFor, memoryStore, testClock } from '../helpers/test-store.ts';

let store: SqliteStore;
afterEach(() => store.close());

function routerWith(status?: Partial<StatusService>, logLines: string[] = []) {
  store = memoryStore();
  const clock = testClock();
  return new ChatRouter({
    directory: directoryFor(store),
    status: (status as StatusService | undefined) ?? new StatusService(store, clock),
    dedupe: new InboundDedupe(store, clock),
    timeZone: 'Europe/Berlin',
    logger: createLogger('error', {}, (line) => logLines.push(line)),
  });
}

const request = (text: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  requestId: 'req-1',
  source: 'command',
  text,
  contact: { platform: 'slack', workspaceExternalId: 'T1', userExternalId: 'U1' },
  ...extra,
});

const words = (view: Awaited<ReturnType<ChatRouter['handle']>>) =>
  JSON.stringify(view?.blocks.map((block) => ('text' in block ? plainText(block.text) : block)));

describe('ChatRouter', () => {
  it('routes help and status, and shows times in the workspace time zone', async () => {
    const router = routerWith();
    expect(words(await router.handle(request('help')))).toContain('/aims status');
    expect(words(await router.handle(request('')))).toContain('/aims help');
    // 10:00 UTC is 11:00 in Berlin in November.
    const status = await router.handle(request('status'));
    expect(words(status)).toContain('22 Nov 2026, 11:00');
    expect(status?.summary).toBe('AIMS status: 1 person, 0 admins, 1/38 Annex A controls with records.');
  });

  it('uses the platform’s way of typing commands in help', async () => {
    const router = routerWith();
    const view = await router.handle(request('help', { contact: { platform: 'teams', workspaceExternalId: 't', userExternalId: 'u' } }));
    expect(words(view)).toContain('aims status');
    expect(words(view)).not.toContain('/aims');
  });

  it('turns a domain error into its message and hint', async () => {
    const router = routerWith({
      summarize: () => {
        throw new AimsError('forbidden', 'Only admins can do that.', { hint: 'Ask Ada.' });
      },
    });
    const view = await router.handle(request('status'));
    expect(view?.summary).toBe('Only admins can do that.');
    expect(words(view)).toContain('Ask Ada.');
  });

  it('turns an unexpected error into a plain failure with the request id, and logs it', async () => {
    const lines: string[] = [];
    const router = routerWith(
      {
        summarize: () => {
          throw new Error('disk on fire');
        },
      },
      lines,
    );
    const view = await router.handle(request('status'));
    expect(view?.summary).toContain('something failed on our side');
    expect(words(view)).toContain('req-1');
    expect(words(view)).not.toContain('disk on fire');
    expect(lines.join('\n')).toContain('disk on fire');
    expect(lines.join('\n')).toContain('req-1');
  });

  it('answers a delivery once per dedupe key', async () => {
    const router = routerWith();
    expect(await router.handle(request('status', { dedupeKey: 'k1' }))).not.toBeNull();
    expect(await router.handle(request('status', { dedupeKey: 'k1' }))).toBeNull();
    expect(await router.handle(request('status', { dedupeKey: 'k2' }))).not.toBeNull();
  });
});
