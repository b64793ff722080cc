import type { Actor } from '../core/actor.ts';
import type { Contact } from '../core/directory-service.ts';
import { AimsError, isAimsError } from '../core/errors.ts';
import type { Platform } from '../core/identity.ts';
import { incidentKey } from '../core/incidents/incident.ts';
import type { ChatServices } from './chat-services.ts';
import { incidentCard, openIncidentForm } from './commands/incident-commands.ts';
import { systemCard, systemEditForm } from './commands/system-commands.ts';
import { acknowledgeForm, commentForm, incidentInputFrom, resolveFieldOf, resolveForm, resolveInputFrom } from './forms/incident-forms.ts';
import { setupForm, settingsInputFrom } from './forms/setup-form.ts';
import { systemForm, systemInputFrom } from './forms/system-form.ts';
import type { CardPublisher } from './card-publisher.ts';
import { subjectOf } from '../core/outbox/outbox.ts';
import type { OutboxSender } from './outbox-sender.ts';
import { attendeesNote, postsNote } from './outbox-notes.ts';
import { courseForm, courseInputFrom, sessionForm } from './forms/training-forms.ts';
import { courseListView } from './views/training-views.ts';
import { snoozedView, snoozeForm } from './views/nudge-views.ts';
import { reviewForm, reviewDoneInputFrom, reviewInputFrom } from './forms/review-forms.ts';
import { reviewDoneFormFor, reviewEditForm, reviewList } from './commands/review-commands.ts';
import { decideRelease } from './commands/release-actions.ts';
import { releaseCard, releaseEditForm, releaseFormFor } from './commands/release-commands.ts';
import { approveForm, rejectForm, releaseInputFrom, releasePickForm } from './forms/release-forms.ts';
import type { FormSubmission, FormView } from './views/form.ts';
import { setupSummaryView } from './views/setup-views.ts';
import type { FormResult } from './views/view.ts';

interface FormContext {
  services: ChatServices;
  contact: Contact;
  actor: Actor;
  timeZone: string;
}

interface SubmitContext extends FormContext {
  outbox: OutboxSender;
  cards: CardPublisher;
  platform: Platform;
}

// Schema fields whose form field has another name.
const FIELD_OF: Record<string, string> = { ownerPersonId: 'owner', aiSystemId: 'aiSystem' };
// The release form has no system field (it was chosen before): its problems show at the version.
const RELEASE_FIELD_OF: Record<string, string> = { aiSystemId: 'version', measurements: 'extraMetrics' };
const releaseFieldOf = (field: string) => RELEASE_FIELD_OF[field] ?? (field.startsWith('measurements.') ? 'extraMetrics' : field);
const TRAINING_FIELD_OF: Record<string, string> = { courseId: 'course', attendeePersonIds: 'attendees' };

function personId(ctx: FormContext, submission: FormSubmission, externalId: string | undefined): number | undefined {
  if (!externalId) return undefined;
  return ctx.services.directory.ensurePerson(ctx.contact.workspace, externalId, submission.labels?.[externalId], ctx.actor.label).id;
}

function withChannelNames(raw: Record<string, unknown>, labels: Record<string, string> | undefined): Record<string, unknown> {
  const out = { ...raw };
  for (const key of ['incidentsChannel', 'approvalsChannel', 'leadershipChannel']) {
    const channel = out[key] as { id: string } | null | undefined;
    const name = channel ? labels?.[channel.id] : undefined;
    if (channel && name) out[key] = { ...channel, name };
  }
  return out;
}

async function apply(ctx: SubmitContext, submission: FormSubmission): Promise<FormResult> {
  const { services, actor, timeZone } = ctx;
  const { values } = submission;
  const incident = Number(submission.context.incident);
  const done = (view: ReturnType<typeof incidentCard>) => ({ kind: 'done', view: { ...view, visibility: 'private' } }) as const;
  switch (submission.type) {
    case 'system.add': {
      const { system, created } = services.systems.add(actor, systemInputFrom(values, personId(ctx, submission, values.owner)), `form:${submission.instanceKey}`);
      // A system newly in production is offered its drift and bias reviews.
      return { kind: 'done', view: systemCard(services, actor, system, timeZone, created ? `Added ${system.name} to the AI system inventory.` : `${system.name} was already added.`, created) };
    }
    case 'system.edit': {
      const { system, changed } = services.systems.edit(actor, Number(submission.context.systemId), systemInputFrom(values, personId(ctx, submission, values.owner)));
      return { kind: 'done', view: systemCard(services, actor, system, timeZone, changed.length > 0 ? `Saved ${system.name}.` : 'Nothing changed.') };
    }
    case 'setup': {
      const settings = services.settings.update(actor, withChannelNames(settingsInputFrom(values, ctx.contact.workspace.platform), submission.labels));
      return { kind: 'done', view: setupSummaryView(settings, 'Setup saved.') };
    }
    case 'incident.report': {
      services.settings.channelFor(actor.workspaceId, 'incidents');
      const { incident: logged, created } = services.incidents.report(actor, incidentInputFrom(values), `form:${submission.instanceKey}`);
      // Its posts were queued with it: send them now (a repeat submission sends what is still waiting).
      const subject = subjectOf('incident', logged.id);
      const sent = await ctx.outbox.sendFor(subject);
      const where = postsNote(services, actor.workspaceId, subject, sent, logged.severity === 'S1' || logged.severity === 'S2' ? ['incidents', 'leadership'] : ['incidents']);
      return done(incidentCard(services, actor.workspaceId, logged.number, timeZone, created ? `Logged ${incidentKey(logged)}.${where}` : `${incidentKey(logged)} was already logged.${where}`));
    }
    case 'incident.acknowledge': {
      // The owner field is there for the owner and admins only; without it the owner stays as it is.
      const owner = values.owner ? personId(ctx, submission, values.owner) : undefined;
      const { changed, incident: record } = services.incidents.transition(actor, incident, 'acknowledge', owner === undefined ? {} : { ownerPersonId: owner });
      await ctx.outbox.sendFor(subjectOf('incident', record.id));
      return done(incidentCard(services, actor.workspaceId, incident, timeZone, changed ? `INC-${incident} acknowledged.` : `INC-${incident} was already acknowledged.`));
    }
    case 'incident.resolve': {
      const raw = resolveInputFrom(values, (externalId) => personId(ctx, submission, externalId));
      const { changed, incident: record } = services.incidents.resolve(actor, incident, raw);
      await ctx.outbox.sendFor(subjectOf('incident', record.id));
      return done(incidentCard(services, actor.workspaceId, incident, timeZone, changed ? `INC-${incident} resolved.` : `INC-${incident} was already resolved.`));
    }
    case 'incident.comment': {
      const record = services.incidents.comment(actor, incident, values.comment ?? '', `form:${submission.instanceKey}`);
      await ctx.outbox.sendFor(subjectOf('incident', record.id));
      return done(incidentCard(services, actor.workspaceId, incident, timeZone, 'Comment added.'));
    }
    case 'release.pick': {
      if (!values.aiSystem) return { kind: 'errors', errors: { aiSystem: 'Choose the AI system.' } };
      return { kind: 'next', form: releaseFormFor(services, actor, services.systems.getById(actor.workspaceId, Number(values.aiSystem))).form };
    }
    case 'release.request':
    case 'release.edit': {
      const systemId = Number(submission.context.aiSystemId);
      const { raw, extraErrors, fieldOfMeasurement } = releaseInputFrom(values, submission.context, services.releases.criteria(actor.workspaceId, systemId));
      if (Object.keys(extraErrors).length > 0) return { kind: 'errors', errors: extraErrors };
      // The service names a measured value by its index; show it at the form field it came from.
      const atField = <T>(run: () => T): T => {
        try {
          return run();
        } catch (error) {
          if (!isAimsError(error) || !error.details.fieldErrors) throw error;
          const errors: Record<string, string> = {};
          for (const [field, text] of Object.entries(error.details.fieldErrors)) {
            const index = /^measurements\.(\d+)$/.exec(field)?.[1];
            errors[index === undefined ? field : (fieldOfMeasurement[Number(index)] ?? field)] ??= text;
          }
          throw new AimsError(error.code, error.message, { ...error.details, fieldErrors: errors });
        }
      };
      if (submission.type === 'release.edit') {
        const id = Number(submission.context.release);
        const { droppedApprovers, changed } = atField(() => services.releases.edit(actor, id, raw));
        if (!changed) return { kind: 'done', view: { ...releaseCard(services, actor.workspaceId, id, timeZone, `Nothing changed: REL-${id} keeps its approvals.`), visibility: 'private' } };
        // The refreshed cards and the dropped approvers' notices were queued with the edit.
        await ctx.outbox.sendFor(subjectOf('release', id));
        const note = droppedApprovers.length > 0 ? `Saved REL-${id}. ${droppedApprovers.length} approval(s) were dropped; the approvers were told.` : `Saved REL-${id}.`;
        return { kind: 'done', view: { ...releaseCard(services, actor.workspaceId, id, timeZone, note), visibility: 'private' } };
      }
      services.settings.channelFor(actor.workspaceId, 'approvals');
      const { release, created } = atField(() => services.releases.request(actor, raw, `form:${submission.instanceKey}`));
      const subject = subjectOf('release', release.id);
      const sent = await ctx.outbox.sendFor(subject);
      const where = postsNote(services, actor.workspaceId, subject, sent, ['approvals'], ' for sign-off');
      const note = created ? `Requested REL-${release.id}.${where}` : `REL-${release.id} was already requested.${where}`;
      return { kind: 'done', view: { ...releaseCard(services, actor.workspaceId, release.id, timeZone, note), visibility: 'private' } };
    }
    case 'release.reject':
    case 'release.approve': {
      const id = Number(submission.context.release);
      const note = await decideRelease({ ...ctx }, id, submission.type === 'release.reject' ? 'reject' : 'approve', submission.type === 'release.reject' ? values.reason : values.comment, submission.context.seen);
      return { kind: 'done', view: { ...releaseCard(services, actor.workspaceId, id, timeZone, note), visibility: 'private' } };
    }
    case 'review.add':
    case 'review.edit': {
      const raw = reviewInputFrom(values, personId(ctx, submission, values.owner));
      const schedule = submission.type === 'review.add' ? services.reviews.add(actor, raw, `form:${submission.instanceKey}`) : services.reviews.edit(actor, Number(submission.context.review), raw);
      const note = `Saved review #${schedule.id}, next due ${schedule.nextDue}.`;
      const list = reviewList(services, actor, false, '', note);
      return { kind: 'done', view: list.kind === 'message' ? list.view : { summary: note, blocks: [{ type: 'text', text: note }], visibility: 'private' } };
    }
    case 'review.done': {
      const { schedule, actions } = services.reviews.done(actor, Number(submission.context.review), reviewDoneInputFrom(values, (externalId) => personId(ctx, submission, externalId)));
      const note = `Recorded review #${schedule.id}. Next due ${schedule.nextDue}.${actions > 0 ? ` ${actions} corrective action(s) created.` : ''}`;
      return { kind: 'done', view: { summary: note, blocks: [{ type: 'text', text: note }], visibility: 'private' } };
    }
    case 'nudge.snooze': {
      const until = services.nudges.snooze(actor, submission.context.item ?? '', 7, values.reason);
      return { kind: 'done', view: snoozedView(until) };
    }
    case 'training.course.add':
    case 'training.course.edit': {
      const raw = courseInputFrom(values);
      const course = submission.type === 'training.course.add' ? services.training.addCourse(actor, raw) : services.training.editCourse(actor, Number(submission.context.course), raw);
      return { kind: 'done', view: courseListView(services.training.courses(actor.workspaceId, true), '', `Saved the course ${course.name}.`) };
    }
    case 'training.session': {
      const attendees = (values.attendees ?? '').split(',').filter(Boolean).map((externalId) => personId(ctx, submission, externalId) ?? 0);
      const result = services.training.recordSession(actor, { courseId: values.course ? Number(values.course) : undefined, date: values.date, trainer: values.trainer, attendeePersonIds: attendees, evidence: values.evidence }, `form:${submission.instanceKey}`);
      const course = services.training.courses(actor.workspaceId, true).find((c) => c.id === result.courseId);
      // Each newly recorded attendee is told through the outbox (queued with the session); say honestly who was reached.
      const subject = subjectOf('training-session', result.sessionId);
      const told = result.repeated ? '' : ` ${attendeesNote(services, actor.workspaceId, subject, await ctx.outbox.sendFor(subject))}`;
      const total = result.recorded.length + result.already.length;
      const note = result.repeated
        ? 'This session was already recorded.'
        : `Recorded ${course?.name ?? 'the session'} on ${values.date ?? ''} for ${total} ${total === 1 ? 'person' : 'people'}${result.already.length > 0 ? ` (${result.already.length} already had it for that day)` : ''}.${told}`;
      return { kind: 'done', view: { summary: note, blocks: [{ type: 'text', text: note }], visibility: 'private' } };
    }
    default:
      throw new AimsError('invalid_input', 'That form is from an older version of the bot. Open it again.');
  }
}

/** Applies one submitted form; validation errors come back keyed by form field. */
export async function submitForm(ctx: SubmitContext, submission: FormSubmission): Promise<FormResult> {
  try {
    return await apply(ctx, submission);
  } catch (error) {
    if (isAimsError(error) && error.details.fieldErrors) {
      const fieldOf = (field: string) =>
        submission.type.startsWith('release.')
          ? releaseFieldOf(field)
          : submission.type.startsWith('training.')
            ? (TRAINING_FIELD_OF[field] ?? field)
            : (FIELD_OF[field] ?? resolveFieldOf(field));
      const errors = Object.fromEntries(Object.entries(error.details.fieldErrors).map(([field, text]) => [fieldOf(field), text]));
      return { kind: 'errors', errors };
    }
    throw error;
  }
}

/** A form of a given type, as it would open now (to re-draw it with errors where the platform needs that). */
export function formFor(ctx: FormContext, type: string, context: Record<string, string>): FormView | undefined {
  const { services, actor, contact, timeZone } = ctx;
  const people = services.directory.people(actor.workspaceId);
  const incident = () => services.incidents.details(actor.workspaceId, Number(context.incident)).incident;
  switch (type) {
    case 'system.add':
      return systemForm({ mode: 'add', people });
    case 'system.edit': {
      const response = systemEditForm(services, actor, services.systems.getById(actor.workspaceId, Number(context.systemId)));
      return response.kind === 'form' ? response.form : undefined;
    }
    case 'setup':
      return setupForm(services.settings.get(actor.workspaceId), contact.workspace.platform);
    case 'incident.report': {
      const response = openIncidentForm(services, actor, timeZone);
      return response.kind === 'form' ? response.form : undefined;
    }
    case 'incident.acknowledge': {
      const current = incident();
      const owner = current.ownerPersonId ? services.directory.personById(actor.workspaceId, current.ownerPersonId) : undefined;
      return acknowledgeForm(current, owner, people, context.withOwner === '1' || services.incidents.canManage(actor, current.number));
    }
    case 'incident.resolve':
      return resolveForm(incident(), people, undefined);
    case 'incident.comment':
      return commentForm(incident());
    case 'release.pick':
      return releasePickForm(services.systems.search(actor.workspaceId, '', 1000));
    case 'release.request':
      return releaseFormFor(services, actor, services.systems.getById(actor.workspaceId, Number(context.aiSystemId))).form;
    case 'release.edit':
      return releaseEditForm(services, actor, Number(context.release)).form;
    case 'review.add':
      return reviewForm({ systems: services.systems.search(actor.workspaceId, '', 1000), people, today: services.reviews.todayFor(actor.workspaceId) });
    case 'review.edit':
      return reviewEditForm(services, actor, Number(context.review));
    case 'review.done':
      return reviewDoneFormFor(services, actor, Number(context.review));
    case 'nudge.snooze':
      return snoozeForm(context.item ?? '');
    case 'training.course.add':
      return courseForm();
    case 'training.course.edit':
      return courseForm(services.training.courses(actor.workspaceId, true).find((c) => c.id === Number(context.course)));
    case 'training.session':
      return sessionForm(services.training.courses(actor.workspaceId), people, services.training.today(actor.workspaceId));
    case 'release.reject':
      return rejectForm(services.releases.details(actor.workspaceId, Number(context.release)).release);
    case 'release.approve':
      return approveForm(services.releases.details(actor.workspaceId, Number(context.release)).release);
    default:
      return undefined;
  }
}
