import { AimsError, isAimsError } from '../../core/errors.ts';
import { subjectOf } from '../../core/outbox/outbox.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import type { FeatureContext } from '../../chat/feature.ts';
import type { CommandContext } from '../../chat/commands/command-context.ts';
import { message, recordAnswer, type ChatResponse, type FormView, type MessageView } from '../../chat/views/view.ts';
import { impactForm, IMPACT_ACTIONS } from './forms.ts';
import { impactCardView, impactListView } from './views.ts';

export function parseImpactRef(ref: string | undefined): number | undefined {
  const match = /^(?:ia[-\s]?)(\d+)$/i.exec((ref ?? '').trim());
  return match ? Number(match[1]) : undefined;
}

export async function impactCard(
  services: ChatServices,
  workspaceId: number,
  id: number,
  timeZone: string,
  note?: string,
): Promise<MessageView> {
  return impactCardView(await services.impact.details(workspaceId, id), timeZone, note);
}

/** The assessment form of a system that is not retired. */
export async function impactFormFor(services: ChatServices, workspaceId: number, systemId: number): Promise<FormView> {
  const system = await services.systems.getById(workspaceId, systemId);
  if (system.stage === 'retired') throw new AimsError('invalid_input', `${system.name} is retired: there is nothing to assess.`);
  return impactForm(system);
}

/** `impact <system> | impact list | impact IA-2` */
export async function impactCommand(ctx: CommandContext): Promise<ChatResponse> {
  const { services, actor, args, prefix, timeZone } = ctx;
  const rest = args.join(' ').trim();
  if (rest === '' || rest.toLowerCase() === 'list')
    return message(impactListView({ ...(await services.impact.list(actor.workspaceId)), prefix }));
  const id = parseImpactRef(rest);
  if (id !== undefined) return message(await impactCard(services, actor.workspaceId, id, timeZone));
  const system = await services.systems.find(actor.workspaceId, rest);
  return { kind: 'form', form: await impactFormFor(services, actor.workspaceId, system.id) };
}

/** A click on an assessment: open it, start one for a system, or sign it off (refusals to the clicker, the card as it is). */
export async function impactAction(ctx: FeatureContext, action: string, args: Record<string, string>): Promise<ChatResponse> {
  const { services, actor, timeZone } = ctx;
  if (action === IMPACT_ACTIONS.start)
    return { kind: 'form', form: await impactFormFor(services, actor.workspaceId, Number(args.systemId)) };
  const id = Number(args.impact);
  const card = async (note?: string, refused = false) =>
    recordAnswer(await impactCard(services, actor.workspaceId, id, timeZone), note, refused);
  if (action !== IMPACT_ACTIONS.sign) return await card();
  try {
    const { changed, releaseIds } = await services.impact.sign(actor, id, args.seen);
    // The refreshed cards (this one, the one it superseded, the releases that waited for it) were queued with the sign-off.
    await ctx.outbox.sendFor(subjectOf('impact', id));
    for (const releaseId of releaseIds) await ctx.outbox.sendFor(subjectOf('release', releaseId));
    return await card(changed ? `IA-${id} is signed off.` : `You already signed IA-${id} off; it counts once.`, !changed);
  } catch (error) {
    if (isAimsError(error) && (error.code === 'conflict' || error.code === 'forbidden'))
      return await card([error.message, error.details.hint].filter(Boolean).join(' '), true);
    throw error;
  }
}
