import { appendAuditBy } from '../../core/audit-trail.ts';
import type { Actor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import { AimsError, fieldErrorsOf, invalidInput } from '../../core/errors.ts';
import { bindKey, claimBound, replayedRecord, replayOf, type BoundKey } from '../../core/inbound-dedupe.ts';
import type { Person } from '../../core/identity.ts';
import { nameKeyOf } from '../../core/input/name-key.ts';
import { queueDirect, queueRefresh, subjectOf } from '../../core/outbox/outbox.ts';
import type { Repositories, UnitOfWork } from '../../core/ports.ts';
import { todayIn } from '../../core/zoned-time.ts';
import type { AiSystem } from '../ai-systems/domain.ts';
import {
  OBJECTIVE_AUDIT,
  type ObjectiveSource,
  OBJECTIVE_NOTICES,
  objectiveKey,
  onTarget,
  parseObjectiveRef,
  periodOf,
  type Objective,
  type Reading,
  type ReadingChannel,
} from './domain.ts';
import { explanationInputSchema, objectiveInputSchema, readingInputSchema } from './input.ts';
import { addDays } from '../../core/calendar-days.ts';
import { trainingTotals } from '../training/service.ts';

/** The outbox subject of a reading (its off-target notice to the owner). */
export const READING_SUBJECT = 'objective-reading';

/** One objective with what its card shows. */
export interface ObjectiveDetails {
  objective: Objective;
  readings: Reading[];
  owner: Person | undefined;
  system: AiSystem | undefined;
}

/** AI objectives and their readings (6.2, 9.1, A.6.1.2, A.9.3). */
export class ObjectiveService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
    private readonly defaultTimeZone: string,
  ) {}

  private async todayOf(repos: Repositories, workspaceId: number, now: Date = this.clock.now()): Promise<string> {
    return todayIn((await repos.settings.get(workspaceId))?.timeZone ?? this.defaultTimeZone, now);
  }

  /** Sets an objective (any member: they name its owner). A repeated submission returns the objective it created. */
  async add(actor: Actor, raw: unknown, submissionKey?: string): Promise<{ objective: Objective; created: boolean }> {
    const at = this.clock.now().toISOString();
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, raw }) : undefined;
    return await this.store.write(async (repos) => {
      const existing = await replayedRecord(
        repos.dedupe,
        bound,
        'objectiveId',
        async (id) => await repos.objectives.findById(actor.workspaceId, id),
        (objective) => (objective ? objectiveKey(objective) : 'an objective'),
      );
      if (existing) return { objective: existing, created: false };
      const parsed = objectiveInputSchema.safeParse(raw);
      if (!parsed.success) throw invalidInput(fieldErrorsOf(parsed.error.issues));
      const input = parsed.data;
      const errors: Record<string, string> = {};
      if (!(await repos.people.findById(actor.workspaceId, input.ownerPersonId)))
        errors.ownerPersonId = 'The owner must be a person of this workspace.';
      if (input.aiSystemId !== null && !(await repos.aiSystems.findById(actor.workspaceId, input.aiSystemId)))
        errors.aiSystemId = 'Choose an AI system of this workspace.';
      const nameKey = nameKeyOf(input.name);
      const clash = await repos.objectives.findByName(actor.workspaceId, nameKey);
      if (clash) errors.name = `${objectiveKey(clash)} is already called “${clash.name}”: choose another name.`;
      if (/^(?:obj[-\s]?|#)\d+$/i.test(input.name.trim()) || ['add', 'list', 'export'].includes(nameKey))
        errors.name = 'Give the objective a name people can type after “objective” (not OBJ-n, add, list or export).';
      if (Object.keys(errors).length > 0) throw invalidInput(errors);
      const objective = await repos.objectives.insert({
        ...input,
        workspaceId: actor.workspaceId,
        number: await repos.objectives.nextNumber(actor.workspaceId),
        nameKey,
        createdByPersonId: actor.personId,
        createdAt: at,
        updatedAt: at,
      });
      await claimBound(repos.dedupe, bound, actor.workspaceId, at, { objectiveId: objective.id });
      await appendAuditBy(
        repos,
        actor,
        {
          workspaceId: actor.workspaceId,
          action: OBJECTIVE_AUDIT.added,
          subject: `objective:${objective.id}`,
          before: null,
          after: objective,
        },
        at,
      );
      return { objective, created: true };
    });
  }

  /** The objective a person named: "OBJ-2", "#2" or its name. */
  async find(workspaceId: number, ref: string): Promise<Objective> {
    return await this.store.read(async (repos) => await this.mustFindRef(repos, workspaceId, ref));
  }

  async list(workspaceId: number): Promise<Array<{ objective: Objective; readings: Reading[] }>> {
    return await this.store.read(async (repos) => {
      const readings = await repos.objectives.readings(workspaceId);
      return (await repos.objectives.all(workspaceId)).map((objective) => ({
        objective,
        readings: readings.filter((r) => r.objectiveId === objective.id),
      }));
    });
  }

  async details(workspaceId: number, ref: string): Promise<ObjectiveDetails> {
    return await this.store.read(
      async (repos) => await this.detailsIn(repos, workspaceId, await this.mustFindRef(repos, workspaceId, ref)),
    );
  }

  async detailsById(workspaceId: number, id: number): Promise<ObjectiveDetails | undefined> {
    return await this.store.read(async (repos) => {
      const objective = await repos.objectives.findById(workspaceId, id);
      return objective ? await this.detailsIn(repos, workspaceId, objective) : undefined;
    });
  }

  /** A reading with its objective and the objective's owner (the off-target notice). */
  async reading(workspaceId: number, readingId: number): Promise<(ObjectiveDetails & { reading: Reading }) | undefined> {
    return await this.store.read(async (repos) => {
      const reading = await repos.objectives.findReading(workspaceId, readingId);
      const objective = reading ? await repos.objectives.findById(workspaceId, reading.objectiveId) : undefined;
      return reading && objective ? { ...(await this.detailsIn(repos, workspaceId, objective)), reading } : undefined;
    });
  }

  async today(workspaceId: number): Promise<string> {
    return await this.store.read(async (repos) => await this.todayOf(repos, workspaceId));
  }

  /**
   * Records a reading of the objective numbered `number`: in chat (its owner or an admin), by a pipeline
   * (`by` null, channel api) or by the bot's daily job. Off target, the owner is sent a message offering
   * to log a nonconformity or to explain it. A repeat of the bound key returns the reading it recorded.
   */
  async record(
    by: Actor | null,
    workspaceId: number,
    number: number,
    raw: unknown,
    options: { channel: ReadingChannel; bound?: BoundKey },
  ): Promise<{ reading: Reading; objective: Objective; created: boolean }> {
    const now = this.clock.now();
    const at = now.toISOString();
    return await this.store.write(async (repos) => {
      const objective = await this.mustFind(repos, workspaceId, number);
      const existing = await replayedRecord(
        repos.dedupe,
        options.bound,
        'readingId',
        async (id) => await repos.objectives.findReading(workspaceId, id),
        (reading) => (reading ? `reading #${reading.id} of ${objectiveKey(objective)}` : 'an earlier request'),
      );
      if (existing) return { reading: existing, objective, created: false };
      if (by && by.personId !== objective.ownerPersonId && !by.roles.includes('admin'))
        throw new AimsError('forbidden', `Only the owner of ${objectiveKey(objective)} or an admin can record its readings.`);
      const parsed = readingInputSchema.safeParse(raw);
      if (!parsed.success) throw invalidInput(fieldErrorsOf(parsed.error.issues));
      const date = parsed.data.date ?? (await this.todayOf(repos, workspaceId, now));
      const reading = await repos.objectives.insertReading({
        workspaceId,
        objectiveId: objective.id,
        value: parsed.data.value,
        onTarget: onTarget(objective, parsed.data.value),
        date,
        period: periodOf(objective.cadence, date),
        channel: options.channel,
        note: parsed.data.note ?? null,
        recordedByPersonId: by?.personId ?? null,
        recordedAt: at,
        explanation: null,
        explainedByPersonId: null,
        explainedAt: null,
      });
      await claimBound(repos.dedupe, options.bound, workspaceId, at, { readingId: reading.id });
      await appendAuditBy(
        repos,
        by,
        {
          workspaceId,
          action: OBJECTIVE_AUDIT.readingRecorded,
          subject: `objective:${objective.id}`,
          before: null,
          after: { ...reading, objective: objectiveKey(objective) },
        },
        at,
      );
      if (!reading.onTarget)
        await queueDirect(
          repos,
          workspaceId,
          subjectOf(READING_SUBJECT, reading.id),
          objective.ownerPersonId,
          OBJECTIVE_NOTICES.offTarget,
          at,
        );
      return { reading, objective, created: true };
    });
  }

  /** Stores why a reading missed its target (the objective's owner or an admin); audited. The same text again changes nothing. */
  async explain(
    actor: Actor,
    readingId: number,
    raw: unknown,
    submissionKey?: string,
  ): Promise<{ reading: Reading; objective: Objective; changed: boolean }> {
    const at = this.clock.now().toISOString();
    const bound = submissionKey ? bindKey(submissionKey, { by: actor.personId, readingId, raw }) : undefined;
    return await this.store.write(async (repos) => {
      const { reading, objective } = await this.mustFindReading(repos, actor.workspaceId, readingId);
      if (await replayOf(repos.dedupe, bound, () => `reading #${reading.id}`)) return { reading, objective, changed: false };
      this.mayExplain(actor, objective, reading);
      const parsed = explanationInputSchema.safeParse(raw);
      if (!parsed.success) throw invalidInput(fieldErrorsOf(parsed.error.issues));
      const text = parsed.data.explanation;
      if (reading.explanation === text) return { reading, objective, changed: false };
      await repos.objectives.explainReading(actor.workspaceId, reading.id, { text, personId: actor.personId, at });
      await claimBound(repos.dedupe, bound, actor.workspaceId, at, { readingId: reading.id });
      await appendAuditBy(
        repos,
        actor,
        {
          workspaceId: actor.workspaceId,
          action: OBJECTIVE_AUDIT.readingExplained,
          subject: `objective_reading:${reading.id}`,
          before: { explanation: reading.explanation },
          after: { explanation: text, objective: objectiveKey(objective) },
        },
        at,
      );
      // The owner's message about the reading shows the explanation from now on.
      await queueRefresh(repos, actor.workspaceId, subjectOf(READING_SUBJECT, reading.id), at);
      return { reading: { ...reading, explanation: text, explainedByPersonId: actor.personId, explainedAt: at }, objective, changed: true };
    });
  }

  /** Checks that `actor` may explain the reading (before the form opens, and again on submit). */
  async explainable(actor: Actor, readingId: number): Promise<{ reading: Reading; objective: Objective }> {
    return await this.store.read(async (repos) => {
      const found = await this.mustFindReading(repos, actor.workspaceId, readingId);
      this.mayExplain(actor, found.objective, found.reading);
      return found;
    });
  }

  private mayExplain(actor: Actor, objective: Objective, reading: Reading): void {
    if (actor.personId !== objective.ownerPersonId && !actor.roles.includes('admin'))
      throw new AimsError('forbidden', `Only the owner of ${objectiveKey(objective)} or an admin can explain its readings.`);
    if (reading.onTarget)
      throw new AimsError('conflict', `That reading of ${objectiveKey(objective)} met its target: there is nothing to explain.`);
  }

  /**
   * The daily job: a reading of each objective the bot computes from its own records (training, incidents,
   * corrective actions), once per objective and day (a second run the same day records nothing).
   */
  async computeReadings(workspaceId: number, now: Date): Promise<Array<{ reading: Reading; objective: Objective }>> {
    const computed = await this.store.read(async (repos) => {
      const today = await this.todayOf(repos, workspaceId, now);
      const found: Array<{ objective: Objective; value: number; today: string }> = [];
      for (const objective of await repos.objectives.all(workspaceId))
        if (objective.source !== 'recorded')
          found.push({ objective, value: await computedValue(repos, workspaceId, objective.source, now, today), today });
      return found;
    });
    const recorded: Array<{ reading: Reading; objective: Objective }> = [];
    for (const { objective, value, today } of computed) {
      // Bound to the objective and the day alone: a later run the same day is answered with the first reading.
      const bound = bindKey(`objective-job:${objective.id}:${today}`, { objectiveId: objective.id, today });
      const { reading, created } = await this.record(
        null,
        workspaceId,
        objective.number,
        { value, date: today },
        { channel: 'bot', bound },
      );
      if (created) recorded.push({ reading, objective });
    }
    return recorded;
  }

  private async detailsIn(repos: Repositories, workspaceId: number, objective: Objective): Promise<ObjectiveDetails> {
    return {
      objective,
      readings: await repos.objectives.readings(workspaceId, objective.id),
      owner: await repos.people.findById(workspaceId, objective.ownerPersonId),
      system: objective.aiSystemId === null ? undefined : await repos.aiSystems.findById(workspaceId, objective.aiSystemId),
    };
  }

  private async mustFindReading(
    repos: Repositories,
    workspaceId: number,
    readingId: number,
  ): Promise<{ reading: Reading; objective: Objective }> {
    const reading = Number.isInteger(readingId) ? await repos.objectives.findReading(workspaceId, readingId) : undefined;
    const objective = reading ? await repos.objectives.findById(workspaceId, reading.objectiveId) : undefined;
    if (!reading || !objective) throw new AimsError('not_found', 'There is no such reading in this workspace.');
    return { reading, objective };
  }

  private async mustFind(repos: Repositories, workspaceId: number, number: number): Promise<Objective> {
    const objective = Number.isInteger(number) ? await repos.objectives.findByNumber(workspaceId, number) : undefined;
    if (!objective)
      throw new AimsError('not_found', `There is no OBJ-${number} in this workspace.`, {
        hint: 'See the objectives with “objective list”.',
      });
    return objective;
  }

  private async mustFindRef(repos: Repositories, workspaceId: number, ref: string): Promise<Objective> {
    const number = parseObjectiveRef(ref);
    if (number !== undefined) return await this.mustFind(repos, workspaceId, number);
    const objective = await repos.objectives.findByName(workspaceId, nameKeyOf(ref));
    if (!objective)
      throw new AimsError('not_found', `There is no objective “${ref.trim()}” in this workspace.`, {
        hint: 'See the objectives with “objective list”.',
      });
    return objective;
  }
}

const HOUR_MS = 3_600_000;
/** How far back the S1 acknowledgement time looks. */
export const S1_WINDOW_DAYS = 90;

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/**
 * The bot's own metrics, read from the other areas as of `now` (`today` in the workspace's time zone):
 * required training completion (%), the slowest S1 acknowledgement over the last 90 days (hours; an S1
 * not acknowledged yet counts its age), and overdue corrective actions (count).
 */
export async function computedValue(
  repos: Repositories,
  workspaceId: number,
  source: Exclude<ObjectiveSource, 'recorded'>,
  now: Date,
  today: string,
): Promise<number> {
  if (source === 'training-completion') {
    const { required, valid } = await trainingTotals(repos, workspaceId, today);
    return required === 0 ? 100 : round((valid / required) * 100, 1);
  }
  if (source === 'overdue-corrective-actions') return (await repos.actions.counts(workspaceId, today)).overdue;
  const since = `${addDays(today, -S1_WINDOW_DAYS)}T00:00:00.000Z`;
  const { items } = await repos.incidents.list(workspaceId, { severity: 'S1' }, { limit: 500, offset: 0 });
  let slowest = 0;
  for (const incident of items.filter((i) => i.createdAt >= since)) {
    const acknowledged = (await repos.incidents.events(incident.id)).find((event) => event.kind === 'acknowledged');
    const until = acknowledged ? Date.parse(acknowledged.at) : incident.status === 'open' ? now.getTime() : Date.parse(incident.updatedAt);
    slowest = Math.max(slowest, (until - Date.parse(incident.createdAt)) / HOUR_MS);
  }
  return round(slowest, 2);
}
