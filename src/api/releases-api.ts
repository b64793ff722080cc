import { randomUUID } from 'node:crypto';
import type { Express, Response } from 'express';
import type { ChatRouter } from '../chat/chat-router.ts';
import type { ChatServices } from '../chat/chat-services.ts';
import { isAimsError, type AimsError } from '../core/errors.ts';
import { bindKey, requestHashOf } from '../core/inbound-dedupe.ts';
import { releaseKey } from '../features/releases/domain.ts';
import type { Logger } from '../logger.ts';
import { tokenGuardedRouter, type ApiWorkspace } from './api-tokens.ts';
import { apiReleaseRequestSchema, requesterProblem } from './release-api-input.ts';
import { releaseJson } from './release-json.ts';
import { requestReleaseFromPipeline } from '../features/releases/feature.ts';

const STATUS_OF: Record<string, number> = {
  invalid_input: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  idempotency_conflict: 409,
  not_configured: 409,
};

// Printable ASCII, as HTTP headers carry it; long enough for a UUID or a CI run id with its job.
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** A key reused with another body: the 409 names the key and what it is bound to. */
function idempotencyConflictJson(error: AimsError, key: string) {
  const boundTo = error.details.boundTo ?? 'an earlier request';
  return {
    error: 'idempotency_conflict',
    message: `Idempotency-Key "${key}" is already bound to ${boundTo}, filed with a different request body. Nothing was created or changed; send a new key for a new request.`,
    idempotencyKey: key,
    boundTo,
  };
}

/**
 * The pipeline API: ML pipelines file sign-off requests with their evaluation results and poll for
 * the decision. Bearer tokens from AIMS_API_TOKENS, each bound to one workspace; a token of one
 * workspace sees nothing of another (404, as if it did not exist).
 */
export function mountReleaseApi(
  http: Express,
  input: { router: ChatRouter; services: ChatServices; tokens: ReadonlyArray<ApiWorkspace & { token: string }>; logger: Logger },
): void {
  const { router, services } = input;
  const log = input.logger.child({ component: 'api' });
  const api = tokenGuardedRouter(input.tokens);

  const fail = (res: Response, error: unknown, requestId: string, idempotencyKey?: string) => {
    if (isAimsError(error) && error.code === 'idempotency_conflict') {
      res.status(409).json(idempotencyConflictJson(error, idempotencyKey ?? ''));
      return;
    }
    if (isAimsError(error)) {
      const issues = error.details.fieldErrors
        ? Object.entries(error.details.fieldErrors).map(([field, message]) => ({ path: [field], message }))
        : [];
      res
        .status(STATUS_OF[error.code] ?? 400)
        .json({ error: error.code, message: error.message, ...(issues.length > 0 ? { issues } : {}) });
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
      res.status(400).json({
        error: 'invalid_input',
        message: 'The request body is not valid.',
        issues: parsed.error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
      });
      return;
    }
    // Checked before anyone is looked up, so a made-up requester never becomes a person.
    const requesterIssue = requesterProblem(workspace.platform, parsed.data.requester);
    if (requesterIssue) {
      res.status(400).json({
        error: 'invalid_input',
        message: `requester ${requesterIssue}.`,
        issues: [{ path: ['requester'], message: requesterIssue }],
      });
      return;
    }
    const idempotencyKey = req.header('idempotency-key');
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      res.status(400).json({
        error: 'invalid_input',
        message: 'Idempotency-Key must be 1 to 255 printable ASCII characters.',
        issues: [{ path: ['Idempotency-Key'], message: 'must be 1 to 255 printable ASCII characters' }],
      });
      return;
    }
    try {
      const known = await services.directory.workspaceOf(workspace.platform, workspace.workspaceExternalId);
      const { aiSystem, requester, ...fields } = parsed.data;
      let aiSystemId: number;
      try {
        aiSystemId = known ? (await services.systems.find(known.id, aiSystem)).id : NaN;
      } catch {
        aiSystemId = NaN;
      }
      if (!Number.isFinite(aiSystemId)) {
        res.status(400).json({
          error: 'invalid_input',
          message: `No AI system “${aiSystem}” in this workspace.`,
          issues: [{ path: ['aiSystem'], message: 'unknown AI system' }],
        });
        return;
      }
      const origin = {
        requestId,
        contact: { platform: workspace.platform, workspaceExternalId: workspace.workspaceExternalId, userExternalId: requester },
      };
      // The key is bound to the canonical body: the same key with another body is a 409, never the earlier release.
      const idempotency =
        idempotencyKey === undefined || !known
          ? undefined
          : bindKey(`api:${known.id}:${idempotencyKey}`, req.body, requestHashOf(req.body));
      // Checked before the requester is looked up too, so a conflicting request creates no person.
      if (idempotency)
        await services.dedupe.assertBound(idempotency, (outcome) =>
          releaseKey({ id: Number((outcome as { releaseId?: number } | null)?.releaseId) }),
        );
      const { releaseId, created, warnings } = await router.within(
        origin,
        async (ctx) => await requestReleaseFromPipeline(ctx, { ...fields, aiSystemId }, idempotency),
      );
      const workspaceId = (await services.directory.workspaceOf(workspace.platform, workspace.workspaceExternalId))?.id ?? 0;
      if (!created) res.set('idempotent-replayed', 'true');
      res
        .status(created ? 201 : 200)
        .location(`/api/v1/releases/${releaseId}`)
        // Too few approvers to ever sign it off: the pipeline log says so, and who can grant the role.
        .json({ ...releaseJson(await services.releases.details(workspaceId, releaseId)), ...(warnings.length > 0 ? { warnings } : {}) });
    } catch (error) {
      fail(res, error, requestId, idempotencyKey);
    }
  });

  api.get('/releases/:id', async (req, res) => {
    const requestId = randomUUID();
    const workspace = res.locals.workspace as ApiWorkspace;
    const known = await services.directory.workspaceOf(workspace.platform, workspace.workspaceExternalId);
    const id = Number(req.params.id);
    if (!known || !Number.isInteger(id)) {
      res.status(404).json({ error: 'not_found', message: `There is no release ${req.params.id} in this workspace.` });
      return;
    }
    try {
      res.json(releaseJson(await services.releases.details(known.id, id)));
    } catch (error) {
      fail(res, error, requestId);
    }
  });

  http.use('/api/v1', api);
}
