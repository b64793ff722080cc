import type { Platform } from '../identity.ts';

/** Why a copy of a record was posted: a channel purpose, or a person's own copy or notice. */
export type CopyPurpose = string;

/** A copy of a record's card the bot posted somewhere, kept to refresh it when the record changes. */
export interface PostedCopy {
  id: number;
  workspaceId: number;
  platform: Platform;
  /** "incident:12" */
  subject: string;
  purpose: CopyPurpose;
  channelId: string;
  messageId: string;
  reference?: unknown;
  createdAt: string;
}

export type PostedCopyInput = Omit<PostedCopy, 'id'>;

/**
 * The purpose of a copy in a person's personal chat (a direct message, or the card a Teams form
 * turned into in place): rendered again as that notice when the record changes.
 */
export const personalPurpose = (notice: string, personId: number): CopyPurpose => `personal:${notice}:${personId}`;

/** Reads a purpose back: a channel purpose ("incidents"), or a copy in a person's personal chat. */
export function parsePurpose(
  purpose: CopyPurpose,
): { kind: 'channel'; channel: string } | { kind: 'personal'; notice: string; personId: number } {
  const personal = /^personal:(.+):(\d+)$/.exec(purpose);
  if (personal) return { kind: 'personal', notice: personal[1] as string, personId: Number(personal[2]) };
  return { kind: 'channel', channel: purpose };
}

/**
 * How the person who files a record keeps their own copy of it: a direct message from the bot, or
 * the card their form turned into where they submitted it (Teams personal chat, in place), or none.
 */
export type PersonalCopy =
  { kind: 'direct' } | { kind: 'in-place'; channelId: string; messageId: string; reference?: unknown } | { kind: 'none' };
