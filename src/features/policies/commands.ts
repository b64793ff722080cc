import type { ChatServices } from '../../chat/chat-services.ts';
import type { CommandContext } from '../../chat/commands/command-context.ts';
import type { FeatureContext } from '../../chat/feature.ts';
import { postsNote } from '../../chat/outbox-notes.ts';
import { personalCopyFor } from '../../chat/outbox-personal-copy.ts';
import type { FormSubmission } from '../../chat/views/form.ts';
import { message, recordAnswer, type ChatResponse, type FormResult, type MessageView } from '../../chat/views/view.ts';
import type { Actor } from '../../core/actor.ts';
import { AimsError, isAimsError } from '../../core/errors.ts';
import { mapInTurn } from '../../core/in-turn.ts';
import { subjectOf } from '../../core/outbox/outbox.ts';
import { addDays } from '../../core/calendar-days.ts';
import { POLICY_REVIEW_DAYS, POLICY_SUBJECTS, policyKey, versionLabel, type Policy } from './domain.ts';
import { POLICY_ACTIONS, policyForm, policyInputFrom } from './forms.ts';
import { ackNoticeView, policyCardView, policyListView, publishConfirmView, versionCardView } from './views.ts';

/** DMs sent while the person who published waits; the rest go out in the background. */
const SEND_NOW = 25;

export async function policyCard(
  services: ChatServices,
  workspaceId: number,
  ref: string,
  timeZone: string,
  note?: string,
): Promise<MessageView> {
  return policyCardView(await services.policies.details(workspaceId, ref), timeZone, note);
}

/** The add form, or the next version of POL-n with its current content filled in (admins and leadership). */
export async function openPolicyForm(
  services: ChatServices,
  actor: Actor,
  ref?: string,
): Promise<{ kind: 'form'; form: ReturnType<typeof policyForm> }> {
  if (!actor.roles.includes('admin') && !actor.roles.includes('leadership'))
    throw new AimsError('forbidden', 'Only admins and leadership can add a policy or a new version of one.');
  if (ref === undefined) return { kind: 'form', form: policyForm({}) };
  const { policy, versions } = await services.policies.details(actor.workspaceId, ref);
  const previous = versions.at(-1);
  return { kind: 'form', form: policyForm({ policy, ...(previous ? { previous } : {}) }) };
}

/** `policy [add] | policy list | policy <name|POL-n> | policy <name|POL-n> publish` */
export async function policyCommand(ctx: CommandContext): Promise<ChatResponse> {
  const { services, actor, args, timeZone, prefix } = ctx;
  const sub = (args[0] ?? '').toLowerCase();
  if (sub === '' || (sub === 'add' && args.length === 1)) return await openPolicyForm(services, actor);
  if (sub === 'list' && args.length === 1) return message(policyListView(await services.policies.list(actor.workspaceId), prefix));
  const last = (args.at(-1) ?? '').toLowerCase();
  const verb = args.length > 1 && (last === 'publish' || last === 'new') ? last : undefined;
  const ref = (verb ? args.slice(0, -1) : args).join(' ').trim();
  if (verb === 'new') return await openPolicyForm(services, actor, ref);
  if (verb === 'publish') {
    const details = await services.policies.details(actor.workspaceId, ref);
    const { policy, next, current } = details;
    if (policy.ownerPersonId !== actor.personId && !actor.roles.includes('admin'))
      throw new AimsError('forbidden', `Only the owner of ${policy.name} or an admin can publish it.`);
    if (!next) {
      if (current)
        return message({
          ...policyCardView(details, timeZone, `${policy.name} ${versionLabel(current)} is already published.`),
          visibility: 'private',
        });
      throw new AimsError('conflict', `${policy.name} has no version to publish.`);
    }
    if (next.status === 'pending') {
      const approvals = (details.approvals.get(next.id) ?? []).filter((a) => a.active).length;
      throw new AimsError(
        'conflict',
        `${policy.name} ${versionLabel(next)} is not approved yet (${approvals} of ${next.approvalsNeeded} approvals): it cannot be published before.`,
        { hint: 'Approvers approve it on its card in the approvals channel.' },
      );
    }
    return message(publishConfirmView(policy, next, await services.policies.audienceCount(actor.workspaceId, next.audience)));
  }
  return message({ ...(await policyCard(services, actor.workspaceId, ref, timeZone)), visibility: 'private' });
}

/**
 * The policy's review cadence (A.2.4): its first publication schedules an "AI policy review" in the reviews
 * area (through that area's service, owned by the policy's owner, a year on) and links it to the policy.
 * Scheduling is for admins there: published by someone else, the note says an admin schedules it.
 */
async function scheduleReview(services: ChatServices, actor: Actor, policy: Policy): Promise<string> {
  const today = services.clock.now().toISOString().slice(0, 10);
  try {
    const schedule = await services.reviews.add(
      actor,
      {
        kind: 'ai-policy-review',
        ownerPersonId: policy.ownerPersonId,
        cadenceDays: POLICY_REVIEW_DAYS,
        nextDue: addDays(today, POLICY_REVIEW_DAYS),
      },
      `policy-review:${actor.workspaceId}:${policy.id}`,
    );
    await services.policies.linkReview(actor, policy.id, schedule.id);
    return ` Its AI policy review (#${schedule.id}) is due ${schedule.nextDue}.`;
  } catch (error) {
    if (isAimsError(error) && error.code === 'forbidden') return ' An admin schedules its AI policy review (review add).';
    throw error;
  }
}

/** Submits the form: a new policy's v1 or the next version, posted for approval. */
export async function submitPolicy(ctx: FeatureContext, submission: FormSubmission): Promise<FormResult> {
  const { services, actor, timeZone } = ctx;
  const raw = policyInputFrom(submission.values);
  const { policy, version, created } = await services.policies.addVersion(
    actor,
    raw,
    `form:${submission.instanceKey}`,
    personalCopyFor(ctx),
  );
  const subject = subjectOf(POLICY_SUBJECTS.version, version.id);
  const sent = await ctx.outbox.sendFor(subject);
  const where = await postsNote(services, actor.workspaceId, subject, sent, ['approvals'], ' for approval');
  const note = `${created ? `Added ${policy.name} ${versionLabel(version)} (${policyKey(policy)}).` : `${policy.name} ${versionLabel(version)} was already added.`}${where}`;
  return {
    kind: 'done',
    view: { ...(await policyCard(services, actor.workspaceId, policyKey(policy), timeZone, note)), visibility: 'private' },
  };
}

/** A click: approve (on the version's card), publish, acknowledge (in a DM), open. Refusals go to the clicker alone. */
export async function policyAction(ctx: FeatureContext, action: string, args: Record<string, string>): Promise<ChatResponse> {
  const { services, actor, timeZone } = ctx;
  const versionCard = async (versionId: number, note?: string) => {
    const details = await services.policies.versionDetails(actor.workspaceId, versionId);
    if (!details) throw new AimsError('not_found', 'There is no such policy version in this workspace.');
    return versionCardView(details, timeZone, note);
  };
  switch (action) {
    case POLICY_ACTIONS.approve: {
      const versionId = Number(args.version);
      try {
        const outcome = await services.policies.approve(actor, versionId, args.seen);
        await ctx.outbox.sendFor(subjectOf(POLICY_SUBJECTS.version, versionId));
        const label = `${outcome.policy.name} ${versionLabel(outcome.version)}`;
        const note = !outcome.changed
          ? `You already approved ${label}; it counts once.`
          : outcome.approved
            ? `${label} is approved. Its owner can publish it now.`
            : 'Your approval is recorded.';
        return recordAnswer(await versionCard(versionId), note, !outcome.changed);
      } catch (error) {
        if (isAimsError(error) && (error.code === 'conflict' || error.code === 'forbidden'))
          return recordAnswer(await versionCard(versionId), [error.message, error.details.hint].filter(Boolean).join(' '), true);
        throw error;
      }
    }
    case POLICY_ACTIONS.publish: {
      const { policy, version, asked, changed } = await services.policies.publish(
        actor,
        `POL-${args.policy ?? ''}`,
        args.version === undefined ? undefined : Number(args.version),
      );
      const review = changed && policy.reviewScheduleId === null ? await scheduleReview(services, actor, policy) : '';
      const asks = await services.policies.asksOf(actor.workspaceId, version.id);
      await mapInTurn(asks.slice(0, SEND_NOW), async (ask) => await ctx.outbox.sendFor(subjectOf(POLICY_SUBJECTS.ack, ask)));
      await ctx.outbox.sendFor(subjectOf(POLICY_SUBJECTS.version, version.id));
      const note = changed
        ? `Published ${policy.name} ${versionLabel(version)}: ${asked} ${asked === 1 ? 'person was' : 'people were'} asked to acknowledge it.${review}`
        : `${policy.name} ${versionLabel(version)} is already published.`;
      // Its answer is the version's card: the button may sit on that card in the approvals channel, which it then shows as it is.
      return recordAnswer(await versionCard(version.id), note, !changed);
    }
    case POLICY_ACTIONS.acknowledge: {
      const ackId = Number(args.ack);
      try {
        const outcome = await services.policies.acknowledge(actor, ackId);
        await ctx.outbox.sendFor(subjectOf(POLICY_SUBJECTS.ack, ackId));
        const label = `${outcome.policy.name} ${versionLabel(outcome.version)}`;
        return recordAnswer(
          ackNoticeView(outcome, timeZone),
          outcome.changed ? `Your acknowledgement of ${label} is recorded.` : `You already acknowledged ${label}; it counts once.`,
          !outcome.changed,
        );
      } catch (error) {
        const details = await services.policies.ackDetails(actor.workspaceId, ackId);
        if (isAimsError(error) && error.code === 'conflict' && details && details.ack.personId === actor.personId)
          return recordAnswer(ackNoticeView(details, timeZone), [error.message, error.details.hint].filter(Boolean).join(' '), true);
        throw error;
      }
    }
    default:
      return message({ ...(await policyCard(services, actor.workspaceId, `POL-${args.policy ?? ''}`, timeZone)), visibility: 'private' });
  }
}
