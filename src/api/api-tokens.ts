import { createHash, timingSafeEqual } from 'node:crypto';

export interface ApiWorkspace {
  platform: 'slack' | 'teams';
  workspaceExternalId: string;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Finds the workspace a bearer token is bound to, comparing in constant time against every token. */
export function tokenMatcher(
  tokens: ReadonlyArray<ApiWorkspace & { token: string }>,
): (authorization: string | undefined) => ApiWorkspace | undefined {
  // Digests have one length, so timingSafeEqual never throws and timing says nothing about lengths.
  const known = tokens.map(({ token, ...workspace }) => ({ digest: digest(token), workspace }));
  return (authorization) => {
    const presented = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!presented) return undefined;
    const candidate = digest(presented);
    let found: ApiWorkspace | undefined;
    for (const entry of known) if (timingSafeEqual(entry.digest, candidate)) found = entry.workspace;
    return found;
  };
}
