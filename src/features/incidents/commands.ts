import type { Actor } from '../../core/actor.ts';
import { AimsError, isAimsError } from '../../core/errors.ts';
import { subjectOf } from '../../core/outbox/outbox.ts';
import type { Person } from '../../core/identity.ts';
import { ACTIVE_STATUSES, SEVERITIES, type Severity, type Transition } from './domain.ts';
import { parseIncidentRef } from './service.ts';
import type { IncidentFilter } from './port.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import { acknowledgeForm, commentForm, INCIDENT_ACTIONS, incidentForm, resolveForm, type IncidentActionId } from './forms.ts';
import { actionListView, incidentCardView, incidentListView } from './views.ts';
import { message, recordAnswer, type ChatResponse, type MessageView } from '../../chat/views/view.ts';
import type { CommandContext } from '../../chat/commands/command-context.ts';
import type { Identified } from '../../chat/feature.ts';
import type { OutboxSender } from '../../chat/outbox-sender.ts';

/** The incident form, refused plainly before it opens while no incidents channel is set up. */
export async function openIncidentForm(
  services: ChatServices,
  actor: Actor,
  timeZone: string,
  prefill: { title?: string; description?: string } = {},
): Promise<ChatResponse> {
  await services.settings.channelFor(actor.workspaceId, 'incidents');
  // Slack searches as you type; Teams shows the first of these and offers Find for the rest.
  const systems = await services.systems.search(actor.workspaceId, '', 1000);
  return {
    kind: 'form',
    form: incidentForm({ systems, timeZone, now: services.clock.now().toISOString(), ...prefill }),
  };
}

/** One incident's card for the person who asked (private on Slack). */
export async function incidentCard(
  services: ChatServices,
  workspaceId: number,
  number: number,
  timeZone: string,
  note?: string,
): Promise<MessageView> {
  return incidentCardView(await services.incidents.details(workspaceId, number), timeZone, note);
}

async function peopleById(services: ChatServices, workspaceId: number, ids: number[]): Promise<Map<number, Person>> {
  const out = new Map<number, Person>();
  for (const id of new Set(ids)) {
    const person = await services.directory.personById(workspaceId, id);
    if (person) out.set(id, person);
  }
  return out;
}

async function listIncidents(ctx: CommandContext, words: string[]): Promise<ChatResponse> {
  const { services, actor, prefix } = ctx;
  const filter: IncidentFilter = {};
  const labels: string[] = [];
  let page = 0;
  const rest: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    const lower = word.toLowerCase();
    if (lower === 'page') {
      page = Math.max(0, Number(words[i + 1] ?? '1') - 1) || 0;
      i += 1;
    } else if (lower === 'open') {
      filter.statuses = ACTIVE_STATUSES;
      labels.push('open');
    } else if (lower === 'mine') {
      filter.involvingPersonId = actor.personId;
      labels.push('mine');
    } else if ((SEVERITIES as readonly string[]).includes(word.toUpperCase())) {
      filter.severity = word.toUpperCase() as Severity;
      labels.push(word.toUpperCase());
    } else {
      rest.push(word);
    }
  }
  if (rest.length > 0) {
    const system = await services.systems.find(actor.workspaceId, rest.join(' '));
    filter.aiSystemId = system.id;
    labels.push(system.name);
  }
  const result = await services.incidents.list(actor.workspaceId, filter, page);
  const systemNames = new Map<number, string>();
  for (const incident of result.items) {
    if (incident.aiSystemId && !systemNames.has(incident.aiSystemId))
      systemNames.set(incident.aiSystemId, (await services.systems.getById(actor.workspaceId, incident.aiSystemId)).name);
  }
  const kept = words.filter((w, i) => w.toLowerCase() !== 'page' && words[i - 1]?.toLowerCase() !== 'page');
  return message(
    incidentListView({
      ...result,
      filterLabel: labels.join(', '),
      nextPageCommand: `${prefix}incident list ${[...kept, 'page', String(page + 2)].join(' ')}`,
      systemNames,
    }),
  );
}

/** `incident INC-12 owner @person`: the owner or an admin names the accountable owner. */
async function reassign(ctx: CommandContext, number: number): Promise<ChatResponse> {
  const { services, actor, timeZone, request, contact, prefix } = ctx;
  const mention = request.mentions?.[0];
  if (!mention) throw new AimsError('invalid_input', `Mention the new owner: ${prefix}incident INC-${number} owner @person`);
  // Refused before anything is written: meeting the mentioned person would be a change too.
  await services.incidents.requireCanManage(actor, number, 'reassign');
  const person = await services.directory.ensurePerson(contact.workspace, mention.externalId, mention.displayName, actor.label);
  const { changed } = await services.incidents.assign(actor, number, person.id);
  const name = person.displayName ?? person.externalId;
  return message({
    ...(await incidentCard(
      services,
      actor.workspaceId,
      number,
      timeZone,
      changed ? `${name} is now the owner of INC-${number}.` : `${name} was already the owner of INC-${number}.`,
    )),
    visibility: 'private',
  });
}

/** `incident [title] | incident list [open|mine|S1..S4|<system>] | incident INC-12 [comment <text> | owner @person]` */
export async function incidentCommand(ctx: CommandContext): Promise<ChatResponse> {
  const { services, actor, args, timeZone } = ctx;
  const [first, ...rest] = args;
  if ((first ?? '').toLowerCase() === 'list') return await listIncidents(ctx, rest);
  const number = parseIncidentRef(first);
  if (number !== undefined && rest[0]?.toLowerCase() === 'owner') return await reassign(ctx, number);
  if (number !== undefined && (rest.length === 0 || rest[0]?.toLowerCase() === 'comment')) {
    if (rest[0]?.toLowerCase() === 'comment') {
      await services.incidents.comment(actor, number, rest.slice(1).join(' '));
      return message({ ...(await incidentCard(services, actor.workspaceId, number, timeZone, 'Comment added.')), visibility: 'private' });
    }
    return message({ ...(await incidentCard(services, actor.workspaceId, number, timeZone)), visibility: 'private' });
  }
  return await openIncidentForm(services, actor, timeZone, args.length > 0 ? { title: args.join(' ') } : {});
}

/** `action list [mine|all] | action done <id>` */
export async function actionCommand(ctx: CommandContext): Promise<ChatResponse> {
  const { services, actor, args, prefix } = ctx;
  const sub = (args[0] ?? 'list').toLowerCase();
  if (sub === 'done') {
    const id = Number((args[1] ?? '').replace(/^#/, ''));
    if (!Number.isInteger(id) || id <= 0) throw new AimsError('invalid_input', `Say which action: ${prefix}action done <number>`);
    const { changed } = await services.incidents.markActionDone(actor, id);
    return await actionList(services, actor, args.includes('mine'), changed ? `Action #${id} is done.` : `Action #${id} was already done.`);
  }
  if (sub !== 'list') throw new AimsError('invalid_input', `Use ${prefix}action list [mine] or ${prefix}action done <number>.`);
  return await actionList(services, actor, args.includes('mine'));
}

export async function actionList(services: ChatServices, actor: Actor, mine: boolean, note?: string): Promise<ChatResponse> {
  const result = await services.incidents.listActions(actor.workspaceId, {
    status: 'open',
    ...(mine ? { ownerPersonId: actor.personId } : {}),
  });
  const people = await peopleById(
    services,
    actor.workspaceId,
    result.items.map((action) => action.ownerPersonId),
  );
  const incidents = await services.incidents.numbersOf(
    actor.workspaceId,
    result.items.flatMap((action) => (action.incidentId ? [action.incidentId] : [])),
  );
  const view = actionListView({ ...result, people, incidents, title: mine ? 'My open corrective actions' : 'Open corrective actions' });
  return message(note ? { ...view, blocks: [{ type: 'text', text: note }, ...view.blocks] } : view);
}

export interface IncidentActionContext extends Identified {
  services: ChatServices;
  outbox: OutboxSender;
}

const DIRECT: Partial<Record<IncidentActionId, Transition>> = {
  [INCIDENT_ACTIONS.mitigate]: 'mitigate',
  [INCIDENT_ACTIONS.close]: 'close',
  [INCIDENT_ACTIONS.reopen]: 'reopen',
};

/** People the owner pickers offer. */
async function people(services: ChatServices, actor: Actor) {
  return await services.directory.people(actor.workspaceId);
}

/**
 * A click on an incident card. Refusals (not allowed now, not yours) come back as the card in its
 * true state with the reason on top, so a stale card is corrected by the click that found it stale.
 */
export async function incidentAction(
  ctx: IncidentActionContext,
  action: IncidentActionId,
  args: Record<string, string>,
): Promise<ChatResponse> {
  const { services, actor, timeZone } = ctx;
  if (action === INCIDENT_ACTIONS.actionDone) {
    const id = Number(args.action);
    const { changed, action: done } = await services.incidents.markActionDone(actor, id);
    if (done.incidentId) await ctx.outbox.sendFor(subjectOf('incident', done.incidentId));
    return await actionList(services, actor, false, changed ? `Action #${id} is done.` : `Action #${id} was already done.`);
  }
  const number = Number(args.incident);
  // A note that changed nothing (refused, stale) is the clicker's alone; the card shows the true state to everyone.
  const card = async (note?: string, refused = false) =>
    recordAnswer(await incidentCard(services, actor.workspaceId, number, timeZone), note, refused);
  try {
    const { incident } = await services.incidents.details(actor.workspaceId, number);
    switch (action) {
      case INCIDENT_ACTIONS.show:
        return await card();
      case INCIDENT_ACTIONS.comment:
        return { kind: 'form', form: commentForm(incident) };
      case INCIDENT_ACTIONS.acknowledge: {
        if (incident.status !== 'open')
          return await card(
            incident.status === 'acknowledged'
              ? `INC-${number} was already acknowledged.`
              : `INC-${number} is ${incident.status}; there is nothing to acknowledge.`,
            true,
          );
        const owner = incident.ownerPersonId ? await services.directory.personById(actor.workspaceId, incident.ownerPersonId) : undefined;
        return {
          kind: 'form',
          form: acknowledgeForm(incident, owner, await people(services, actor), await services.incidents.canManage(actor, number)),
        };
      }
      case INCIDENT_ACTIONS.resolve: {
        if (incident.status === 'resolved') return await card(`INC-${number} was already resolved.`, true);
        await services.incidents.requireCanResolve(actor, number);
        const owner = incident.ownerPersonId ? await services.directory.personById(actor.workspaceId, incident.ownerPersonId) : undefined;
        return { kind: 'form', form: resolveForm(incident, await people(services, actor), owner) };
      }
      default: {
        const transition = DIRECT[action];
        if (!transition) return await card();
        const { changed, incident: moved } = await services.incidents.transition(actor, number, transition);
        await ctx.outbox.sendFor(subjectOf('incident', moved.id));
        return await card(
          changed
            ? undefined
            : `Nothing changed: INC-${number} is already ${(await services.incidents.details(actor.workspaceId, number)).incident.status}.`,
          !changed,
        );
      }
    }
  } catch (error) {
    if (isAimsError(error) && (error.code === 'conflict' || error.code === 'forbidden')) {
      return await card([error.message, error.details.hint].filter(Boolean).join(' '), true);
    }
    throw error;
  }
}
