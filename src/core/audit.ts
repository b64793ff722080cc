/** What a state change tells the audit chain; the store adds sequence, time and hashes. */
export interface AuditEventInput {
  workspaceId: number | null;
  /** Person id of the actor, or null when the system acted (seeding, jobs). */
  actorPersonId: number | null;
  /** Human-readable actor for auditors, e.g. "slack:U123" or "system:AIMS_ADMINS". */
  actor: string;
  /** Dotted verb, e.g. "workspace.created", "role.granted". */
  action: string;
  /** What was changed, e.g. "person:12". */
  subject: string;
  before: unknown;
  after: unknown;
}

export interface AuditHead {
  sequence: number;
  hash: string;
}

export type AuditVerification =
  | { ok: true; events: number; head: AuditHead | null }
  | { ok: false; events: number; firstBadSequence: number; reason: string };
