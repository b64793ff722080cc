import type { Identified } from '../feature.ts';
import type { Actor } from '../../core/actor.ts';
import { isAimsError } from '../../core/errors.ts';
import type { Transition } from '../../core/incidents/incident.ts';
import type { ChatServices } from '../chat-services.ts';
import { acknowledgeForm, commentForm, resolveForm } from '../forms/incident-forms.ts';
import { subjectOf } from '../../core/outbox/outbox.ts';
import type { OutboxSender } from '../outbox-sender.ts';
import { message, type ChatResponse } from '../views/view.ts';
import { actionList, incidentCard } from './incident-commands.ts';

export interface IncidentActionContext extends Identified {
  services: ChatServices;
  outbox: OutboxSender;
}

export const INCIDENT_ACTIONS = new Set(['incident.acknowledge', 'incident.mitigate', 'incident.resolve', 'incident.close', 'incident.reopen', 'incident.comment', 'incident.show', 'action.done']);

const DIRECT: Record<string, Transition> = { 'incident.mitigate': 'mitigate', 'incident.close': 'close', 'incident.reopen': 'reopen' };

/** People the owner pickers offer. */
function people(services: ChatServices, actor: Actor) {
  return services.directory.people(actor.workspaceId);
}

/**
 * A click on an incident card. Refusals (not allowed now, not yours) come back as the card in its
 * true state with the reason on top, so a stale card is corrected by the click that found it stale.
 */
export async function incidentAction(ctx: IncidentActionContext, action: string, args: Record<string, string>): Promise<ChatResponse> {
  const { services, actor, timeZone } = ctx;
  if (action === 'action.done') {
    const id = Number(args.action);
    const { changed, action: done } = services.incidents.markActionDone(actor, id);
    if (done.incidentId) await ctx.outbox.sendFor(subjectOf('incident', done.incidentId));
    return actionList(services, actor, false, changed ? `Action #${id} is done.` : `Action #${id} was already done.`);
  }
  const number = Number(args.incident);
  const card = (note?: string) => message(incidentCard(services, actor.workspaceId, number, timeZone, note));
  try {
    const { incident } = services.incidents.details(actor.workspaceId, number);
    switch (action) {
      case 'incident.show':
        return card();
      case 'incident.comment':
        return { kind: 'form', form: commentForm(incident) };
      case 'incident.acknowledge': {
        if (incident.status !== 'open') return card(incident.status === 'acknowledged' ? `INC-${number} was already acknowledged.` : `INC-${number} is ${incident.status}; there is nothing to acknowledge.`);
        const owner = incident.ownerPersonId ? services.directory.personById(actor.workspaceId, incident.ownerPersonId) : undefined;
        return { kind: 'form', form: acknowledgeForm(incident, owner, people(services, actor), services.incidents.canManage(actor, number)) };
      }
      case 'incident.resolve': {
        if (incident.status === 'resolved') return card(`INC-${number} was already resolved.`);
        services.incidents.requireCanResolve(actor, number);
        const owner = incident.ownerPersonId ? services.directory.personById(actor.workspaceId, incident.ownerPersonId) : undefined;
        return { kind: 'form', form: resolveForm(incident, people(services, actor), owner) };
      }
      default: {
        const transition = DIRECT[action];
        if (!transition) return card();
        const { changed, incident: moved } = services.incidents.transition(actor, number, transition);
        await ctx.outbox.sendFor(subjectOf('incident', moved.id));
        return card(changed ? undefined : `Nothing changed: INC-${number} is already ${services.incidents.details(actor.workspaceId, number).incident.status}.`);
      }
    }
  } catch (error) {
    if (isAimsError(error) && (error.code === 'conflict' || error.code === 'forbidden')) {
      return card([error.message, error.details.hint].filter(Boolean).join(' '));
    }
    throw error;
  }
}
