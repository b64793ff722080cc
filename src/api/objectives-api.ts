import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import type { ChatServices } from '../chat/chat-services.ts';
import type { OutboxSender } from '../chat/outbox-sender.ts';
import { isAimsError } from '../core/errors.ts';
import { bindKey, requestHashOf } from '../core/inbound-dedupe.ts';
import { subjectOf } from '../core/outbox/outbox.ts';
import { objectiveKey, parseObjectiveRef, targetText, type Objective, type Reading } from '../features/objectives/domain.ts';
import { READING_SUBJECT } from '../features/objectives/service.ts';
import type { Logger } from '../logger.ts';
import { tokenGuardedRouter, type ApiWorkspace } from './api-tokens.ts';

// Printable ASCII, as HTTP headers carry it (the releases API's rule).
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

const STATUS_OF: Record<string, number> = { invalid_input: 400, forbidden: 403, not_found: 404, conflict: 409, idempotency_conflict: 409 };

/** A reading as the pipeline API answers it. */
export function readingJson(objective: Objective, reading: Reading) {
  return {
    id: reading.id,
    objective: { key: objectiveKey(objective), name: objective.name, target: targetText(objective) },
    value: reading.value,
    onTarget: reading.onTarget,
    date: reading.date,
    period: reading.period,
    channel: reading.channel,
    note: reading.note,
    recordedAt: reading.recordedAt,
  };
}

/**
 * Readings from pipelines: `POST /api/v1/objectives/{OBJ-n or n}/readings` with `{"value": 0.93,
 * "date"?: "YYYY-MM-DD", "note"?: "..."}`. The same bearer tokens as the releases API, each bound to one
 * workspace (another workspace's objective is a 404, as if it did not exist), and the same
 * Idempotency-Key rules: a replay returns the reading it recorded; the key with another body is a 409.
 */
export function mountObjectiveApi(
  http: Express,
  input: { services: ChatServices; outbox: OutboxSender; tokens: ReadonlyArray<ApiWorkspace & { token: string }>; logger: Logger },
): void {
  const { services } = input;
  const log = input.logger.child({ component: 'api' });
  const api = tokenGuardedRouter(input.tokens);

  api.post('/objectives/:ref/readings', async (req, res) => {
    const requestId = randomUUID();
    const workspace = res.locals.workspace as ApiWorkspace;
    const notFound = () =>
      res.status(404).json({ error: 'not_found', message: `There is no objective ${req.params.ref} in this workspace.` });
    const known = await services.directory.workspaceOf(workspace.platform, workspace.workspaceExternalId);
    const number = parseObjectiveRef(/^\d+$/.test(req.params.ref) ? `#${req.params.ref}` : req.params.ref);
    if (!known || number === undefined) {
      notFound();
      return;
    }
    const body = req.body as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      res.status(400).json({
        error: 'invalid_input',
        message: 'The request body must be a JSON object such as {"value": 0.93}.',
        issues: [{ path: [], message: 'expected a JSON object' }],
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
    // Bound to the objective and the body: the same key for another objective or value is a 409.
    const content = { objective: number, body };
    const bound = idempotencyKey === undefined ? undefined : bindKey(`api:${known.id}:${idempotencyKey}`, content, requestHashOf(content));
    try {
      const { reading, objective, created } = await services.objectives.record(null, known.id, number, body, {
        channel: 'api',
        ...(bound ? { bound } : {}),
      });
      await input.outbox.sendFor(subjectOf(READING_SUBJECT, reading.id));
      if (!created) res.set('idempotent-replayed', 'true');
      res
        .status(created ? 201 : 200)
        .location(`/api/v1/objectives/${objectiveKey(objective)}/readings/${reading.id}`)
        .json(readingJson(objective, reading));
    } catch (error) {
      if (isAimsError(error)) {
        if (error.code === 'idempotency_conflict') {
          res.status(409).json({
            error: 'idempotency_conflict',
            message: `Idempotency-Key "${idempotencyKey ?? ''}" is already bound to ${error.details.boundTo ?? 'an earlier request'}, sent with a different request. Nothing was recorded; send a new key for a new reading.`,
            idempotencyKey,
            boundTo: error.details.boundTo ?? 'an earlier request',
          });
          return;
        }
        if (error.code === 'not_found') {
          notFound();
          return;
        }
        const issues = Object.entries(error.details.fieldErrors ?? {}).map(([field, message]) => ({ path: [field], message }));
        res
          .status(STATUS_OF[error.code] ?? 400)
          .json({ error: error.code, message: error.message, ...(issues.length > 0 ? { issues } : {}) });
        return;
      }
      log.error('api request failed', { requestId, error });
      res.status(500).json({ error: 'internal', message: `Something failed on our side; reference ${requestId}.` });
    }
  });

  http.use('/api/v1', api);
}
