import { EU_RISK_LEVELS, STAGES, type AiSystem, type EuRiskLevel, type Stage } from './domain.ts';
import type { Actor } from '../../core/actor.ts';
import { AimsError } from '../../core/errors.ts';
import type { Person } from '../../core/identity.ts';
import type { AiSystemFilter } from './port.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import { SYSTEM_ACTIONS, systemForm } from './forms.ts';
import { systemCardView, systemListView } from './views.ts';
import { message, type ChatResponse, type MessageView } from '../../chat/views/view.ts';
import type { CommandContext } from '../../chat/commands/command-context.ts';
import { criteriaCommand } from '../releases/commands.ts';

async function ownersOf(services: ChatServices, workspaceId: number, systems: AiSystem[]): Promise<Map<number, Person>> {
  const owners = new Map<number, Person>();
  for (const system of systems) {
    if (system.ownerPersonId === null || owners.has(system.ownerPersonId)) continue;
    const person = await services.directory.personById(workspaceId, system.ownerPersonId);
    if (person) owners.set(person.id, person);
  }
  return owners;
}

/** The card of one system, as the given actor may use it. */
export async function systemCard(
  services: ChatServices,
  actor: Actor,
  system: AiSystem,
  timeZone: string,
  note?: string,
  offerReviews = false,
): Promise<MessageView> {
  const owner = system.ownerPersonId === null ? undefined : await services.directory.personById(actor.workspaceId, system.ownerPersonId);
  const canManage = actor.roles.includes('admin') || system.ownerPersonId === actor.personId;
  return systemCardView({ system, ...(owner ? { owner } : {}), canManage, timeZone, ...(note ? { note } : {}), offerReviews });
}

/** The edit form of a system, refused early (before a form opens) to people who may not edit. */
export async function systemEditForm(services: ChatServices, actor: Actor, system: AiSystem): Promise<ChatResponse> {
  await services.systems.requireCanManage(actor, system, 'edit it');
  const owner = system.ownerPersonId === null ? undefined : await services.directory.personById(actor.workspaceId, system.ownerPersonId);
  const form = systemForm({
    mode: 'edit',
    system,
    ...(owner ? { owner } : {}),
    people: await services.directory.people(actor.workspaceId),
  });
  return { kind: 'form', form: { ...form, cancel: { action: SYSTEM_ACTIONS.show, args: { systemId: String(system.id) } } } };
}

function parseFilter(words: string[]): { filter: AiSystemFilter; label: string; page: number } {
  const filter: AiSystemFilter = {};
  const labels: string[] = [];
  let page = 0;
  for (let i = 0; i < words.length; i++) {
    const word = (words[i] ?? '').toLowerCase();
    if (word === 'page') {
      page = Math.max(0, Number(words[i + 1] ?? '1') - 1) || 0;
      i += 1;
    } else if ((STAGES as readonly string[]).includes(word)) {
      filter.stage = word as Stage;
      labels.push(word);
    } else if ((EU_RISK_LEVELS as readonly string[]).includes(word)) {
      filter.euRiskLevel = word as EuRiskLevel;
      labels.push(`${word} risk`);
    } else if (word === 'all') {
      filter.includeRetired = true;
      labels.push('including retired');
    } else {
      throw new AimsError(
        'invalid_input',
        `I can filter the list by stage (${STAGES.join(', ')}) or risk level (${EU_RISK_LEVELS.join(', ')}), not by “${words[i]}”.`,
      );
    }
  }
  return { filter, label: labels.join(', '), page };
}

/** `system add | list [filters] | <name> [edit|retire]` */
export async function systemCommand(ctx: CommandContext): Promise<ChatResponse> {
  const { services, actor, args, prefix, timeZone } = ctx;
  const [first, ...rest] = args;
  const sub = (first ?? '').toLowerCase();
  if (sub === '' || sub === 'help') {
    return message({
      summary: 'AI system commands',
      blocks: [
        {
          type: 'list',
          items: [
            [{ text: `${prefix}system add`, style: 'code' }, { text: ' — register an AI system' }],
            [
              { text: `${prefix}system list [development|production|retired|high|limited|minimal|prohibited|all]`, style: 'code' },
              { text: ' — the inventory' },
            ],
            [{ text: `${prefix}system <name>`, style: 'code' }, { text: ' — one system, with Edit and Retire' }],
          ],
        },
      ],
      visibility: 'private',
    });
  }
  if (sub === 'add') {
    return {
      kind: 'form',
      form: systemForm({
        mode: 'add',
        people: await services.directory.people(actor.workspaceId),
        ...(rest.length > 0 ? { prefillName: rest.join(' ') } : {}),
      }),
    };
  }
  if (sub === 'list') {
    const { filter, label, page } = parseFilter(rest);
    const result = await services.systems.list(actor.workspaceId, filter, page);
    const showsRetired = filter.includeRetired === true || filter.stage === 'retired';
    return message(
      systemListView({
        ...result,
        retiredHidden: showsRetired || filter.stage ? 0 : (await services.systems.counts(actor.workspaceId)).byStage.retired,
        owners: await ownersOf(services, actor.workspaceId, result.items),
        filterLabel: label,
        prefix,
        nextPageCommand: `${prefix}system list ${[...rest.filter((w, i) => w.toLowerCase() !== 'page' && rest[i - 1]?.toLowerCase() !== 'page'), 'page', String(page + 2)].join(' ')}`,
      }),
    );
  }
  const criteriaAt = args.findIndex((word) => word.toLowerCase() === 'criteria');
  if (criteriaAt > 0)
    return await criteriaCommand(
      ctx,
      await services.systems.find(actor.workspaceId, args.slice(0, criteriaAt).join(' ')),
      args.slice(criteriaAt + 1),
    );
  const last = (args.at(-1) ?? '').toLowerCase();
  const verb = args.length > 1 && (last === 'edit' || last === 'retire') ? last : undefined;
  const name = (verb ? args.slice(0, -1) : args).join(' ');
  const system = await services.systems.find(actor.workspaceId, name);
  if (verb === 'edit') return await systemEditForm(services, actor, system);
  if (verb === 'retire') {
    const { system: retired, changed } = await services.systems.retire(actor, system.id);
    return message(
      await systemCard(
        services,
        actor,
        retired,
        timeZone,
        changed ? `${retired.name} is retired. Its record and history stay.` : `${retired.name} was already retired.`,
      ),
    );
  }
  return message(await systemCard(services, actor, system, timeZone));
}
