import { afterEach, describe, expect, it } from 'vitest';
import { evidenceSourcesOf } from '../../src/chat/feature.ts';
import { StatusService } from '../../src/core/status-service.ts';
import { features } from '../../src/features/index.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { openTestStore, STORE_KINDS } from '../helpers/store-kinds.ts';
import { directoryFor, TEST_NOW, testClock } from '../helpers/test-store.ts';

let store: GovernanceStore;
afterEach(async () => await store.close());

describe.each(STORE_KINDS)('StatusService on %s', (kind) => {
  it('summarises one workspace from the store, and nothing of another', async () => {
    store = await openTestStore(kind);
    const directory = directoryFor(store, { seedAdmins: [{ platform: 'slack', userId: 'U1' }] });
    const ada = await directory.contact({
      platform: 'slack',
      workspaceExternalId: 'T1',
      workspaceName: 'acme',
      userExternalId: 'U1',
      displayName: 'ada',
    });
    await directory.contact({ platform: 'slack', workspaceExternalId: 'T1', userExternalId: 'U2', displayName: 'bob' });
    await directory.contact({ platform: 'slack', workspaceExternalId: 'T2', userExternalId: 'U9', displayName: 'eve' });

    const summary = await new StatusService(store, testClock(), 'UTC', evidenceSourcesOf(features)).summarize(ada.workspace.id);
    expect(summary.asOf).toBe(TEST_NOW);
    expect(summary.workspace).toEqual({ name: 'acme', platform: 'slack' });
    expect(summary.people).toBe(2);
    expect(summary.roles.admins.map((a) => a.displayName)).toEqual(['ada']);
    expect(summary.roles.approvers).toEqual([]);
    // workspace.created, 2 x person.created, role.granted in T1; T2's events are not counted.
    expect(summary.audit.workspaceEvents).toBe(4);
    // The head is the workspace's own chain: T2's events (written before) do not move it.
    expect(summary.audit.head?.sequence).toBe(4);
    // annex-a.json: roles serve A.3.2, A.4.6 and A.10.2; the audit log serves A.6.2.8 and clause 7.5.
    expect(summary.evidence.controls.covered).toEqual(['A.3.2', 'A.4.6', 'A.6.2.8', 'A.10.2']);
    expect(summary.evidence.controls.total).toBe(38);
    expect(summary.evidence.clauses.covered).toEqual(['7.5']);
  });
});
