export const PLATFORMS = ['slack', 'teams'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** A Slack team or a Teams tenant: the scope every record belongs to. */
export interface Workspace {
  id: number;
  platform: Platform;
  externalId: string;
  name: string | null;
  createdAt: string;
}

/** Someone the bot has met, keyed by (platform, workspace, platform user id), never by name. */
export interface Person {
  id: number;
  workspaceId: number;
  platform: Platform;
  externalId: string;
  displayName: string | null;
  /** Where a direct message reaches them, where the platform needs one (Teams personal chat). Opaque to core. */
  directReference?: unknown;
  createdAt: string;
}

/** Who is talking to the bot, as the platform identified them. */
export interface ContactRef {
  platform: Platform;
  workspaceExternalId: string;
  workspaceName?: string;
  userExternalId: string;
  /** The person's display name as the platform reports it (replaces what we knew). */
  displayName?: string;
  /** A name to use only while we know none (Slack's legacy username in slash commands). */
  fallbackName?: string;
  /** Set when they wrote in a personal chat the bot can write back to later (Teams). */
  directReference?: unknown;
}

/** How a person is shown to others: their name if known, else their platform id. */
export function personLabel(person: Pick<Person, 'displayName' | 'externalId'>): string {
  return person.displayName ?? person.externalId;
}
