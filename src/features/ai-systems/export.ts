import { keysetRows, personLabels } from '../../core/export/export-lookups.ts';
import type { ExportSource } from '../../core/export/export-source.ts';

/** The AI system inventory for auditors (A.4.2, A.6.2.1): one row per system. */
export const aiSystemExport: ExportSource = {
  name: 'system',
  title: 'AI systems',
  columns: [
    { key: 'system', header: 'Id', width: 6 },
    { key: 'name', header: 'Name', width: 24 },
    { key: 'purpose', header: 'Purpose', width: 36 },
    { key: 'description', header: 'Description', width: 36 },
    { key: 'owner', header: 'Owner', width: 18 },
    { key: 'euRiskLevel', header: 'EU AI Act risk', width: 12 },
    { key: 'internalTier', header: 'Tier', width: 8 },
    { key: 'stage', header: 'Stage', width: 12 },
    { key: 'provider', header: 'Provider', width: 12 },
    { key: 'vendor', header: 'Vendor', width: 16 },
    { key: 'modelCard', header: 'Model card', width: 28 },
    { key: 'repository', header: 'Repository', width: 28 },
    { key: 'addedAt', header: 'Added', width: 22 },
    { key: 'updatedAt', header: 'Last changed', width: 22 },
  ],
  rows: (repos, workspaceId, at) =>
    keysetRows(
      at,
      async (after: number | undefined, limit) => await repos.aiSystems.pageById(workspaceId, after, limit),
      (s) => s.id,
      async (systems) => {
        const owners = await personLabels(
          repos,
          workspaceId,
          systems.map((s) => s.ownerPersonId),
        );
        return systems.map((s) => ({
          system: s.id,
          name: s.name,
          purpose: s.purpose,
          description: s.description,
          owner: s.ownerPersonId === null ? null : (owners.get(s.ownerPersonId) ?? null),
          euRiskLevel: s.euRiskLevel,
          internalTier: s.internalTier,
          stage: s.stage,
          provider: s.provider,
          vendor: s.vendorName,
          modelCard: s.modelCardUrl,
          repository: s.repositoryUrl,
          addedAt: s.createdAt,
          updatedAt: s.updatedAt,
        }));
      },
    ),
};
