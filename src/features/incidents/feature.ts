import { incidentAction } from '../../chat/commands/incident-actions.ts';
import { actionCommand, incidentCard, incidentCommand, openIncidentForm } from '../../chat/commands/incident-commands.ts';
import type { ActionSpec, Feature, FeatureContext, FormSpec } from '../../chat/feature.ts';
import { personIdOf } from '../../chat/form-people.ts';
import { acknowledgeForm, commentForm, incidentInputFrom, resolveForm, resolveInputFrom } from '../../chat/forms/incident-forms.ts';
import { postsNote } from '../../chat/outbox-notes.ts';
import type { FormView, MessageView } from '../../chat/views/view.ts';
import { incidentKey } from '../../core/incidents/incident.ts';
import { inPeriod } from '../../core/iso42001/evidence-coverage.ts';
import { subjectOf } from '../../core/outbox/outbox.ts';

// Still spelled in chat/forms/incident-forms.ts and chat/views/incident-views.ts until the area moves here.
export const INCIDENT_REPORT_FORM = 'incident.report';
const INCIDENT_BUTTONS = ['incident.acknowledge', 'incident.mitigate', 'incident.resolve', 'incident.close', 'incident.reopen', 'incident.comment', 'incident.show', 'action.done'] as const;

const privately = (view: MessageView) => ({ kind: 'done', view: { ...view, visibility: 'private' } }) as const;
const incidentOf = ({ services, actor }: FeatureContext, context: Record<string, string>) => services.incidents.details(actor.workspaceId, Number(context.incident)).incident;
const formOf = (response: ReturnType<typeof openIncidentForm>): FormView | undefined => (response.kind === 'form' ? response.form : undefined);

const forms: FormSpec[] = [
  {
    id: INCIDENT_REPORT_FORM,
    // The Slack message shortcut opens it with the message as the description.
    open: ({ services, actor, timeZone }, context) => formOf(openIncidentForm(services, actor, timeZone, context.description === undefined ? {} : { description: context.description })),
    submit: async ({ services, actor, timeZone, outbox }, submission) => {
      services.settings.channelFor(actor.workspaceId, 'incidents');
      const { incident: logged, created } = services.incidents.report(actor, incidentInputFrom(submission.values), `form:${submission.instanceKey}`);
      // Its posts were queued with it: send them now (a repeat submission sends what is still waiting).
      const subject = subjectOf('incident', logged.id);
      const sent = await outbox.sendFor(subject);
      const where = postsNote(services, actor.workspaceId, subject, sent, logged.severity === 'S1' || logged.severity === 'S2' ? ['incidents', 'leadership'] : ['incidents']);
      return privately(incidentCard(services, actor.workspaceId, logged.number, timeZone, created ? `Logged ${incidentKey(logged)}.${where}` : `${incidentKey(logged)} was already logged.${where}`));
    },
  },
  {
    id: 'incident.acknowledge',
    open: (ctx, context) => {
      const { services, actor } = ctx;
      const current = incidentOf(ctx, context);
      const owner = current.ownerPersonId ? services.directory.personById(actor.workspaceId, current.ownerPersonId) : undefined;
      return acknowledgeForm(current, owner, services.directory.people(actor.workspaceId), context.withOwner === '1' || services.incidents.canManage(actor, current.number));
    },
    submit: async (ctx, submission) => {
      const { services, actor, timeZone } = ctx;
      const incident = Number(submission.context.incident);
      // The owner field is there for the owner and admins only; without it the owner stays as it is.
      const owner = submission.values.owner ? personIdOf(ctx, submission, submission.values.owner) : undefined;
      const { changed, incident: record } = services.incidents.transition(actor, incident, 'acknowledge', owner === undefined ? {} : { ownerPersonId: owner });
      await ctx.outbox.sendFor(subjectOf('incident', record.id));
      return privately(incidentCard(services, actor.workspaceId, incident, timeZone, changed ? `INC-${incident} acknowledged.` : `INC-${incident} was already acknowledged.`));
    },
  },
  {
    id: 'incident.resolve',
    open: (ctx, context) => resolveForm(incidentOf(ctx, context), ctx.services.directory.people(ctx.actor.workspaceId), undefined),
    submit: async (ctx, submission) => {
      const { services, actor, timeZone } = ctx;
      const incident = Number(submission.context.incident);
      const raw = resolveInputFrom(submission.values, (externalId) => personIdOf(ctx, submission, externalId));
      const { changed, incident: record } = services.incidents.resolve(actor, incident, raw);
      await ctx.outbox.sendFor(subjectOf('incident', record.id));
      return privately(incidentCard(services, actor.workspaceId, incident, timeZone, changed ? `INC-${incident} resolved.` : `INC-${incident} was already resolved.`));
    },
  },
  {
    id: 'incident.comment',
    open: (ctx, context) => commentForm(incidentOf(ctx, context)),
    submit: async ({ services, actor, timeZone, outbox }, submission) => {
      const incident = Number(submission.context.incident);
      const record = services.incidents.comment(actor, incident, submission.values.comment ?? '', `form:${submission.instanceKey}`);
      await outbox.sendFor(subjectOf('incident', record.id));
      return privately(incidentCard(services, actor.workspaceId, incident, timeZone, 'Comment added.'));
    },
  },
];

const actions: ActionSpec[] = INCIDENT_BUTTONS.map((id) => ({ id, handle: (ctx, args) => incidentAction(ctx, id, args) }));

/** AI incidents and their corrective actions (A.3.3, A.6.2.6, A.8.3, A.8.4, 10.2). */
export const incidentsFeature: Feature = {
  name: 'incidents',
  commands: [
    {
      word: 'incident',
      usage: 'incident [title] | incident list [open|mine|S1..S4|<system>] | incident INC-12 [owner @person]',
      summary: 'Log an AI incident, list them, open one (card with its lifecycle buttons), or name its owner (owner or admin).',
      handle: incidentCommand,
    },
    { word: 'action', usage: 'action list [mine] | action done <number>', summary: 'Corrective actions from incidents, and marking them done.', handle: actionCommand },
  ],
  forms,
  actions,
  nudges: {
    prefix: 'action',
    items: (repos, workspaceId, { horizon, daysOverdue }) =>
      repos.actions
        .list(workspaceId, { status: 'open' }, { limit: 10_000, offset: 0 })
        .items.filter((action) => action.dueDate <= horizon)
        .map((action) => ({
          personId: action.ownerPersonId,
          item: { key: `action:${action.id}`, text: `Corrective action #${action.id}: ${action.title}`, due: action.dueDate, daysOverdue: daysOverdue(action.dueDate), done: { action: 'action.done', args: { action: String(action.id) } } },
        })),
  },
  evidence: {
    kinds: ['incident', 'corrective-action'],
    count: (repos, workspaceId, period) => ({
      incident: repos.incidents.list(workspaceId, {}, { limit: 100_000, offset: 0 }).items.filter((incident) => inPeriod(incident.createdAt, period)).length,
      'corrective-action': repos.actions.list(workspaceId, {}, { limit: 100_000, offset: 0 }).items.filter((action) => inPeriod(action.createdAt, period)).length,
    }),
  },
};
