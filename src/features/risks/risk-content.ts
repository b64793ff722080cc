import type { Actor } from '../../core/actor.ts';
import { addDays } from '../../core/calendar-days.ts';
import { fieldErrorsOf, invalidInput } from '../../core/errors.ts';
import type { Repositories } from '../../core/ports.ts';
import { DEFAULT_APPROVALS } from '../../core/settings/workspace-settings.ts';
import { signOffHash } from '../../core/sign-off/sign-off.ts';
import { DEFAULT_THRESHOLDS, levelOf, type Risk } from './domain.ts';
import { riskInputSchema, type RiskInput } from './input.ts';

// What a risk's form gives, checked against the store, and the content a risk stores from it.

/** The zod schema, then what needs the store: people and systems of this workspace, accept of a critical residual. */
export async function validateRisk(repos: Repositories, actor: Actor, raw: unknown): Promise<RiskInput> {
  const parsed = riskInputSchema.safeParse(raw);
  if (!parsed.success)
    throw invalidInput(
      fieldErrorsOf(
        parsed.error.issues.map((issue) => ({
          ...issue,
          path: issue.path[0] === 'actions' ? [`actions.${String(issue.path[1])}.${String(issue.path[2] ?? '')}`] : issue.path,
        })),
      ),
    );
  const input = parsed.data;
  const errors: Record<string, string> = {};
  if (!(await repos.people.findById(actor.workspaceId, input.ownerPersonId)))
    errors.ownerPersonId = 'The risk owner must be a person of this workspace.';
  for (const [index, action] of input.actions.entries())
    if (!(await repos.people.findById(actor.workspaceId, action.ownerPersonId)))
      errors[`actions.${index}.ownerPersonId`] = 'The owner of the action must be a person of this workspace.';
  for (const id of input.systemIds)
    if (!(await repos.aiSystems.findById(actor.workspaceId, id))) errors.systemIds = 'Choose AI systems of this workspace.';
  const thresholds = (await repos.risks.thresholds(actor.workspaceId)) ?? DEFAULT_THRESHOLDS;
  const residual = levelOf(input.residualLikelihood, input.residualImpact, thresholds);
  if (input.treatment === 'accept' && residual === 'critical' && !input.acceptanceRationale)
    errors.treatment =
      'A critical residual risk is accepted only with an acceptance: give the acceptance rationale (the owner and approvers then sign it), or treat it otherwise.';
  if (Object.keys(errors).length > 0) throw invalidInput(errors);
  return input;
}

/** The stored content of a risk from its input: levels from the matrix, the next review, the hash acceptances record. */
export async function riskContentOf(repos: Repositories, workspaceId: number, input: RiskInput, at: string, before?: Risk) {
  const thresholds = (await repos.risks.thresholds(workspaceId)) ?? DEFAULT_THRESHOLDS;
  const approvalsNeeded = before?.approvalsNeeded ?? (await repos.settings.get(workspaceId))?.defaultApprovals ?? DEFAULT_APPROVALS;
  const fields = {
    title: input.title,
    description: input.description,
    systemIds: [...new Set(input.systemIds)].sort((a, b) => a - b),
    category: input.category,
    phase: input.phase,
    ownerPersonId: input.ownerPersonId,
    inherentLikelihood: input.inherentLikelihood,
    inherentImpact: input.inherentImpact,
    inherentLevel: levelOf(input.inherentLikelihood, input.inherentImpact, thresholds),
    treatment: input.treatment,
    plan: input.plan,
    controls: [...new Set(input.controls)],
    residualLikelihood: input.residualLikelihood,
    residualImpact: input.residualImpact,
    residualLevel: levelOf(input.residualLikelihood, input.residualImpact, thresholds),
    acceptanceRationale: input.acceptanceRationale,
    reviewEveryDays: input.reviewEveryDays,
  };
  const today = at.slice(0, 10);
  const nextReviewDate =
    before && before.reviewEveryDays === input.reviewEveryDays ? before.nextReviewDate : addDays(today, input.reviewEveryDays);
  return { ...fields, approvalsNeeded, nextReviewDate, contentHash: signOffHash({ ...fields, approvalsNeeded }), updatedAt: at };
}
