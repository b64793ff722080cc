import { isAimsError } from '../../core/errors.ts';
import type { Identified } from '../feature.ts';
import type { ChatServices } from '../chat-services.ts';
import { approveForm, rejectForm } from '../forms/release-forms.ts';
import { subjectOf } from '../../core/outbox/outbox.ts';
import type { OutboxSender } from '../outbox-sender.ts';
import { message, type ChatResponse } from '../views/view.ts';
import { releaseCard, releaseEditForm } from './release-commands.ts';

export interface ReleaseActionContext extends Identified {
  services: ChatServices;
  outbox: OutboxSender;
}

export const RELEASE_ACTIONS = new Set(['release.approve', 'release.approveWithComment', 'release.reject', 'release.withdraw', 'release.show', 'release.edit']);

/** Applies an approval and what follows from it: cards refreshed everywhere, the requester told of a decision. */
export async function decideRelease(ctx: ReleaseActionContext, id: number, decision: 'approve' | 'reject', comment?: string, seen?: string): Promise<string> {
  const { services, actor } = ctx;
  const outcome = services.releases.decide(actor, id, decision, comment, seen);
  // The cards everywhere, and the requester's notice of a decision, were queued with the decision.
  await ctx.outbox.sendFor(subjectOf('release', id));
  if (!outcome.changed) return `You already decided on REL-${id}; it counts once.`;
  if (outcome.decided) return `REL-${id} is ${outcome.release.status}.`;
  return decision === 'approve' ? 'Your approval is recorded.' : 'Your rejection is recorded.';
}

/** A click on a sign-off card; refusals come back as the card in its true state with the reason on top. */
export async function releaseAction(ctx: ReleaseActionContext, action: string, args: Record<string, string>): Promise<ChatResponse> {
  const { services, actor, timeZone } = ctx;
  const id = Number(args.release);
  const card = (note?: string) => message(releaseCard(services, actor.workspaceId, id, timeZone, note));
  try {
    switch (action) {
      case 'release.approve':
        return card(await decideRelease(ctx, id, 'approve', undefined, args.seen));
      case 'release.approveWithComment':
      case 'release.reject': {
        const { release } = services.releases.details(actor.workspaceId, id);
        services.releases.requireCanDecide(actor, id);
        if (args.seen !== undefined && args.seen !== release.contentHash) return card(`REL-${id} was edited since you saw it. Here it is as it stands now; please look again.`);
        return { kind: 'form', form: action === 'release.reject' ? rejectForm(release) : approveForm(release) };
      }
      case 'release.withdraw': {
        const { changed } = services.releases.withdraw(actor, id);
        await ctx.outbox.sendFor(subjectOf('release', id));
        return card(changed ? `REL-${id} is withdrawn.` : `REL-${id} was already withdrawn.`);
      }
      case 'release.edit':
        return releaseEditForm(services, actor, id);
      default:
        return card();
    }
  } catch (error) {
    if (isAimsError(error) && (error.code === 'conflict' || error.code === 'forbidden')) return card([error.message, error.details.hint].filter(Boolean).join(' '));
    throw error;
  }
}
