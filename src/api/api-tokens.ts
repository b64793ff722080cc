import { createHash, timingSafeEqual } from 'node:crypto';
import express from 'express';

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

/**
 * The pipeline API's router for one group of routes: the bearer token is checked before the body is
 * read (without one the answer is 401, whatever was sent), its workspace put in `res.locals.workspace`;
 * then JSON bodies up to 100 kB (malformed JSON goes to the app's JSON error handler: 400 invalid_json).
 */
export function tokenGuardedRouter(tokens: ReadonlyArray<ApiWorkspace & { token: string }>): express.Router {
  const workspaceOf = tokenMatcher(tokens);
  const api = express.Router();
  api.use((req, res, next) => {
    const workspace = workspaceOf(req.header('authorization'));
    if (!workspace) {
      res
        .status(401)
        .set('www-authenticate', 'Bearer')
        .json({ error: 'unauthorized', message: 'Send Authorization: Bearer <token> with a token from AIMS_API_TOKENS.' });
      return;
    }
    res.locals.workspace = workspace;
    next();
  });
  api.use(express.json({ limit: '100kb' }));
  return api;
}
