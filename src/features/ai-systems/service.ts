import type { Actor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import { AimsError, fieldErrorsOf, invalidInput } from '../../core/errors.ts';
import { bindKey, claimBound, replayedRecord } from '../../core/inbound-dedupe.ts';
import { requireOwnerOrAdmin } from '../../core/policies.ts';
import type { Repositories, UnitOfWork } from '../../core/ports.ts';
import type { AiSystemCounts, AiSystemFilter } from './port.ts';
import { AI_SYSTEM_AUDIT, looksAlike, nameKeyOf, type AiSystem } from './domain.ts';
import { aiSystemInputSchema, type AiSystemInput } from './input.ts';
import { mapInTurn } from '../../core/in-turn.ts';

export const SYSTEM_PAGE_SIZE = 25;

/** The changed fields only, for the audit trail and the "what changed" reply. */
function diff(before: AiSystem, after: AiSystem): { before: Partial<AiSystem>; after: Partial<AiSystem> } {
  const changed = (Object.keys(after) as Array<keyof AiSystem>).filter((key) => key !== 'updatedAt' && before[key] !== after[key]);
  return {
    before: Object.fromEntries(changed.map((key) => [key, before[key]])),
    after: Object.fromEntries(changed.map((key) => [key, after[key]])),
  };
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** The AI system inventory of a workspace: register, edit, retire, find, list. */
export class AiSystemService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /**
   * Checks the form and what it refers to (owner, name clash) together, so a person sees every
   * problem at once, each at its field.
   */
  private async validate(repos: Repositories, actor: Actor, raw: unknown, selfId?: number): Promise<AiSystemInput> {
    const parsed = aiSystemInputSchema.safeParse(raw);
    const errors = parsed.success ? {} : fieldErrorsOf(parsed.error.issues);
    const fields = (raw ?? {}) as { name?: unknown; ownerPersonId?: unknown };
    if (typeof fields.ownerPersonId === 'number' && !(await repos.people.findById(actor.workspaceId, fields.ownerPersonId))) {
      errors.ownerPersonId ??= 'The owner must be a person in this workspace.';
    }
    if (typeof fields.name === 'string' && fields.name.trim() !== '') {
      const alike = (await repos.aiSystems.names(actor.workspaceId)).filter((name) => looksAlike(name, fields.name as string));
      const clash = (
        await mapInTurn(
          [nameKeyOf(fields.name), ...alike.map(nameKeyOf)],
          async (key) => await repos.aiSystems.findByNameKey(actor.workspaceId, key),
        )
      ).find((system) => system && system.id !== selfId);
      if (clash) errors.name ??= `An AI system named “${clash.name}” already exists in this workspace.`;
    }
    if (!parsed.success || Object.keys(errors).length > 0) throw invalidInput(errors);
    return parsed.data;
  }

  /** Registers a system; a repeated submission (same key) returns the system it created. */
  async add(actor: Actor, raw: unknown, submissionKey?: string): Promise<{ system: AiSystem; created: boolean }> {
    const at = this.clock.now().toISOString();
    const name = (raw as { name?: unknown } | undefined)?.name;
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, raw }) : undefined;
    try {
      return await this.store.write(async (repos) => {
        if (bound) {
          const existing = await replayedRecord(
            repos.dedupe,
            bound,
            'systemId',
            async (id) => await repos.aiSystems.findById(actor.workspaceId, id),
            (system) => system?.name ?? 'an AI system',
          );
          if (existing) return { system: existing, created: false };
        }
        const input = await this.validate(repos, actor, raw);
        if (input.stage === 'retired') throw invalidInput({ stage: 'A new system starts in development or production.' });
        const system = await repos.aiSystems.insert({
          ...input,
          workspaceId: actor.workspaceId,
          nameKey: nameKeyOf(input.name),
          createdAt: at,
          updatedAt: at,
        });
        await claimBound(repos.dedupe, bound, actor.workspaceId, at, { systemId: system.id });
        await repos.audit.append(
          {
            workspaceId: actor.workspaceId,
            actorPersonId: actor.personId,
            actor: actor.label,
            action: AI_SYSTEM_AUDIT.created,
            subject: `ai_system:${system.id}`,
            before: null,
            after: system,
          },
          at,
        );
        return { system, created: true };
      });
    } catch (error) {
      // Two people registering the same name at the same moment: the unique index decides.
      if (isUniqueViolation(error)) throw invalidInput({ name: `An AI system named “${String(name)}” already exists in this workspace.` });
      throw error;
    }
  }

  /** Replaces a system's details (owner or admin); returns what changed. */
  async edit(actor: Actor, id: number, raw: unknown): Promise<{ system: AiSystem; changed: string[] }> {
    const at = this.clock.now().toISOString();
    const name = (raw as { name?: unknown } | undefined)?.name;
    try {
      return await this.store.write(async (repos) => {
        const before = await this.mustFind(repos, actor.workspaceId, id);
        await requireOwnerOrAdmin(repos, actor, before, 'edit it');
        const input = await this.validate(repos, actor, raw, id);
        const after: AiSystem = { ...before, ...input, nameKey: nameKeyOf(input.name), updatedAt: at };
        const change = diff(before, after);
        const changed = Object.keys(change.after);
        if (changed.length === 0) return { system: before, changed };
        await repos.aiSystems.update(actor.workspaceId, id, { ...input, nameKey: after.nameKey, updatedAt: at });
        const action = before.stage !== 'retired' && after.stage === 'retired' ? AI_SYSTEM_AUDIT.retired : AI_SYSTEM_AUDIT.updated;
        await repos.audit.append(
          {
            workspaceId: actor.workspaceId,
            actorPersonId: actor.personId,
            actor: actor.label,
            action,
            subject: `ai_system:${id}`,
            ...change,
          },
          at,
        );
        return { system: after, changed };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw invalidInput({ name: `An AI system named “${String(name)}” already exists in this workspace.` });
      throw error;
    }
  }

  /** Retires a system: the record and its history stay, it leaves the pickers. Idempotent. */
  async retire(actor: Actor, id: number): Promise<{ system: AiSystem; changed: boolean }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const before = await this.mustFind(repos, actor.workspaceId, id);
      await requireOwnerOrAdmin(repos, actor, before, 'retire it');
      if (before.stage === 'retired') return { system: before, changed: false };
      await repos.aiSystems.update(actor.workspaceId, id, { stage: 'retired', updatedAt: at });
      await repos.audit.append(
        {
          workspaceId: actor.workspaceId,
          actorPersonId: actor.personId,
          actor: actor.label,
          action: AI_SYSTEM_AUDIT.retired,
          subject: `ai_system:${id}`,
          before: { stage: before.stage },
          after: { stage: 'retired' },
        },
        at,
      );
      return { system: { ...before, stage: 'retired', updatedAt: at }, changed: true };
    });
  }

  /** Finds a system by id ("12", "#12") or name (any case); not_found suggests close names. */
  async find(workspaceId: number, ref: string): Promise<AiSystem> {
    return await this.store.read(async (repos) => {
      const trimmed = ref.trim();
      const byId = /^#?(\d+)$/.exec(trimmed);
      const system = byId
        ? await repos.aiSystems.findById(workspaceId, Number(byId[1]))
        : await repos.aiSystems.findByNameKey(workspaceId, nameKeyOf(trimmed));
      if (system) return system;
      const near = (await repos.aiSystems.names(workspaceId))
        .filter((name) => nameKeyOf(name).includes(nameKeyOf(trimmed).slice(0, 4)))
        .slice(0, 5);
      throw new AimsError('not_found', `No AI system called “${trimmed}” in this workspace.`, {
        hint: near.length > 0 ? `Did you mean: ${near.join(', ')}?` : 'See the inventory with “system list”.',
      });
    });
  }

  /** Refuses someone who may not change the system before they open its form. */
  async requireCanManage(actor: Actor, system: AiSystem, what: string): Promise<void> {
    await this.store.read(async (repos) => await requireOwnerOrAdmin(repos, actor, system, what));
  }

  async getById(workspaceId: number, id: number): Promise<AiSystem> {
    return await this.store.read(async (repos) => await this.mustFind(repos, workspaceId, id));
  }

  async list(
    workspaceId: number,
    filter: AiSystemFilter,
    page = 0,
  ): Promise<{ items: AiSystem[]; total: number; page: number; pageSize: number }> {
    const result = await this.store.read(
      async (repos) => await repos.aiSystems.list(workspaceId, filter, { limit: SYSTEM_PAGE_SIZE, offset: page * SYSTEM_PAGE_SIZE }),
    );
    return { ...result, page, pageSize: SYSTEM_PAGE_SIZE };
  }

  /** Type-ahead for pickers: systems not retired whose name contains the query. */
  async search(workspaceId: number, query: string, limit = 100): Promise<AiSystem[]> {
    return await this.store.read(async (repos) => await repos.aiSystems.search(workspaceId, query.trim(), limit));
  }

  async counts(workspaceId: number): Promise<AiSystemCounts> {
    return await this.store.read(async (repos) => await repos.aiSystems.counts(workspaceId));
  }

  private async mustFind(repos: Repositories, workspaceId: number, id: number): Promise<AiSystem> {
    const system = await repos.aiSystems.findById(workspaceId, id);
    if (!system) throw new AimsError('not_found', `AI system #${id} does not exist in this workspace.`);
    return system;
  }
}
