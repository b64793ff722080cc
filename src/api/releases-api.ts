import { randomUUID } from 'node:crypto';
import express, { type Express, type Response } from 'express';
import type { ChatRouter } from '../chat/chat-router.ts';
import type { ChatServices } from '../chat/chat-services.ts';
import { isAimsError } from '../core/errors.ts';
import type { Logger } from '../logger.ts';
import { tokenMatcher, type ApiWorkspace } from './api-tokens.ts';
import { apiReleaseRequestSchema } from './release-api-input.ts';
import { releaseJson } from './release-json.ts';

const STATUS_OF: Record<string, number> = { invalid_input: 400, forbidden: 403, not_found: 404, conflict: 409, not_configured: 409 };

/**
 * The pipeline API: ML pipelines file sign-off requests with their evaluation results and poll for
 * the decision. Bearer tokens from AIMS_API_TOKENS, each bound to one workspace; a token of one
 * workspace sees nothing of another (404, as if it did not exist).
 */
export function mountReleaseApi(http: Express, input: { router: ChatRouter; services: ChatServices; tokens: ReadonlyArray<ApiWorkspace & { token: string }>; logger: Logger }): void {
  const { router, services } = input;
  const log = input.logger.child({ component: 'api' });
  const workspaceOf = tokenMatcher(input.tokens);
  const api = express.Router();
  api.use(express.json({ limit: '100kb' }));
  api.use((req, res, next) => {
    const workspace = workspaceOf(req.header('authorization'));
    if (!workspace) {
      res.status(401).set('www-authenticate', 'Bearer').json({ error: 'unauthorized', message: 'Send Authorization: Bearer <token> with a token from AIMS_API_TOKENS.' });
      return;
    }
    res.locals.workspace = workspace;
    next();
  });

  const fail = (res: Response, error: unknown, requestId: string) => {
    if (isAimsError(error)) {
      const issues = error.details.fieldErrors ? Object.entries(error.details.fieldErrors).map(([field, message]) => ({ path: [field], message })) : [];
      res.status(STATUS_OF[error.code] ?? 400).json({ error: error.code, message: error.message, ...(issues.length > 0 ? { issues } : {}) });
      return;
    }
    log.error('api request failed', { requestId, error });
    res.status(500).json({ error: 'internal', message: `Something failed on our side; reference ${requestId}.` });
  };

  api.post('/releases', async (req, res) => {
    const requestId = randomUUID();
    const workspace = res.locals.workspace as ApiWorkspace;
    const parsed = apiReleaseRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid_input', message: 'The request body is not valid.', issues: parsed.error.issues.map((issue) => ({ path: issue.path, message: issue.message })) });
      return;
    }
    try {
      const known = services.directory.workspaceOf(workspace.platform, workspace.workspaceExternalId);
      const { aiSystem, requester, ...fields } = parsed.data;
      let aiSystemId: number;
      try {
        aiSystemId = known ? services.systems.find(known.id, aiSystem).id : NaN;
      } catch {
        aiSystemId = NaN;
      }
      if (!Number.isFinite(aiSystemId)) {
        res.status(400).json({ error: 'invalid_input', message: `No AI system “${aiSystem}” in this workspace.`, issues: [{ path: ['aiSystem'], message: 'unknown AI system' }] });
        return;
      }
      const origin = { requestId, contact: { platform: workspace.platform, workspaceExternalId: workspace.workspaceExternalId, userExternalId: requester } };
      const { releaseId, created } = await router.requestReleaseFromPipeline(origin, { ...fields, aiSystemId }, req.header('idempotency-key') ?? undefined);
      const workspaceId = services.directory.workspaceOf(workspace.platform, workspace.workspaceExternalId)?.id ?? 0;
      res.status(created ? 201 : 200).location(`/api/v1/releases/${releaseId}`).json(releaseJson(services.releases.details(workspaceId, releaseId)));
    } catch (error) {
      fail(res, error, requestId);
    }
  });

  api.get('/releases/:id', (req, res) => {
    const requestId = randomUUID();
    const workspace = res.locals.workspace as ApiWorkspace;
    const known = services.directory.workspaceOf(workspace.platform, workspace.workspaceExternalId);
    const id = Number(req.params.id);
    if (!known || !Number.isInteger(id)) {
      res.status(404).json({ error: 'not_found', message: `There is no release ${req.params.id} in this workspace.` });
      return;
    }
    try {
      res.json(releaseJson(services.releases.details(known.id, id)));
    } catch (error) {
      fail(res, error, requestId);
    }
  });

  http.use('/api/v1', api);
}
