import { AimsError, isAimsError } from '../../core/errors.ts';
import { subjectOf } from '../../core/outbox/outbox.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import type { CommandContext } from '../../chat/commands/command-context.ts';
import type { FeatureContext } from '../../chat/feature.ts';
import { postsNote } from '../../chat/outbox-notes.ts';
import { message, recordAnswer, type ChatResponse, type FormView, type MessageView } from '../../chat/views/view.ts';
import type { Actor } from '../../core/actor.ts';
import { annexControl, soaVersionKey } from './domain.ts';
import { SOA_ACTIONS, soaEditForm } from './forms.ts';
import { requireControl } from './service.ts';
import { soaCardView, soaControlView } from './views.ts';

export async function soaCard(services: ChatServices, workspaceId: number, timeZone: string, note?: string): Promise<MessageView> {
  return { ...soaCardView(await services.soa.overview(workspaceId), timeZone, note ? { note } : {}), visibility: 'private' };
}

/** The edit form of one control (or of none yet, when opened from the summary). */
export async function soaEditFormFor(services: ChatServices, actor: Actor, controlId?: string): Promise<FormView> {
  const people = await services.soa.people(actor.workspaceId);
  if (controlId === undefined || controlId === '') return soaEditForm({ people });
  const { row } = await services.soa.control(actor.workspaceId, controlId);
  const owner = row.entry.ownerPersonId === null ? undefined : people.find((person) => person.id === row.entry.ownerPersonId);
  return soaEditForm({ control: row.control, entry: row.entry, people, ...(owner ? { owner } : {}) });
}

/** `soa | soa A.6.2.6 | soa edit A.6.2.6 | soa approve` */
export async function soaCommand(ctx: CommandContext): Promise<ChatResponse> {
  const { services, actor, args, timeZone, prefix } = ctx;
  const [first = '', second] = args;
  const sub = first.toLowerCase();
  if (sub === '') return message(await soaCard(services, actor.workspaceId, timeZone));
  if (sub === 'edit') {
    if (second !== undefined) requireControl(second);
    return { kind: 'form', form: await soaEditFormFor(services, actor, second) };
  }
  if (sub === 'approve') {
    // The approval itself is the button: it posts to (and refreshes) the approvals channel right away.
    const pending = await services.soa.pendingVersion(actor.workspaceId);
    const note = pending
      ? `${soaVersionKey(pending)} is waiting for approval: check it below, then approve it with the button.`
      : 'Request approval of the SoA as it stands: approvers then approve it in the approvals channel.';
    return message(await soaCard(services, actor.workspaceId, timeZone, note));
  }
  if (annexControl(first) || /^a\.\d/i.test(first)) {
    const { row } = await services.soa.control(actor.workspaceId, first);
    return message(soaControlView(row));
  }
  throw new AimsError('invalid_input', `Use ${prefix}soa, ${prefix}soa A.6.2.6, ${prefix}soa edit A.6.2.6 or ${prefix}soa approve.`);
}

/** A click on a SoA card; refusals come back as the card in its true state with the reason on top, for the clicker alone. */
export async function soaAction(ctx: FeatureContext, action: string, args: Record<string, string>): Promise<ChatResponse> {
  const { services, actor, timeZone } = ctx;
  const versionId = Number(args.version);
  const card = async (note?: string, refused = false) => {
    const overview = await services.soa.overview(actor.workspaceId);
    const version = Number.isInteger(versionId) ? overview.versions.find((v) => v.id === versionId) : undefined;
    return recordAnswer(soaCardView(overview, timeZone, version ? { version } : {}), note, refused);
  };
  try {
    switch (action) {
      case SOA_ACTIONS.approve: {
        const outcome = await services.soa.approve(actor, versionId, args.seen);
        await ctx.outbox.sendFor(subjectOf('soa', versionId));
        if (!outcome.changed) return await card(`You already approved ${soaVersionKey(outcome.version)}; it counts once.`, true);
        return await card(outcome.approved ? `${soaVersionKey(outcome.version)} is approved.` : 'Your approval is recorded.');
      }
      case SOA_ACTIONS.requestApproval: {
        await services.settings.channelFor(actor.workspaceId, 'approvals');
        const { version, created } = await services.soa.requestApproval(actor);
        const subject = subjectOf('soa', version.id);
        const sent = await ctx.outbox.sendFor(subject);
        const where = await postsNote(services, actor.workspaceId, subject, sent, ['approvals'], ' for approval');
        const overview = await services.soa.overview(actor.workspaceId);
        const note = `${created ? `Requested approval of ${soaVersionKey(version)}.` : `${soaVersionKey(version)} is already waiting for approval.`}${where}`;
        return recordAnswer({ ...soaCardView(overview, timeZone), visibility: 'private' }, note);
      }
      case SOA_ACTIONS.edit:
        return { kind: 'form', form: await soaEditFormFor(services, actor, args.control) };
      case SOA_ACTIONS.show:
      default:
        return message(await soaCard(services, actor.workspaceId, timeZone));
    }
  } catch (error) {
    if (isAimsError(error) && (error.code === 'conflict' || error.code === 'forbidden'))
      return await card([error.message, error.details.hint].filter(Boolean).join(' '), true);
    throw error;
  }
}
