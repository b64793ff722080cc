import { z } from 'zod';
import { CHANGE_TYPES } from '../core/releases/release.ts';

/** The pipeline API's request body: the release form's fields, the system by name, the requester by platform user id. */
export const apiReleaseRequestSchema = z.object({
  aiSystem: z.string().trim().min(1, 'name the AI system (its name in the inventory, or #id)'),
  version: z.string(),
  changeType: z.enum(CHANGE_TYPES),
  whatChanged: z.string(),
  measurements: z.array(z.object({ metric: z.string(), dataset: z.string().optional(), value: z.number() })).default([]),
  evaluationLink: z.string().optional(),
  risks: z.string(),
  justification: z.string().optional(),
  approvalsNeeded: z.number().int().optional(),
  requester: z.string().trim().min(1, 'give the requester as a Slack user id or a Teams AAD object id'),
});
