import type { Actor } from '../../core/actor.ts';
import type { AiSystem } from '../ai-systems/domain.ts';
import { AimsError, isAimsError } from '../../core/errors.ts';
import { subjectOf } from '../../core/outbox/outbox.ts';
import { RELEASE_NOTICES, type ReleaseStatus } from './domain.ts';
import type { RequestOrigin } from '../../chat/chat-request.ts';
import { botIdOf, deliveryNote } from '../../chat/outbox-notes.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import type { Identified } from '../../chat/feature.ts';
import type { OutboxSender } from '../../chat/outbox-sender.ts';
import { approveForm, rejectForm, RELEASE_ACTIONS, releasePickForm, releaseRequestForm } from './forms.ts';
import { approverShortfallText, criteriaView, releaseCardView, releaseListView } from './views.ts';
import { message, recordAnswer, type ChatResponse, type FormView, type MessageView } from '../../chat/views/view.ts';
import type { CommandContext } from '../../chat/commands/command-context.ts';

const STATUSES: readonly ReleaseStatus[] = ['pending', 'approved', 'rejected', 'withdrawn'];

export function parseReleaseRef(ref: string | undefined): number | undefined {
  const match = /^(?:rel[-\s]?|#)?(\d+)$/i.exec((ref ?? '').trim());
  return match ? Number(match[1]) : undefined;
}

export async function releaseCard(
  services: ChatServices,
  workspaceId: number,
  id: number,
  timeZone: string,
  note?: string,
): Promise<MessageView> {
  return releaseCardView(await services.releases.details(workspaceId, id), timeZone, note);
}

/** The request form for one system, refused plainly while no approvals channel is set up. */
export async function releaseFormFor(
  services: ChatServices,
  actor: Actor,
  system: AiSystem,
  prefix: string,
): Promise<{ kind: 'form'; form: FormView }> {
  await services.settings.channelFor(actor.workspaceId, 'approvals');
  if (system.stage === 'retired') throw new AimsError('invalid_input', `${system.name} is retired: it cannot be released.`);
  const defaultApprovals = await services.releases.defaultApprovals(actor.workspaceId);
  const form = releaseRequestForm({ system, criteria: await services.releases.criteria(actor.workspaceId, system.id), defaultApprovals });
  const warning = await approverWarning(services, actor, defaultApprovals, prefix);
  return { kind: 'form', form: warning ? { ...form, intro: warning } : form };
}

/** The warning a request gets while too few people could sign it off (undefined when enough can). */
export async function approverWarning(services: ChatServices, actor: Actor, needed: number, prefix: string): Promise<string | undefined> {
  const shortfall = await services.releases.approverShortfall(actor.workspaceId, needed, actor.personId);
  return shortfall ? approverShortfallText(shortfall, prefix) : undefined;
}

export async function releaseEditForm(services: ChatServices, actor: Actor, id: number): Promise<{ kind: 'form'; form: FormView }> {
  const details = await services.releases.details(actor.workspaceId, id);
  if (details.release.status !== 'pending')
    throw new AimsError('conflict', `REL-${id} is ${details.release.status}: the decision is final.`);
  if (details.release.requesterPersonId !== actor.personId && !actor.roles.includes('admin'))
    throw new AimsError('forbidden', 'Only the requester or an admin can edit a release request.');
  return {
    kind: 'form',
    form: releaseRequestForm({
      system: details.system,
      criteria: await services.releases.criteria(actor.workspaceId, details.system.id),
      defaultApprovals: await services.releases.defaultApprovals(actor.workspaceId),
      release: details.release,
      metrics: details.metrics,
    }),
  };
}

/** `release [system] | release list [status|system] | release REL-3 [edit|withdraw]` */
export async function releaseCommand(ctx: CommandContext): Promise<ChatResponse> {
  const { services, actor, args, timeZone, prefix } = ctx;
  const [first, ...rest] = args;
  const sub = (first ?? '').toLowerCase();
  if (sub === '') {
    await services.settings.channelFor(actor.workspaceId, 'approvals');
    const pick = releasePickForm(await services.systems.search(actor.workspaceId, '', 1000));
    const warning = await approverWarning(services, actor, await services.releases.defaultApprovals(actor.workspaceId), prefix);
    return { kind: 'form', form: warning ? { ...pick, intro: warning } : pick };
  }
  if (sub === 'list') {
    const statuses = rest
      .filter((w) => (STATUSES as readonly string[]).includes(w.toLowerCase()))
      .map((w) => w.toLowerCase() as ReleaseStatus);
    const others = rest.filter(
      (w) => !(STATUSES as readonly string[]).includes(w.toLowerCase()) && w.toLowerCase() !== 'page' && !/^\d+$/.test(w),
    );
    const pageAt = rest.findIndex((w) => w.toLowerCase() === 'page');
    const page = pageAt >= 0 ? Math.max(0, Number(rest[pageAt + 1] ?? '1') - 1) || 0 : 0;
    const system = others.length > 0 ? await services.systems.find(actor.workspaceId, others.join(' ')) : undefined;
    const result = await services.releases.list(
      actor.workspaceId,
      { ...(statuses.length > 0 ? { statuses } : {}), ...(system ? { aiSystemId: system.id } : {}) },
      page,
    );
    const systemNames = new Map<number, string>();
    for (const release of result.items)
      if (!systemNames.has(release.aiSystemId))
        systemNames.set(release.aiSystemId, (await services.systems.getById(actor.workspaceId, release.aiSystemId)).name);
    const label = [...statuses, ...(system ? [system.name] : [])].join(', ');
    return message(
      releaseListView({
        ...result,
        systemNames,
        filterLabel: label,
        nextPageCommand: `${prefix}release list ${[...statuses, ...others, 'page', String(page + 2)].join(' ')}`,
      }),
    );
  }
  const id = parseReleaseRef(first);
  if (id !== undefined) {
    const verb = (rest[0] ?? '').toLowerCase();
    if (verb === 'edit') return await releaseEditForm(services, actor, id);
    if (verb === 'withdraw') {
      const { changed } = await services.releases.withdraw(actor, id);
      return message({
        ...(await releaseCard(
          services,
          actor.workspaceId,
          id,
          timeZone,
          changed ? `REL-${id} is withdrawn.` : `REL-${id} was already withdrawn.`,
        )),
        visibility: 'private',
      });
    }
    return message({ ...(await releaseCard(services, actor.workspaceId, id, timeZone)), visibility: 'private' });
  }
  return await releaseFormFor(services, actor, await services.systems.find(actor.workspaceId, args.join(' ')), prefix);
}

const NUMBER = String.raw`-?\d+(?:[.,]\d+)?`;
const CRITERION = new RegExp(
  String.raw`^(\S+)\s*(>=|<=|≥|≤)\s*(-?[\d.,]+)\s+on\s+(.+?)(?:\s+range\s+(${NUMBER})?\s*\.\.\s*(${NUMBER})?)?$`,
  'i',
);
const decimal = (text: string | undefined) => (text === undefined ? null : Number(text.replace(',', '.')));

/** `system <name> criteria [add <metric> >=|<= <threshold> on <dataset> [range <min>..<max>] | remove <metric>]` */
export async function criteriaCommand(ctx: CommandContext, system: AiSystem, words: string[]): Promise<ChatResponse> {
  const { services, actor, prefix } = ctx;
  const verb = (words[0] ?? '').toLowerCase();
  if (verb === 'add') {
    const match = CRITERION.exec(words.slice(1).join(' '));
    const hint = `Example: ${prefix}system ${system.name} criteria add recall >= 0.92 on holdout-2026 (rates are 0..1, latencies at least 0; other bounds: … on holdout range 0..100)`;
    if (!match) throw new AimsError('invalid_input', 'Write it as: <metric> >= <threshold> on <dataset> [range <min>..<max>].', { hint });
    if (/\srange\s/i.test(` ${match[4] ?? ''} `))
      throw new AimsError('invalid_input', 'Write the range as “range <min>..<max>”, e.g. range 0..100 (either side may be left open).', {
        hint,
      });
    const comparison = match[2] === '≥' ? '>=' : match[2] === '≤' ? '<=' : match[2];
    const criterion = await services.releases.addCriterion(actor, system.id, {
      metric: match[1],
      comparison,
      threshold: Number((match[3] ?? '').replace(',', '.')),
      dataset: match[4],
      minValue: decimal(match[5]),
      maxValue: decimal(match[6]),
    });
    return message(
      criteriaView(
        system.name,
        await services.releases.criteria(actor.workspaceId, system.id),
        prefix,
        `Added ${criterion.metric} to the acceptance criteria.`,
      ),
    );
  }
  if (verb === 'remove') {
    const removed = await services.releases.removeCriterion(actor, system.id, words.slice(1).join(' '));
    return message(
      criteriaView(
        system.name,
        await services.releases.criteria(actor.workspaceId, system.id),
        prefix,
        `Removed ${removed.length} criterion for ${removed[0]?.metric ?? ''}.`,
      ),
    );
  }
  return message(criteriaView(system.name, await services.releases.criteria(actor.workspaceId, system.id), prefix));
}

export interface ReleaseActionContext extends Identified {
  services: ChatServices;
  outbox: OutboxSender;
  /** Where the person acts (for the link that opens a chat with the bot on Teams). */
  origin?: RequestOrigin;
}

/** Applies an approval and what follows from it: cards refreshed everywhere, the requester told of a decision. */
export async function decideRelease(
  ctx: ReleaseActionContext,
  id: number,
  decision: 'approve' | 'reject',
  comment?: string,
  seen?: string,
): Promise<{ note: string; changed: boolean }> {
  const { services, actor } = ctx;
  const outcome = await services.releases.decide(actor, id, decision, comment, seen);
  // The cards everywhere, and the requester's notice of a decision, were queued with the decision.
  const subject = subjectOf('release', id);
  const sent = await ctx.outbox.sendFor(subject);
  if (!outcome.changed) return { note: `You already decided on REL-${id}; it counts once.`, changed: false };
  if (outcome.decided) {
    // Say honestly whether the requester heard of it.
    const told = await deliveryNote(services, actor.workspaceId, subject, sent, {
      notice: RELEASE_NOTICES.decided,
      told: 'The requester was told.',
      onlyThisChange: true,
      ...(ctx.origin && botIdOf(ctx.origin) ? { botId: botIdOf(ctx.origin) as string } : {}),
    });
    return { note: `REL-${id} is ${outcome.release.status}.${told ? ` ${told}` : ''}`, changed: true };
  }
  return { note: decision === 'approve' ? 'Your approval is recorded.' : 'Your rejection is recorded.', changed: true };
}

/** A click on a sign-off card; refusals come back as the card in its true state with the reason on top. */
export async function releaseAction(ctx: ReleaseActionContext, action: string, args: Record<string, string>): Promise<ChatResponse> {
  const { services, actor, timeZone } = ctx;
  const id = Number(args.release);
  // A note that changed nothing (refused, stale) is the clicker's alone; the card shows the true state to everyone.
  const card = async (note?: string, refused = false) =>
    recordAnswer(await releaseCard(services, actor.workspaceId, id, timeZone), note, refused);
  try {
    switch (action) {
      case RELEASE_ACTIONS.approve: {
        const { note, changed } = await decideRelease(ctx, id, 'approve', undefined, args.seen);
        return await card(note, !changed);
      }
      case RELEASE_ACTIONS.approveWithComment:
      case RELEASE_ACTIONS.reject: {
        const { release } = await services.releases.details(actor.workspaceId, id);
        await services.releases.requireCanDecide(actor, id);
        if (args.seen !== undefined && args.seen !== release.contentHash)
          return await card(`REL-${id} was edited since you saw it. Here it is as it stands now; please look again.`, true);
        return { kind: 'form', form: action === RELEASE_ACTIONS.reject ? rejectForm(release) : approveForm(release) };
      }
      case RELEASE_ACTIONS.withdraw: {
        const { changed } = await services.releases.withdraw(actor, id);
        await ctx.outbox.sendFor(subjectOf('release', id));
        return await card(changed ? `REL-${id} is withdrawn.` : `REL-${id} was already withdrawn.`, !changed);
      }
      case RELEASE_ACTIONS.edit:
        return await releaseEditForm(services, actor, id);
      default:
        return await card();
    }
  } catch (error) {
    if (isAimsError(error) && (error.code === 'conflict' || error.code === 'forbidden'))
      return await card([error.message, error.details.hint].filter(Boolean).join(' '), true);
    throw error;
  }
}
