import { AimsError } from '../../core/errors.ts';
import { personLabel } from '../../core/identity.ts';
import { subjectOf } from '../../core/outbox/outbox.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import type { CommandContext } from '../../chat/commands/command-context.ts';
import type { FeatureContext } from '../../chat/feature.ts';
import { personIdOf } from '../../chat/form-people.ts';
import type { FormSubmission, FormView } from '../../chat/views/form.ts';
import { message, recordSaved, type ChatResponse, type FormResult, type MessageView } from '../../chat/views/view.ts';
import { formatNumber, objectiveKey, targetText, type Objective, type Reading } from './domain.ts';
import { explainForm, objectiveForm, objectiveInputFrom, OBJECTIVE_FORMS } from './forms.ts';
import { numberFrom } from './input.ts';
import { READING_SUBJECT } from './service.ts';
import { objectiveCardView, objectiveListView } from './views.ts';

async function card(services: ChatServices, workspaceId: number, ref: string, prefix: string, note?: string): Promise<MessageView> {
  const details = await services.objectives.details(workspaceId, ref);
  return objectiveCardView(details, await services.objectives.today(workspaceId), prefix, note);
}

export async function openObjectiveForm(services: ChatServices, workspaceId: number): Promise<FormView> {
  return objectiveForm({
    systems: await services.systems.search(workspaceId, '', 1000),
    people: await services.directory.people(workspaceId),
  });
}

/**
 * What a reading recorded said to the person who sent it. Off target, it says who is asked to follow up:
 * "you" to the owner reading it alone (`toOwner`), else the owner by name (a Teams channel sees the reply too).
 */
export function readingNote(
  objective: Objective,
  reading: Reading,
  created: boolean,
  reader: { toOwner?: boolean; owner?: string } = {},
): string {
  const key = objectiveKey(objective);
  if (!created) return `That reading of ${key} was already recorded.`;
  const recorded = `Recorded ${formatNumber(reading.value)} for ${key}: ${reading.onTarget ? 'on' : 'off'} target (${targetText(objective)}).`;
  if (reading.onTarget) return recorded;
  return reader.toOwner
    ? `${recorded} You own ${key}: the bot sends you a message to log a nonconformity or explain it.`
    : `${recorded} Its owner${reader.owner ? `, ${reader.owner},` : ''} is asked to log a nonconformity or explain it.`;
}

/** True when only the person who asked sees the answer: a direct chat, or Slack (its answers in a channel are ephemeral). */
const seenAlone = (request: CommandContext['request']): boolean =>
  request.contact.platform === 'slack' || request.conversation === undefined || request.conversation.kind === 'direct';

/** `objective [add] | objective list | objective <OBJ-n or name> [record <value> [note]]` */
export async function objectiveCommand(ctx: CommandContext): Promise<ChatResponse> {
  const { services, actor, args, prefix } = ctx;
  const sub = (args[0] ?? '').toLowerCase();
  if (args.length === 0 || (sub === 'add' && args.length === 1))
    return { kind: 'form', form: await openObjectiveForm(services, actor.workspaceId) };
  if (sub === 'list' && args.length === 1)
    return message(
      objectiveListView(await services.objectives.list(actor.workspaceId), await services.objectives.today(actor.workspaceId), prefix),
    );
  const at = args.findLastIndex((word, index) => index > 0 && word.toLowerCase() === 'record');
  if (at < 0) return message(await card(services, actor.workspaceId, args.join(' '), prefix));
  const ref = args.slice(0, at).join(' ');
  const [value, ...note] = args.slice(at + 1);
  const objective = await services.objectives.find(actor.workspaceId, ref);
  if (value === undefined)
    throw new AimsError('invalid_input', `Give the value: ${prefix}objective ${objectiveKey(objective)} record 0.93`);
  const raw = { value: numberFrom(value) ?? Number.NaN, ...(note.length > 0 ? { note: note.join(' ') } : {}) };
  let recorded;
  try {
    recorded = await services.objectives.record(actor, actor.workspaceId, objective.number, raw, { channel: 'chat' });
  } catch (error) {
    // The one field of the command: its message alone reads best in chat.
    if (error instanceof AimsError && error.details.fieldErrors?.value)
      throw new AimsError('invalid_input', `“${value}” is not a number: ${error.details.fieldErrors.value}`, {
        hint: `Example: ${prefix}objective ${objectiveKey(objective)} record 0.93`,
      });
    throw error;
  }
  const { reading, created } = recorded;
  // An off-target reading's message to the owner goes out with the outbox's next round (commands carry no sender).
  const owner = await services.directory.personById(actor.workspaceId, objective.ownerPersonId);
  const reader = {
    toOwner: objective.ownerPersonId === actor.personId && seenAlone(ctx.request),
    ...(owner ? { owner: personLabel(owner) } : {}),
  };
  return message(
    await card(services, actor.workspaceId, objectiveKey(objective), prefix, readingNote(objective, reading, created, reader)),
  );
}

/** Submits the add form. */
export async function submitObjective(ctx: FeatureContext, submission: FormSubmission): Promise<FormResult> {
  const { services, actor, prefix } = ctx;
  const raw = await objectiveInputFrom(submission.values, async (externalId) => await personIdOf(ctx, submission, externalId));
  const { objective, created } = await services.objectives.add(actor, raw, `form:${submission.instanceKey}`);
  const note = created
    ? `Set ${objectiveKey(objective)}: ${targetText(objective)}.${objective.source === 'recorded' ? ` Record readings with ${prefix}objective ${objectiveKey(objective)} record <value>, or from a pipeline (POST /api/v1/objectives/${objectiveKey(objective)}/readings).` : ' The bot records its readings every day.'}`
    : `${objectiveKey(objective)} was already set.`;
  return { kind: 'done', view: await card(services, actor.workspaceId, objectiveKey(objective), prefix, note) };
}

/** Opens the Explain form of an off-target reading (its objective's owner or an admin). */
export async function openExplainForm(ctx: FeatureContext, context: Record<string, string>): Promise<FormView> {
  const { reading, objective } = await ctx.services.objectives.explainable(ctx.actor, Number(context.reading));
  return explainForm(objective, reading);
}

/** Submits the Explain form: stored on the reading, audited; the owner's message shows it. */
export async function submitExplanation(ctx: FeatureContext, submission: FormSubmission): Promise<FormResult> {
  const { services, actor, prefix } = ctx;
  const readingId = Number(submission.context.reading);
  const { objective, changed } = await services.objectives.explain(
    actor,
    readingId,
    { explanation: submission.values.explanation },
    `form:${submission.instanceKey}`,
  );
  await ctx.outbox.sendFor(subjectOf(READING_SUBJECT, readingId));
  return recordSaved(
    await card(services, actor.workspaceId, objectiveKey(objective), prefix),
    changed ? `Explanation saved on the reading of ${objectiveKey(objective)}.` : `That explanation was already saved.`,
  );
}

export { OBJECTIVE_FORMS };
