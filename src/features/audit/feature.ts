import type { Feature } from '../../chat/feature.ts';

/** The hash-chained audit log every change writes (7.5, A.6.2.8); verified by `aims audit verify`. */
export const auditFeature: Feature = {
  name: 'audit',
  evidence: {
    kinds: ['audit-log'],
    present: async (repos, workspaceId) => ((await repos.audit.versions(workspaceId)).workspace !== null ? ['audit-log'] : []),
    count: async (repos, workspaceId) => ({ 'audit-log': await repos.audit.count(workspaceId) }),
  },
};
