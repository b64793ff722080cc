import type { Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import { AimsError } from '../errors.ts';
import type { Person } from '../identity.ts';
import type { Repositories, UnitOfWork } from '../ports.ts';
import { addDays } from '../calendar-days.ts';
import { todayIn } from '../zoned-time.ts';
import { mapInTurn } from '../in-turn.ts';

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

/** An area's contribution to the daily nudge: its items, per person, overdue or due soon. */
export interface NudgeSource {
  /** The item keys it hands out start with `${prefix}:` ("review:3"); only those can be snoozed. */
  prefix: string;
  /** Inside the caller's read. */
  items(repos: Repositories, workspaceId: number, window: NudgeWindow): Promise<Array<{ personId: number; item: NudgeItem }>>;
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

  async plan(workspaceId: number, at: Date = this.clock.now()): Promise<NudgePlan> {
    return await this.store.read(async (repos) => {
      const today = todayIn((await repos.settings.get(workspaceId))?.timeZone ?? this.defaultTimeZone, at);
      const horizon = addDays(today, DUE_WITHIN_DAYS);
      const days = (due: string) => Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${due}T00:00:00Z`)) / 86_400_000);
      const byPerson = new Map<number, NudgeItem[]>();
      const add = (personId: number, item: NudgeItem) => byPerson.set(personId, [...(byPerson.get(personId) ?? []), item]);

      for (const source of this.sources) {
        for (const { personId, item } of await source.items(repos, workspaceId, { today, horizon, daysOverdue: days })) add(personId, item);
      }

      const plan: NudgePlan = { today, people: [], toAdmins: [], toLeadership: [], admins: [] };
      for (const [personId, items] of byPerson) {
        const person = await repos.people.findById(workspaceId, personId);
        if (!person) continue;
        // Escalation counts from the due date whatever the snoozes: a snooze quiets the owner's own
        // nudge only, so snoozing every day never keeps an overdue item from the admins or leadership.
        for (const item of [...items].sort((a, b) => b.daysOverdue - a.daysOverdue)) {
          if (item.daysOverdue > ESCALATE_TO_ADMINS_DAYS) plan.toAdmins.push({ person, item });
          if (item.daysOverdue > ESCALATE_TO_LEADERSHIP_DAYS) plan.toLeadership.push({ person, item });
        }
        const snoozed = await repos.jobs.snoozed(workspaceId, personId, today);
        const awake = items.filter((item) => !snoozed.has(item.key)).sort((a, b) => b.daysOverdue - a.daysOverdue);
        if (awake.length > 0) plan.people.push({ person, items: awake });
      }
      const admins = await mapInTurn(
        await repos.roles.holders(workspaceId, 'admin'),
        async (holder) => await repos.people.findById(workspaceId, holder.personId),
      );
      plan.admins = admins.filter((person): person is Person => person !== undefined);
      return plan;
    });
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
