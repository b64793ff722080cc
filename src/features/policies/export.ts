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
  exportRows: async (repos, workspaceId) => {
    const policies = new Map((await repos.policies.all(workspaceId)).map((p) => [p.id, p]));
    const versions = await repos.policies.versions(workspaceId);
    const asks = await repos.policies.acknowledgements(workspaceId, {});
    const people = new Map((await repos.people.findByIds(workspaceId, [...new Set(asks.map((a) => a.personId))])).map((p) => [p.id, p]));
    const byId = new Map(versions.map((v) => [v.id, v]));
    const rows = [];
    for (const v of versions) {
      const policy = policies.get(v.policyId);
      const mine = asks.filter((a) => a.versionId === v.id);
      rows.push({
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
        approvals: (await repos.policies.approvals(v.id)).filter((a) => a.active).length,
        publishedAt: v.publishedAt,
        asked: mine.length,
        acknowledged: mine.filter((a) => a.status === 'acknowledged').length,
        person: null,
        acknowledgedAt: null,
        contentHash: v.contentHash,
      });
    }
    for (const a of asks) {
      const v = byId.get(a.versionId);
      const policy = v ? policies.get(v.policyId) : undefined;
      const person = people.get(a.personId);
      rows.push({
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
      });
    }
    return rows;
  },
};
