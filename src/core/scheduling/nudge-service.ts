import type { Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import { AimsError } from '../errors.ts';
import type { Person } from '../identity.ts';
import type { UnitOfWork } from '../ports.ts';
import { addDays, REVIEW_KIND_LABELS } from '../reviews/review.ts';
import { trainingReport } from '../training/training-service.ts';
import { todayIn } from '../zoned-time.ts';

/** Items due within this many days are included in nudges. */
export const DUE_WITHIN_DAYS = 3;
/** Pending sign-offs older than this wait on their approvers. */
export const SIGN_OFF_WAIT_DAYS = 2;
/** Overdue beyond these many days: also listed to the admins, then to the leadership channel. */
export const ESCALATE_TO_ADMINS_DAYS = 7;
export const ESCALATE_TO_LEADERSHIP_DAYS = 21;

export interface NudgeItem {
  /** "review:3", "action:12", "training:2", "release:7": what a snooze refers to. */
  key: string;
  text: string;
  /** Days past due (negative: due in that many days). */
  daysOverdue: number;
  due: string;
  /** What the Done button does, if anything. */
  done?: { action: string; args: Record<string, string> };
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

/** Gathers who has what overdue or due soon (reviews, corrective actions, training, sign-offs); snoozes quiet only the owner's nudge. */
export class NudgeService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
    private readonly defaultTimeZone: string,
  ) {}

  plan(workspaceId: number, at: Date = this.clock.now()): NudgePlan {
    return this.store.read((repos) => {
      const today = todayIn(repos.settings.get(workspaceId)?.timeZone ?? this.defaultTimeZone, at);
      const horizon = addDays(today, DUE_WITHIN_DAYS);
      const days = (due: string) => Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${due}T00:00:00Z`)) / 86_400_000);
      const byPerson = new Map<number, NudgeItem[]>();
      const add = (personId: number, item: NudgeItem) => byPerson.set(personId, [...(byPerson.get(personId) ?? []), item]);

      for (const review of repos.reviews.list(workspaceId, {})) {
        if (review.nextDue > horizon) continue;
        add(review.ownerPersonId, { key: `review:${review.id}`, text: `Review #${review.id}: ${REVIEW_KIND_LABELS[review.kind]}`, due: review.nextDue, daysOverdue: days(review.nextDue), done: { action: 'review.done', args: { review: String(review.id) } } });
      }
      for (const action of repos.actions.list(workspaceId, { status: 'open' }, { limit: 10_000, offset: 0 }).items) {
        if (action.dueDate > horizon) continue;
        add(action.ownerPersonId, { key: `action:${action.id}`, text: `Corrective action #${action.id}: ${action.title}`, due: action.dueDate, daysOverdue: days(action.dueDate), done: { action: 'action.done', args: { action: String(action.id) } } });
      }
      for (const report of trainingReport(repos, workspaceId, today)) {
        for (const missing of report.missing) {
          const due = missing.expires ?? report.course.createdAt.slice(0, 10);
          add(missing.person.id, { key: `training:${report.course.id}`, text: `Training: ${report.course.name} (${missing.state === 'expired' ? 'expired' : 'not done'})`, due, daysOverdue: days(due) });
        }
        for (const soon of report.expiringSoon) {
          if (soon.expires <= horizon) add(soon.person.id, { key: `training:${report.course.id}`, text: `Training: ${report.course.name} (renew before ${soon.expires})`, due: soon.expires, daysOverdue: days(soon.expires) });
        }
      }
      const approvers = repos.roles.holders(workspaceId, 'approver');
      for (const release of repos.releases.list(workspaceId, { statuses: ['pending'] }, { limit: 1000, offset: 0 }).items) {
        const waitingSince = release.updatedAt.slice(0, 10);
        if (days(waitingSince) <= SIGN_OFF_WAIT_DAYS) continue;
        const decided = new Set(repos.releases.decisions(release.id, true).map((d) => d.personId));
        const system = repos.aiSystems.findById(workspaceId, release.aiSystemId)?.name ?? '';
        for (const approver of approvers) {
          if (approver.personId === release.requesterPersonId || decided.has(approver.personId)) continue;
          const due = addDays(waitingSince, SIGN_OFF_WAIT_DAYS);
          add(approver.personId, { key: `release:${release.id}`, text: `Sign-off REL-${release.id}: ${system} ${release.version}`, due, daysOverdue: days(due), done: { action: 'release.show', args: { release: String(release.id) } } });
        }
      }

      const plan: NudgePlan = { today, people: [], toAdmins: [], toLeadership: [], admins: [] };
      for (const [personId, items] of byPerson) {
        const person = repos.people.findById(workspaceId, personId);
        if (!person) continue;
        // Escalation counts from the due date whatever the snoozes: a snooze quiets the owner's own
        // nudge only, so snoozing every day never keeps an overdue item from the admins or leadership.
        for (const item of [...items].sort((a, b) => b.daysOverdue - a.daysOverdue)) {
          if (item.daysOverdue > ESCALATE_TO_ADMINS_DAYS) plan.toAdmins.push({ person, item });
          if (item.daysOverdue > ESCALATE_TO_LEADERSHIP_DAYS) plan.toLeadership.push({ person, item });
        }
        const snoozed = repos.jobs.snoozed(workspaceId, personId, today);
        const awake = items.filter((item) => !snoozed.has(item.key)).sort((a, b) => b.daysOverdue - a.daysOverdue);
        if (awake.length > 0) plan.people.push({ person, items: awake });
      }
      plan.admins = repos.roles.holders(workspaceId, 'admin').flatMap((holder) => repos.people.findById(workspaceId, holder.personId) ?? []);
      return plan;
    });
  }

  /** Keeps an item out of the actor's own nudges for `days` days (audited); escalation goes on regardless. */
  snooze(actor: Actor, itemKey: string, days: number, reason?: string): string {
    if (!/^(review|action|training|release):\d+$/.test(itemKey)) throw new AimsError('invalid_input', 'That is not something that can be snoozed.');
    if (days > 1 && !reason?.trim()) throw new AimsError('invalid_input', 'Say why it can wait a week.', { fieldErrors: { reason: 'Say why it can wait a week.' } });
    const at = this.clock.now();
    return this.store.write((repos) => {
      const today = todayIn(repos.settings.get(actor.workspaceId)?.timeZone ?? this.defaultTimeZone, at);
      const until = addDays(today, days);
      repos.jobs.snooze({ workspaceId: actor.workspaceId, personId: actor.personId, itemKey, until, reason: reason?.trim() || null, createdAt: at.toISOString() });
      repos.audit.append({ workspaceId: actor.workspaceId, actorPersonId: actor.personId, actor: actor.label, action: 'item.snoozed', subject: itemKey, before: null, after: { until, reason: reason?.trim() || null } }, at.toISOString());
      return until;
    });
  }
}
