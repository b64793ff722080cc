import type { ActionSpec, Feature, FeatureContext, FormSpec, OutboxSubjectSpec } from '../../chat/feature.ts';
import { personIdOf } from '../../chat/form-people.ts';
import { postsNote } from '../../chat/outbox-notes.ts';
import { personalCopyFor, personalView } from '../../chat/outbox-personal-copy.ts';
import { ageOf } from '../../chat/views/status-view.ts';
import { DAY_MS, nextHourOf } from '../../core/status-service.ts';
import { recordSaved, type FormView, type MessageView } from '../../chat/views/view.ts';
import { subjectOf } from '../../core/outbox/outbox.ts';
import { actionCommand, incidentAction, incidentCard, incidentCommand, openIncidentForm } from './commands.ts';
import { ACTIVE_STATUSES, INCIDENT_NOTICES, incidentKey, type CorrectiveAction, type Severity } from './domain.ts';
import { addDays } from '../../core/calendar-days.ts';
import type { OverdueItem } from '../../core/digest/digest-service.ts';
import type { Repositories } from '../../core/ports.ts';
import { incidentCardView } from './views.ts';
import {
  acknowledgeForm,
  commentForm,
  INCIDENT_ACTIONS,
  INCIDENT_FORMS,
  incidentInputFrom,
  resolveForm,
  resolveInputFrom,
  type IncidentActionId,
  type IncidentFormId,
} from './forms.ts';
import { IncidentService } from './service.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import type { AreaServiceDeps } from '../area.ts';
import { incidentReviewInputs } from './review-inputs.ts';
import { TREND_KEYS } from '../../core/charts/trend-source.ts';
import { incidentExport } from './export.ts';

/** The Slack message shortcut opens the report form by this id. */
export const INCIDENT_REPORT_FORM = INCIDENT_FORMS.report;

const bySeverity = (counts: Record<Severity, number>) => `${counts.S1} S1, ${counts.S2} S2, ${counts.S3} S3, ${counts.S4} S4`;

const privately = (view: MessageView) => ({ kind: 'done', view: { ...view, visibility: 'private' } }) as const;
const incidentOf = async ({ services, actor }: FeatureContext, context: Record<string, string>) =>
  (await services.incidents.details(actor.workspaceId, Number(context.incident))).incident;
const formOf = (response: Awaited<ReturnType<typeof openIncidentForm>>): FormView | undefined =>
  response.kind === 'form' ? response.form : undefined;

const forms: Array<FormSpec<IncidentFormId>> = [
  {
    id: INCIDENT_FORMS.report,
    // The Slack message shortcut opens it with the message as the description.
    open: async ({ services, actor, timeZone }, context) =>
      formOf(
        await openIncidentForm(services, actor, timeZone, context.description === undefined ? {} : { description: context.description }),
      ),
    submit: async (ctx, submission) => {
      const { services, actor, timeZone, outbox } = ctx;
      await services.settings.channelFor(actor.workspaceId, 'incidents');
      const { incident: logged, created } = await services.incidents.report(
        actor,
        incidentInputFrom(submission.values),
        `form:${submission.instanceKey}`,
        personalCopyFor(ctx),
      );
      // Its posts were queued with it: send them now (a repeat submission sends what is still waiting).
      const subject = subjectOf('incident', logged.id);
      const sent = await outbox.sendFor(subject);
      const where = await postsNote(
        services,
        actor.workspaceId,
        subject,
        sent,
        logged.severity === 'S1' || logged.severity === 'S2' ? ['incidents', 'leadership'] : ['incidents'],
      );
      return privately(
        await incidentCard(
          services,
          actor.workspaceId,
          logged.number,
          timeZone,
          created ? `Logged ${incidentKey(logged)}.${where}` : `${incidentKey(logged)} was already logged.${where}`,
        ),
      );
    },
  },
  {
    id: INCIDENT_FORMS.acknowledge,
    open: async (ctx, context) => {
      const { services, actor } = ctx;
      const current = await incidentOf(ctx, context);
      const owner = current.ownerPersonId ? await services.directory.personById(actor.workspaceId, current.ownerPersonId) : undefined;
      return acknowledgeForm(
        current,
        owner,
        await services.directory.people(actor.workspaceId),
        context.withOwner === '1' || (await services.incidents.canManage(actor, current.number)),
      );
    },
    submit: async (ctx, submission) => {
      const { services, actor, timeZone } = ctx;
      const incident = Number(submission.context.incident);
      // The owner field is there for the owner and admins only; without it the owner stays as it is.
      const owner = submission.values.owner ? await personIdOf(ctx, submission, submission.values.owner) : undefined;
      const { changed, incident: record } = await services.incidents.transition(
        actor,
        incident,
        'acknowledge',
        owner === undefined ? {} : { ownerPersonId: owner },
      );
      await ctx.outbox.sendFor(subjectOf('incident', record.id));
      return recordSaved(
        await incidentCard(services, actor.workspaceId, incident, timeZone),
        changed ? `INC-${incident} acknowledged.` : `INC-${incident} was already acknowledged.`,
      );
    },
  },
  {
    id: INCIDENT_FORMS.resolve,
    open: async (ctx, context) =>
      resolveForm(await incidentOf(ctx, context), await ctx.services.directory.people(ctx.actor.workspaceId), undefined),
    submit: async (ctx, submission) => {
      const { services, actor, timeZone } = ctx;
      const incident = Number(submission.context.incident);
      const raw = await resolveInputFrom(submission.values, async (externalId) => await personIdOf(ctx, submission, externalId));
      const { changed, incident: record } = await services.incidents.resolve(actor, incident, raw);
      await ctx.outbox.sendFor(subjectOf('incident', record.id));
      return recordSaved(
        await incidentCard(services, actor.workspaceId, incident, timeZone),
        changed ? `INC-${incident} resolved.` : `INC-${incident} was already resolved.`,
      );
    },
  },
  {
    id: INCIDENT_FORMS.comment,
    open: async (ctx, context) => commentForm(await incidentOf(ctx, context)),
    submit: async ({ services, actor, timeZone, outbox }, submission) => {
      const incident = Number(submission.context.incident);
      const record = await services.incidents.comment(actor, incident, submission.values.comment ?? '', `form:${submission.instanceKey}`);
      await outbox.sendFor(subjectOf('incident', record.id));
      return recordSaved(await incidentCard(services, actor.workspaceId, incident, timeZone), 'Comment added.');
    },
  },
];

const actions: Array<ActionSpec<IncidentActionId>> = Object.values(INCIDENT_ACTIONS).map((id) => ({
  id,
  handle: async (ctx, args) => await incidentAction(ctx, id, args),
}));

/** AI incidents and their corrective actions (A.3.3, A.6.2.6, A.8.3, A.8.4, 10.2). */
/** Overdue corrective actions as a digest's overdue items, with their owners (read in one query) and the button that marks each done. */
async function overdueActions(
  repos: Repositories,
  workspaceId: number,
  actions: readonly CorrectiveAction[],
  daysOverdue: (due: string) => number,
): Promise<OverdueItem[]> {
  const owners = new Map(
    (await repos.people.findByIds(workspaceId, [...new Set(actions.map((a) => a.ownerPersonId))])).map((p) => [p.id, p]),
  );
  return actions.map((a) => ({
    what: `Corrective action #${a.id}: ${a.title}`,
    owner: owners.get(a.ownerPersonId),
    due: a.dueDate,
    daysOverdue: daysOverdue(a.dueDate),
    button: { label: `Done #${a.id}`, action: INCIDENT_ACTIONS.actionDone, args: { action: String(a.id) } },
  }));
}

/** What the outbox sends about an incident: its card, rendered from the committed state, and its copies. */
const incidentOutbox: OutboxSubjectSpec = {
  type: 'incident',
  label: async (repos, workspaceId, id) => `INC-${(await repos.incidents.findById(workspaceId, id))?.number ?? '?'}`,
  async card(services, workspaceId, id) {
    const number = (await services.incidents.numbersOf(workspaceId, [id])).get(id);
    if (number === undefined) return undefined;
    return incidentCardView(await services.incidents.details(workspaceId, number), await services.settings.timeZoneOf(workspaceId));
  },
  async recordPost(services, workspaceId, id, purpose, posted) {
    await services.incidents.recordPost(workspaceId, id, {
      purpose: purpose === 'leadership' ? 'leadership' : 'incidents',
      channelId: posted.channelId,
      messageId: posted.messageId,
      ...(posted.reference === undefined ? {} : { reference: posted.reference }),
    });
  },
  // The reporter's own copy: the true state, and no lifecycle buttons once the incident is closed.
  async notice(services, workspaceId, id, notice) {
    if (notice !== INCIDENT_NOTICES.yours) return undefined;
    const number = (await services.incidents.numbersOf(workspaceId, [id])).get(id);
    if (number === undefined) return undefined;
    const details = await services.incidents.details(workspaceId, number);
    const card = incidentCardView(details, await services.settings.timeZoneOf(workspaceId));
    const closed = details.incident.status === 'closed';
    const key = incidentKey(details.incident);
    return personalView(card, closed ? `You reported ${key}. It is closed.` : `You reported ${key}. This copy stays up to date.`, !closed);
  },
};

export const incidentsFeature: Feature = {
  name: 'incidents',
  reviewInputs: incidentReviewInputs,
  export: incidentExport,
  outbox: [incidentOutbox],
  commands: [
    {
      word: 'incident',
      usage: 'incident [title] | incident list [open|mine|S1..S4|<system>] | incident INC-12 [owner @person]',
      group: 'report',
      button: { label: 'Log an incident', form: INCIDENT_FORMS.report },
      summary: 'Log an AI incident, list them, open one (card with its lifecycle buttons), or name its owner (owner or admin).',
      handle: incidentCommand,
    },
    {
      word: 'action',
      usage: 'action list [mine] | action done <number>',
      group: 'report',
      button: { label: 'My corrective actions', command: 'action list mine' },
      summary: 'Corrective actions from incidents, and marking them done.',
      handle: actionCommand,
    },
  ],
  forms,
  actions,
  status: {
    section: async (repos, workspaceId, { now, today, changesAt }) => {
      const incidents = await repos.incidents.counts(workspaceId, new Date(now.getTime() - 30 * DAY_MS).toISOString());
      const actions = await repos.actions.counts(workspaceId, today);
      const oldest = incidents.oldestActive;
      // Time alone changes the oldest one's age (hourly) and the window's counts (when their earliest turns 30 days old).
      if (oldest) changesAt(nextHourOf(oldest.createdAt, now));
      for (const first of [incidents.firstOpenedSince, incidents.firstClosedSince])
        if (first) changesAt(new Date(Date.parse(first) + 30 * DAY_MS + 1).toISOString());
      return {
        title: 'Incidents',
        fields: [
          { label: 'Open by severity', value: bySeverity(incidents.activeBySeverity) },
          {
            label: 'Oldest open',
            value: oldest
              ? `INC-${oldest.number} ${oldest.title} (${oldest.severity}, ${ageOf(oldest.createdAt, now.toISOString())})`
              : 'none',
          },
          { label: 'Last 30 days', value: `${incidents.openedSince} opened, ${incidents.closedSince} closed` },
          { label: 'Corrective actions', value: `${actions.open} open, ${actions.overdue} overdue` },
        ],
      };
    },
  },
  digest: {
    fields: async (repos, workspaceId, { since }) => {
      const counts = await repos.incidents.counts(workspaceId, since);
      return [
        { label: 'Open incidents', value: bySeverity(counts.activeBySeverity) },
        { label: 'Incidents this week', value: `${counts.openedSince} opened, ${counts.closedSince} closed` },
      ];
    },
    overdue: async (repos, workspaceId, { today, daysOverdue }) => {
      const overdue = (await repos.actions.list(workspaceId, { status: 'open' }, { limit: 1000, offset: 0 })).items.filter(
        (a) => a.dueDate < today,
      );
      return await overdueActions(repos, workspaceId, overdue, daysOverdue);
    },
    // The count and the first few by the (workspace, status, due date) index: the owners of those few only.
    overdueTop: async (repos, workspaceId, { today, daysOverdue }, limit) => {
      const { overdue } = await repos.actions.counts(workspaceId, today);
      const first = await repos.actions.openDueAfter(workspaceId, addDays(today, -1), undefined, limit);
      return { count: overdue, items: await overdueActions(repos, workspaceId, first, daysOverdue) };
    },
    concerns: async (repos, workspaceId, { since }) => {
      const { S1, S2 } = (await repos.incidents.counts(workspaceId, since)).activeBySeverity;
      return S1 + S2 > 0 ? [`${S1 + S2} open S1/S2 incident(s)`] : [];
    },
    // The open S1/S2 incidents behind the concern, the most severe and oldest first.
    // Read by severity along incidents_workspace_status_severity_ix: the S1s and S2s only, not every active one.
    attention: async (repos, workspaceId) =>
      [
        ...(await repos.incidents.list(workspaceId, { statuses: ACTIVE_STATUSES, severity: 'S1' }, { limit: 1000, offset: 0 })).items,
        ...(await repos.incidents.list(workspaceId, { statuses: ACTIVE_STATUSES, severity: 'S2' }, { limit: 1000, offset: 0 })).items,
      ]
        .sort((a, b) => a.severity.localeCompare(b.severity) || a.createdAt.localeCompare(b.createdAt))
        .map((incident) => ({
          what: `INC-${incident.number} ${incident.title}`,
          why: `${incident.severity}, ${incident.status}`,
          button: { label: `Open INC-${incident.number}`, action: INCIDENT_ACTIONS.show, args: { incident: String(incident.number) } },
        })),
  },
  // The digest's trend chart: incidents reported and closed each week (bars), and corrective actions overdue at each week's end.
  trend: {
    series: async (repos, workspaceId, weeks) => {
      const counts = await repos.incidents.weekly(workspaceId, weeks);
      const overdue = await repos.actions.overdueAt(
        workspaceId,
        weeks.map((week) => ({ day: week.lastDay, at: week.end })),
      );
      return [
        { key: TREND_KEYS.incidentsOpened, label: 'Incidents opened', unit: 'count', shape: 'bar', values: counts.map((c) => c.opened) },
        { key: TREND_KEYS.incidentsClosed, label: 'Incidents closed', unit: 'count', shape: 'bar', values: counts.map((c) => c.closed) },
        { key: TREND_KEYS.overdue, label: 'Overdue corrective actions', unit: 'count', shape: 'line', values: overdue },
      ];
    },
  },
  nudges: {
    prefix: 'action',
    // Open actions can number in the hundred thousands: the sweep reads those of one group of owners at a time.
    owners: async (repos, workspaceId, { horizon, daysOverdue }, after, owners) => {
      const actions = await repos.actions.openOfOwners(workspaceId, horizon, after, owners);
      const group = new Set(actions.map((action) => action.ownerPersonId));
      return {
        items: actions.map((action) => ({
          personId: action.ownerPersonId,
          item: {
            key: `action:${action.id}`,
            text: `Corrective action #${action.id}: ${action.title}`,
            due: action.dueDate,
            daysOverdue: daysOverdue(action.dueDate),
            done: { action: INCIDENT_ACTIONS.actionDone, args: { action: String(action.id) } },
          },
        })),
        ...(group.size === owners ? { next: actions.at(-1)?.ownerPersonId } : {}),
      };
    },
  },
  evidence: {
    kinds: ['incident', 'corrective-action'],
    present: async (repos, workspaceId) => [
      ...((await repos.incidents.exists(workspaceId)) ? ['incident'] : []),
      ...((await repos.actions.exists(workspaceId)) ? ['corrective-action'] : []),
    ],
    presentSince: async (repos, workspaceId, from) => [
      ...((await repos.incidents.exists(workspaceId, from)) ? ['incident'] : []),
      ...((await repos.actions.exists(workspaceId, from)) ? ['corrective-action'] : []),
    ],
    count: async (repos, workspaceId, period) => ({
      incident: await repos.incidents.countCreated(workspaceId, period),
      'corrective-action': await repos.actions.countCreated(workspaceId, period),
    }),
  },
};

/** The area's service, built over the kernel's store and clock (registered in src/features/index.ts). */
export const incidentServices = ({ store, clock }: AreaServiceDeps): Pick<ChatServices, 'incidents'> => ({
  incidents: new IncidentService(store, clock),
});

// The area adds its service to the ones the chat layer routes to; src/chat/chat-services.ts lists only the kernel's.
declare module '../../chat/chat-services.ts' {
  interface ChatServices {
    incidents: IncidentService;
  }
}
