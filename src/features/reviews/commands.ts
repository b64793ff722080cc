import type { Actor } from '../../core/actor.ts';
import { AimsError } from '../../core/errors.ts';
import type { Person } from '../../core/identity.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import { reviewDoneForm, reviewForm } from './forms.ts';
import { reviewListView } from './views.ts';
import { message, type ChatResponse, type FormView } from '../../chat/views/view.ts';
import type { CommandContext } from '../../chat/commands/command-context.ts';

export async function reviewList(
  services: ChatServices,
  actor: Actor,
  mine: boolean,
  prefix: string,
  note?: string,
): Promise<ChatResponse> {
  const schedules = await services.reviews.list(actor.workspaceId, mine ? { ownerPersonId: actor.personId } : {});
  const people = new Map<number, Person>();
  const systems = new Map<number, string>();
  for (const schedule of schedules) {
    const owner = await services.directory.personById(actor.workspaceId, schedule.ownerPersonId);
    if (owner) people.set(owner.id, owner);
    if (schedule.aiSystemId && !systems.has(schedule.aiSystemId))
      systems.set(schedule.aiSystemId, (await services.systems.getById(actor.workspaceId, schedule.aiSystemId)).name);
  }
  return message(
    reviewListView({
      schedules,
      people,
      systems,
      today: await services.reviews.todayFor(actor.workspaceId),
      title: mine ? 'My reviews' : 'Reviews',
      prefix,
      ...(note ? { note } : {}),
    }),
  );
}

export async function reviewEditForm(services: ChatServices, actor: Actor, id: number): Promise<FormView> {
  const schedule = await services.reviews.get(actor.workspaceId, id);
  const owner = await services.directory.personById(actor.workspaceId, schedule.ownerPersonId);
  const system = schedule.aiSystemId ? await services.systems.getById(actor.workspaceId, schedule.aiSystemId) : undefined;
  return reviewForm({
    systems: await services.systems.search(actor.workspaceId, '', 1000),
    people: await services.directory.people(actor.workspaceId),
    today: await services.reviews.todayFor(actor.workspaceId),
    schedule,
    ...(owner ? { owner } : {}),
    ...(system ? { system } : {}),
  });
}

export async function reviewDoneFormFor(services: ChatServices, actor: Actor, id: number): Promise<FormView> {
  return reviewDoneForm(
    await services.reviews.get(actor.workspaceId, id),
    await services.directory.people(actor.workspaceId),
    await services.reviews.todayFor(actor.workspaceId),
  );
}

/** `review add | list | mine | edit <id> | done <id>` */
export async function reviewCommand(ctx: CommandContext): Promise<ChatResponse> {
  const { services, actor, args, prefix } = ctx;
  const sub = (args[0] ?? 'list').toLowerCase();
  const id = Number((args[1] ?? '').replace(/^#/, ''));
  switch (sub) {
    case 'list':
      return await reviewList(services, actor, false, prefix);
    case 'mine':
      return await reviewList(services, actor, true, prefix);
    case 'add':
      return {
        kind: 'form',
        form: reviewForm({
          systems: await services.systems.search(actor.workspaceId, '', 1000),
          people: await services.directory.people(actor.workspaceId),
          today: await services.reviews.todayFor(actor.workspaceId),
        }),
      };
    case 'edit':
    case 'done':
      if (!Number.isInteger(id) || id <= 0)
        throw new AimsError('invalid_input', `Say which review: ${prefix}review ${sub} <number> (see ${prefix}review list).`);
      return {
        kind: 'form',
        form: sub === 'edit' ? await reviewEditForm(services, actor, id) : await reviewDoneFormFor(services, actor, id),
      };
    default:
      throw new AimsError('invalid_input', `Use ${prefix}review add, list, mine, edit <number> or done <number>.`);
  }
}
