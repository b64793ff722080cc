import type { Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import { AimsError } from '../errors.ts';
import type { Person } from '../identity.ts';
import type { Repositories, UnitOfWork } from '../ports.ts';
import { addDays } from '../calendar-days.ts';
import { todayIn } from '../zoned-time.ts';
import { mapInTurn } from '../in-turn.ts';
import { yieldToEventLoop } from '../yield-to-event-loop.ts';

/** Items due within this many days are included in nudges. */
export const DUE_WITHIN_DAYS = 3;
/** Pending sign-offs older than this wait on their approvers. */
export const SIGN_OFF_WAIT_DAYS = 2;
/** Overdue beyond these many days: also listed to the admins, then to the leadership channel. */
export const ESCALATE_TO_ADMINS_DAYS = 7;
export const ESCALATE_TO_LEADERSHIP_DAYS = 21;

export interface NudgeItem {
  /** "review:3", "action:12": `<source prefix>:<id>`, what a snooze refers to. */
  key: string;
  text: string;
  /** Days past due (negative: due in that many days). */
  daysOverdue: number;
  due: string;
  /** What the Done button does, if anything. */
  done?: { action: string; args: Record<string, string> };
}

/** What a nudge source is given: today and the horizon in the workspace's time zone, and how late a due date is. */
export interface NudgeWindow {
  today: string;
  /** Items due on or before this day are included. */
  horizon: string;
  /** Days past `due` (negative: due in that many days). */
  daysOverdue(due: string): number;
}

/** Items of a nudge source, each with the person it is for. */
export type NudgeItems = Array<{ personId: number; item: NudgeItem }>;

/** An area's contribution to the daily nudge: its items, per person, overdue or due soon. */
export interface NudgeSource {
  /** The item keys it hands out start with `${prefix}:` ("review:3"); only those can be snoozed. */
  prefix: string;
  /** All its items at once, inside the caller's read (a source with few). */
  items?(repos: Repositories, workspaceId: number, window: NudgeWindow): Promise<NudgeItems>;
  /**
   * Its items one slice at a time (a source that can have very many): about `limit` rows after the
   * cursor `after` (its own opaque text; undefined for the first), each slice in its own short read;
   * `next` is the cursor of the following slice, undefined after the last. Used instead of `items` when given.
   */
  slice?(
    repos: Repositories,
    workspaceId: number,
    window: NudgeWindow,
    after: string | undefined,
    limit: number,
  ): Promise<{ items: NudgeItems; next?: string }>;
  /**
   * Its items one group of owners at a time (a source that can have very many, read along an index by
   * owner): the items of the next `owners` owners (by person id) after `after` (undefined for the first),
   * in one short read; `next` is the last owner of the group when there may be more, undefined after the
   * last group. The sweep then plans and sends one group at a time, so what it holds is bounded by the
   * group, not by the item count. Used instead of `slice` and `items` when given.
   */
  owners?(
    repos: Repositories,
    workspaceId: number,
    window: NudgeWindow,
    after: number | undefined,
    owners: number,
  ): Promise<{ items: NudgeItems; next?: number }>;
}

/** Owners per group of the sweep: their items are read, planned and sent before the next group is read. */
export const NUDGE_GROUP_OWNERS = 200;

/**
 * How the plan reads, between yields to the event loop: a sliced source's rows per read unit are sized by
 * the process's CPU time (starting at `firstRows`, doubled while a slice takes under half of `budgetMs`,
 * halved when it takes longer, within `minRows`..`rows`), and people are looked up `people` per unit.
 */
export const NUDGE_SLICE = { rows: 500, firstRows: 100, minRows: 25, budgetMs: 8, people: 200 } as const;

/** The rows of the next slice, after one of `rows` rows took `ms`. */
export function nextSliceRows(rows: number, ms: number): number {
  if (ms > NUDGE_SLICE.budgetMs) return Math.max(NUDGE_SLICE.minRows, Math.floor(rows / 2));
  if (ms < NUDGE_SLICE.budgetMs / 2) return Math.min(NUDGE_SLICE.rows, rows * 2);
  return rows;
}

export interface NudgePlan {
  today: string;
  /** One message per person: their own items. */
  people: Array<{ person: Person; items: NudgeItem[] }>;
  /** Items overdue beyond the thresholds, with whose they are. */
  toAdmins: Array<{ person: Person; item: NudgeItem }>;
  toLeadership: Array<{ person: Person; item: NudgeItem }>;
  admins: Person[];
}

/** Gathers who has what overdue or due soon from every area's nudge source; snoozes quiet only the owner's nudge. */
export class NudgeService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
    private readonly defaultTimeZone: string,
    private readonly sources: readonly NudgeSource[] = [],
  ) {}

  /** Today in the workspace's time zone: the period of its nudge run. */
  async today(workspaceId: number, at: Date = this.clock.now()): Promise<string> {
    return todayIn((await this.store.read(async (repos) => await repos.settings.get(workspaceId)))?.timeZone ?? this.defaultTimeZone, at);
  }

  /** Who gets what today, all at once (the sweep itself goes group by group: `sweep`). */
  async plan(workspaceId: number, at: Date = this.clock.now()): Promise<NudgePlan> {
    const people: NudgePlan['people'] = [];
    const rest = await this.sweep(workspaceId, await this.today(workspaceId, at), async (group) => {
      people.push(...group);
    });
    return { ...rest, people };
  }

  /**
   * Who gets what on `today`, one group of owners at a time: `onGroup` is given each group's people with
   * their items (sorted by person id across groups) and is awaited before the next group is read, so a
   * sweep of 100k items holds one group's items (NUDGE_GROUP_OWNERS owners), not all of them. Each read is
   * its own short read unit, yielding to the event loop between them. What is returned is what comes
   * after the groups: the escalations and the admins. Exactly-once sending does not rest on the plan but
   * on the job ledger's delivery claims.
   */
  async sweep(
    workspaceId: number,
    today: string,
    onGroup: (people: NudgePlan['people']) => Promise<void>,
    groupOwners: number = NUDGE_GROUP_OWNERS,
  ): Promise<Omit<NudgePlan, 'people'>> {
    const horizon = addDays(today, DUE_WITHIN_DAYS);
    const days = (due: string) => Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${due}T00:00:00Z`)) / 86_400_000);
    const window: NudgeWindow = { today, horizon, daysOverdue: days };
    // The sources with few items are read first, whole; they join each group by owner.
    const few = new Map<number, NudgeItem[]>();
    const add = (into: Map<number, NudgeItem[]>, items: NudgeItems) => {
      for (const { personId, item } of items) {
        const own = into.get(personId);
        if (own) own.push(item);
        else into.set(personId, [item]);
      }
    };
    const grouped: Array<{ source: NudgeSource; cursor: number | undefined; done: boolean; carry: NudgeItems }> = [];
    for (const source of this.sources) {
      if (source.owners) grouped.push({ source, cursor: undefined, done: false, carry: [] });
      else if (source.slice) {
        let after: string | undefined;
        let rows: number = NUDGE_SLICE.firstRows;
        do {
          // Sized by the CPU time the slice took, not its wall time: waiting on PostgreSQL does not hold the loop.
          const started = process.cpuUsage();
          const slice = await this.store.read(async (repos) => await source.slice?.(repos, workspaceId, window, after, rows));
          add(few, slice?.items ?? []);
          const spent = process.cpuUsage(started);
          rows = nextSliceRows(rows, (spent.user + spent.system) / 1000);
          after = slice?.next;
          await yieldToEventLoop();
        } while (after !== undefined);
      } else if (source.items) {
        add(few, await this.store.read(async (repos) => (await source.items?.(repos, workspaceId, window)) ?? []));
        await yieldToEventLoop();
      }
    }
    const fewOwners = [...few.keys()].sort((a, b) => a - b);
    let fewAt = 0;

    const rest: Omit<NudgePlan, 'people'> = { today, toAdmins: [], toLeadership: [], admins: [] };
    for (;;) {
      // Each grouped source whose carried items were all planned reads its next group of owners.
      for (const state of grouped) {
        if (state.done || state.carry.length > 0) continue;
        const group = await this.store.read(
          async (repos) => await state.source.owners?.(repos, workspaceId, window, state.cursor, groupOwners),
        );
        state.carry = group?.items ?? [];
        state.cursor = group?.next;
        state.done = group?.next === undefined;
        await yieldToEventLoop();
      }
      // This group: the owners up to the lowest cursor of the sources that may have more (all, once none has).
      const upTo = Math.min(...grouped.map((state) => (state.done ? Infinity : (state.cursor ?? Infinity))));
      const byPerson = new Map<number, NudgeItem[]>();
      for (const state of grouped) {
        const now = state.carry.filter(({ personId }) => personId <= upTo);
        state.carry = now.length === state.carry.length ? [] : state.carry.filter(({ personId }) => personId > upTo);
        add(byPerson, now);
      }
      for (; fewAt < fewOwners.length && (fewOwners[fewAt] as number) <= upTo; fewAt += 1) {
        const personId = fewOwners[fewAt] as number;
        add(
          byPerson,
          (few.get(personId) ?? []).map((item) => ({ personId, item })),
        );
        few.delete(personId);
      }
      if (byPerson.size > 0) await onGroup(await this.planGroup(workspaceId, today, byPerson, rest));
      if (upTo === Infinity) break;
    }
    rest.admins = await this.store.read(async (repos) => {
      const admins = await mapInTurn(
        await repos.roles.holders(workspaceId, 'admin'),
        async (holder) => await repos.people.findById(workspaceId, holder.personId),
      );
      return admins.filter((person): person is Person => person !== undefined);
    });
    return rest;
  }

  /** One group's people and their awake items, by person id; its escalations are added to `rest`. */
  private async planGroup(
    workspaceId: number,
    today: string,
    byPerson: Map<number, NudgeItem[]>,
    rest: Omit<NudgePlan, 'people'>,
  ): Promise<NudgePlan['people']> {
    const planned: NudgePlan['people'] = [];
    const entries = [...byPerson].sort(([a], [b]) => a - b);
    for (let start = 0; start < entries.length; start += NUDGE_SLICE.people) {
      const batch = entries.slice(start, start + NUDGE_SLICE.people);
      const ids = batch.map(([personId]) => personId);
      // Two queries per batch (its people, their snoozes), not two per person.
      const { people, snoozes } = await this.store.read(async (repos) => ({
        people: new Map((await repos.people.findByIds(workspaceId, ids)).map((person) => [person.id, person])),
        snoozes: await repos.jobs.snoozedOf(workspaceId, ids, today),
      }));
      for (const [personId, items] of batch) {
        const person = people.get(personId);
        if (!person) continue;
        // Escalation counts from the due date whatever the snoozes: a snooze quiets the owner's own
        // nudge only, so snoozing every day never keeps an overdue item from the admins or leadership.
        const byLateness = [...items].sort((a, b) => b.daysOverdue - a.daysOverdue);
        for (const item of byLateness) {
          if (item.daysOverdue > ESCALATE_TO_ADMINS_DAYS) rest.toAdmins.push({ person, item });
          if (item.daysOverdue > ESCALATE_TO_LEADERSHIP_DAYS) rest.toLeadership.push({ person, item });
        }
        const snoozed = snoozes.get(personId);
        const awake = snoozed ? byLateness.filter((item) => !snoozed.has(item.key)) : byLateness;
        if (awake.length > 0) planned.push({ person, items: awake });
      }
      await yieldToEventLoop();
    }
    return planned;
  }

  /** Keeps an item out of the actor's own nudges for `days` days (audited); escalation goes on regardless. */
  async snooze(actor: Actor, itemKey: string, days: number, reason?: string): Promise<string> {
    const [prefix, id] = itemKey.split(':');
    if (!this.sources.some((source) => source.prefix === prefix) || !/^\d+$/.test(id ?? '') || itemKey.split(':').length !== 2)
      throw new AimsError('invalid_input', 'That is not something that can be snoozed.');
    if (days > 1 && !reason?.trim())
      throw new AimsError('invalid_input', 'Say why it can wait a week.', { fieldErrors: { reason: 'Say why it can wait a week.' } });
    const at = this.clock.now();
    return await this.store.write(async (repos) => {
      const today = todayIn((await repos.settings.get(actor.workspaceId))?.timeZone ?? this.defaultTimeZone, at);
      const until = addDays(today, days);
      await repos.jobs.snooze({
        workspaceId: actor.workspaceId,
        personId: actor.personId,
        itemKey,
        until,
        reason: reason?.trim() || null,
        createdAt: at.toISOString(),
      });
      await repos.audit.append(
        {
          workspaceId: actor.workspaceId,
          actorPersonId: actor.personId,
          actor: actor.label,
          action: 'item.snoozed',
          subject: itemKey,
          before: null,
          after: { until, reason: reason?.trim() || null },
        },
        at.toISOString(),
      );
      return until;
    });
  }
}
