import { afterEach, describe, expect, it } from 'vitest';
import annexA from '../../src/core/iso42001/annex-a.json' with { type: 'json' };
import { ChatRouter } from '../../src/chat/chat-router.ts';
import { plainText, type ChatResponse } from '../../src/chat/views/view.ts';
import { actorOf } from '../../src/core/actor.ts';
import { ANNEX_A_EVIDENCE_KINDS } from '../../src/core/iso42001/evidence-coverage.ts';
import { features } from '../../src/features/index.ts';
import { createLogger } from '../../src/logger.ts';
import { createServices } from '../../src/services.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { openTestStore, STORE_KINDS } from '../helpers/store-kinds.ts';
import { testClock } from '../helpers/test-store.ts';

/**
 * Evidence kinds annex-a.json names that no area records yet. Each waits for the area that will
 * record it; when that area declares the kind, the test below fails until it is taken off this list.
 */
const NOT_YET: Record<string, string> = {};

const produced = new Set(features.flatMap((feature) => feature.evidence?.kinds ?? []));

describe('Annex A evidence coverage, by construction', () => {
  it('reads the evidence kinds of annex-a.json (so the checks below are not vacuous)', () => {
    expect(ANNEX_A_EVIDENCE_KINDS).toContain('review:drift');
    expect(ANNEX_A_EVIDENCE_KINDS.length).toBe(new Set([...annexA.clauses, ...annexA.controls].flatMap((item) => item.evidence)).size);
  });

  it('every evidence kind annex-a.json lists is produced by a feature or is on the commented "not yet" list', () => {
    const orphans = ANNEX_A_EVIDENCE_KINDS.filter((kind) => !produced.has(kind) && !(kind in NOT_YET));
    expect(orphans).toEqual([]);
  });

  it('the "not yet" list holds nothing a feature produces, and nothing annex-a.json does not name', () => {
    expect(Object.keys(NOT_YET).filter((kind) => produced.has(kind) || !ANNEX_A_EVIDENCE_KINDS.includes(kind))).toEqual([]);
  });

  it('features declare only kinds annex-a.json names, each kind by one feature', () => {
    const declared = features.flatMap((feature) => feature.evidence?.kinds ?? []);
    expect(declared.filter((kind) => !ANNEX_A_EVIDENCE_KINDS.includes(kind))).toEqual([]);
    expect(declared.length).toBe(new Set(declared).size);
  });

  it('the review, release, digest and status kinds are produced by their features', () => {
    const owner = (kind: string) => features.find((feature) => feature.evidence?.kinds.includes(kind))?.name;
    expect(
      ['review:drift', 'review:bias', 'review:impact-assessment', 'review:internal-audit', 'review:management-review', 'review:policy'].map(
        owner,
      ),
    ).toEqual(Array(6).fill('reviews'));
    expect(['release', 'release:evaluation', 'release:acceptance-criteria'].map(owner)).toEqual(['releases', 'releases', 'releases']);
    expect([owner('digest'), owner('status')]).toEqual(['digest', 'status']);
  });
});

describe.each(STORE_KINDS)('a drift review recorded as done counts in status, on %s', (kind) => {
  let store: GovernanceStore;
  afterEach(async () => await store.close());

  const text = (response: ChatResponse) =>
    response.kind === 'message'
      ? response.view.blocks
          .map((block) =>
            'text' in block
              ? plainText(block.text)
              : 'fields' in block
                ? block.fields.map((f) => `${f.label}: ${plainText(f.value)}`).join('\n')
                : '',
          )
          .join('\n')
      : '';

  it('covers clause 9.1 and control A.6.2.6 once done (not while only scheduled)', async () => {
    store = await openTestStore(kind);
    const services = createServices({
      store,
      clock: testClock(),
      directory: { seedAdmins: [{ platform: 'slack', userId: 'UADMIN' }], firstContactBecomesAdmin: false },
      defaultTimeZone: 'UTC',
      logger: createLogger('silent'),
    });
    const router = new ChatRouter(services, features);
    const contact = { platform: 'slack' as const, workspaceExternalId: 'T1', userExternalId: 'UADMIN' };
    const admin = actorOf(await services.directory.contact(contact));
    const status = async () => await router.handle({ requestId: 'r', source: 'command', text: 'status', contact });

    const review = await services.reviews.add(admin, {
      kind: 'drift-review',
      aiSystemId: null,
      ownerPersonId: admin.personId,
      cadenceDays: 90,
      nextDue: '2026-11-20',
    });
    const before = await services.status.summarize(admin.workspaceId);
    expect(before.evidence.clauses.covered).not.toContain('9.1');
    expect(before.evidence.controls.covered).not.toContain('A.6.2.6');
    expect(text(await status())).not.toMatch(/Clauses with records: .*9\.1/);

    await services.reviews.done(admin, review.id, { date: '2026-11-21', outcome: 'no-findings', actions: [] });
    const after = await services.status.summarize(admin.workspaceId);
    expect(after.evidence.clauses.covered).toContain('9.1');
    expect(after.evidence.controls.covered).toContain('A.6.2.6');
    const shown = text(await status());
    expect(shown).toMatch(/Clauses with records: .*9\.1/);
    expect(shown).toMatch(/Annex A controls with records: .*A\.6\.2\.6/);
  });
});
