import { idsOf, keysetRows } from '../../core/export/export-lookups.ts';
import type { ExportSource } from '../../core/export/export-source.ts';
import { personLabel } from '../../core/identity.ts';
import { audienceLabel, policyKey, versionLabel } from './domain.ts';

/**
 * Policies for auditors and spreadsheets (README, "Exports"): one row per version, with how many were asked
 * and acknowledged, then one row per acknowledgement asked (who, when, the content hash acknowledged).
 */
export const policyExport: ExportSource = {
  name: 'policy',
  title: 'Policies and acknowledgements',
  columns: [
    { key: 'record', header: 'Record', width: 16 },
    { key: 'policy', header: 'Policy', width: 8 },
    { key: 'name', header: 'Name', width: 24 },
    { key: 'version', header: 'Version', width: 8 },
    { key: 'title', header: 'Title', width: 36 },
    { key: 'status', header: 'Status', width: 12 },
    { key: 'effectiveDate', header: 'Effective', width: 12 },
    { key: 'audience', header: 'Must acknowledge', width: 20 },
    { key: 'link', header: 'Link', width: 36 },
    { key: 'changes', header: 'What changed', width: 40 },
    { key: 'approvals', header: 'Approvals', width: 10 },
    { key: 'publishedAt', header: 'Published', width: 22 },
    { key: 'asked', header: 'Asked', width: 8 },
    { key: 'acknowledged', header: 'Acknowledged', width: 12 },
    { key: 'person', header: 'Person', width: 20 },
    { key: 'acknowledgedAt', header: 'Acknowledged at', width: 22 },
    { key: 'contentHash', header: 'Content hash', width: 66 },
  ],
  // The versions a page at a time (by policy and version, with their policies and figures), then the
  // acknowledgements a page at a time (by id, with their versions, policies and people): one read each.
  async *rows(repos, workspaceId, at) {
    const policiesOf = async (ids: readonly number[]) =>
      new Map((await repos.policies.byIds(workspaceId, idsOf(ids))).map((p) => [p.id, p]));
    yield* keysetRows(
      at,
      async (after: { policyId: number; version: number } | undefined, limit) =>
        await repos.policies.versionsPage(workspaceId, after, limit),
      (v) => ({ policyId: v.policyId, version: v.version }),
      async (versions) => {
        const policies = await policiesOf(versions.map((v) => v.policyId));
        const figures = await repos.policies.versionFigures(
          workspaceId,
          versions.map((v) => v.id),
        );
        return versions.map((v) => {
          const policy = policies.get(v.policyId);
          const figure = figures.get(v.id);
          return {
            record: 'version',
            policy: policy ? policyKey(policy) : null,
            name: policy?.name ?? null,
            version: versionLabel(v),
            title: v.title,
            status: v.status,
            effectiveDate: v.effectiveDate,
            audience: audienceLabel(v.audience),
            link: v.link,
            changes: v.changes,
            approvals: figure?.approvals ?? 0,
            publishedAt: v.publishedAt,
            asked: figure?.asked ?? 0,
            acknowledged: figure?.acknowledged ?? 0,
            person: null,
            acknowledgedAt: null,
            contentHash: v.contentHash,
          };
        });
      },
    );
    yield* keysetRows(
      at,
      async (after: number | undefined, limit) => await repos.policies.acknowledgementsPage(workspaceId, after, limit),
      (a) => a.id,
      async (asks) => {
        const versions = new Map(
          (await repos.policies.versionsByIds(workspaceId, idsOf(asks.map((a) => a.versionId)))).map((v) => [v.id, v]),
        );
        const policies = await policiesOf([...versions.values()].map((v) => v.policyId));
        const people = new Map((await repos.people.findByIds(workspaceId, idsOf(asks.map((a) => a.personId)))).map((p) => [p.id, p]));
        return asks.map((a) => {
          const v = versions.get(a.versionId);
          const policy = v ? policies.get(v.policyId) : undefined;
          const person = people.get(a.personId);
          return {
            record: 'acknowledgement',
            policy: policy ? policyKey(policy) : null,
            name: policy?.name ?? null,
            version: v ? versionLabel(v) : null,
            title: v?.title ?? null,
            status: a.status,
            effectiveDate: v?.effectiveDate ?? null,
            audience: null,
            link: null,
            changes: null,
            approvals: null,
            publishedAt: v?.publishedAt ?? null,
            asked: null,
            acknowledged: null,
            person: person ? personLabel(person) : `person #${a.personId}`,
            acknowledgedAt: a.acknowledgedAt,
            contentHash: a.status === 'acknowledged' ? a.contentHash : null,
          };
        });
      },
    );
  },
};
