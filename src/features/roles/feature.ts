import { roleCommand } from './commands.ts';
import type { Feature } from '../../chat/feature.ts';

/** Who holds which role in a workspace (A.3.2, A.4.6, A.10.2). */
export const rolesFeature: Feature = {
  name: 'roles',
  commands: [
    {
      word: 'role',
      usage: 'role grant|revoke @person <role> | role list',
      group: 'admin',
      button: { label: 'Who holds roles', command: 'role list' },
      summary: 'Who are admins, approvers, leadership and trainers (admins change it).',
      handle: roleCommand,
    },
  ],
  evidence: {
    kinds: ['role'],
    // Roles are standing assignments: whoever holds one now counts, whatever the period.
    count: async (repos, workspaceId) => ({ role: await repos.roles.countAssignments(workspaceId) }),
  },
};
