/** Roles held explicitly; everyone is implicitly a member. */
export const GRANTABLE_ROLES = ['admin', 'approver', 'leadership', 'trainer'] as const;
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];
export type Role = GrantableRole | 'member';

export interface RoleHolder {
  personId: number;
  externalId: string;
  displayName: string | null;
  role: GrantableRole;
}
