import type { Actor } from '../../core/actor.ts';
import { AimsError } from '../../core/errors.ts';
import type { Person } from '../../core/identity.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import { reviewDoneForm, reviewForm } from './forms.ts';
import { reviewListView } from './views.ts';
import { message, type ChatResponse, type FormView } from '../../chat/views/view.ts';
import type { CommandContext } from '../../chat/commands/command-context.ts';

export function reviewList(services: ChatServices, actor: Actor, mine: boolean, prefix: string, note?: string): ChatResponse {
  const schedules = services.reviews.list(actor.workspaceId, mine ? { ownerPersonId: actor.personId } : {});
  const people = new Map<number, Person>();
  const systems = new Map<number, string>();
  for (const schedule of schedules) {
    const owner = services.directory.personById(actor.workspaceId, schedule.ownerPersonId);
    if (owner) people.set(owner.id, owner);
    if (schedule.aiSystemId && !systems.has(schedule.aiSystemId))
      systems.set(schedule.aiSystemId, services.systems.getById(actor.workspaceId, schedule.aiSystemId).name);
  }
  return message(
    reviewListView({
      schedules,
      people,
      systems,
      today: services.reviews.todayFor(actor.workspaceId),
      title: mine ? 'My reviews' : 'Reviews',
      prefix,
      ...(note ? { note } : {}),
    }),
  );
}

export function reviewEditForm(services: ChatServices, actor: Actor, id: number): FormView {
  const schedule = services.reviews.get(actor.workspaceId, id);
  const owner = services.directory.personById(actor.workspaceId, schedule.ownerPersonId);
  const system = schedule.aiSystemId ? services.systems.getById(actor.workspaceId, schedule.aiSystemId) : undefined;
  return reviewForm({
    systems: services.systems.search(actor.workspaceId, '', 1000),
    people: services.directory.people(actor.workspaceId),
    today: services.reviews.todayFor(actor.workspaceId),
    schedule,
    ...(owner ? { owner } : {}),
    ...(system ? { system } : {}),
  });
}

export function reviewDoneFormFor(services: ChatServices, actor: Actor, id: number): FormView {
  return reviewDoneForm(
    services.reviews.get(actor.workspaceId, id),
    services.directory.people(actor.workspaceId),
    services.reviews.todayFor(actor.workspaceId),
  );
}

/** `review add | list | mine | edit <id> | done <id>` */
export function reviewCommand(ctx: CommandContext): ChatResponse {
  const { services, actor, args, prefix } = ctx;
  const sub = (args[0] ?? 'list').toLowerCase();
  const id = Number((args[1] ?? '').replace(/^#/, ''));
  switch (sub) {
    case 'list':
      return reviewList(services, actor, false, prefix);
    case 'mine':
      return reviewList(services, actor, true, prefix);
    case 'add':
      return {
        kind: 'form',
        form: reviewForm({
          systems: services.systems.search(actor.workspaceId, '', 1000),
          people: services.directory.people(actor.workspaceId),
          today: services.reviews.todayFor(actor.workspaceId),
        }),
      };
    case 'edit':
    case 'done':
      if (!Number.isInteger(id) || id <= 0)
        throw new AimsError('invalid_input', `Say which review: ${prefix}review ${sub} <number> (see ${prefix}review list).`);
      return { kind: 'form', form: sub === 'edit' ? reviewEditForm(services, actor, id) : reviewDoneFormFor(services, actor, id) };
    default:
      throw new AimsError('invalid_input', `Use ${prefix}review add, list, mine, edit <number> or done <number>.`);
  }
}
