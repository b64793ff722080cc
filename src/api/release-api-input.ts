import { z } from 'zod';
import { CHANGE_TYPES } from '../features/releases/domain.ts';

/** Longest requester id accepted: platform user ids are far shorter (Slack ~11, an AAD object id 36). */
export const REQUESTER_MAX_LENGTH = 64;

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
  requester: z
    .string()
    .trim()
    .min(1, 'give the requester as a Slack user id or a Teams AAD object id')
    .max(REQUESTER_MAX_LENGTH, `a requester id is at most ${REQUESTER_MAX_LENGTH} characters`),
});

// People are keyed by these ids (src/slack, src/teams): Slack user ids (U…, W… under Enterprise Grid);
// Teams AAD object ids (GUIDs), or the 29:… id when Teams gives no AAD object id.
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const AAD_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TEAMS_USER_ID = /^29:[A-Za-z0-9._-]+$/;

/** Why `requester` cannot be a user of a workspace of this platform, or undefined when it looks like one. */
export function requesterProblem(platform: 'slack' | 'teams', requester: string): string | undefined {
  if (platform === 'slack')
    return SLACK_USER_ID.test(requester) ? undefined : 'must be a Slack user id of this workspace (U… or W…, capital letters and digits)';
  return AAD_OBJECT_ID.test(requester) || TEAMS_USER_ID.test(requester)
    ? undefined
    : 'must be a Teams user of this tenant: an AAD object id (a GUID) or a 29:… user id';
}
