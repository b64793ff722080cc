import type { ChatServices } from '../../chat/chat-services.ts';
import type { CommandContext } from '../../chat/commands/command-context.ts';
import type { FeatureContext } from '../../chat/feature.ts';
import { personIdOf } from '../../chat/form-people.ts';
import { postsNote } from '../../chat/outbox-notes.ts';
import type { FormSubmission, FormView } from '../../chat/views/form.ts';
import { message, recordAnswer, recordSaved, type ChatResponse, type FormResult, type MessageView } from '../../chat/views/view.ts';
import type { Actor } from '../../core/actor.ts';
import { AimsError, isAimsError } from '../../core/errors.ts';
import type { Person } from '../../core/identity.ts';
import { subjectOf } from '../../core/outbox/outbox.ts';
import { actionKey, parseReviewRef, reviewKey } from './domain.ts';
import { actionForm, attendeesForm, decisionForm, externalIdsOf, MR_ACTIONS, MR_FORMS, openForm } from './forms.ts';
import { reviewCardView, reviewListView } from './views.ts';

export async function reviewCard(
  services: ChatServices,
  workspaceId: number,
  number: number,
  timeZone: string,
  note?: string,
): Promise<MessageView> {
  return reviewCardView(await services.managementReviews.details(workspaceId, number), timeZone, note);
}

/** The people who hold the leadership role (the chair is one of them). */
async function leadersOf(services: ChatServices, workspaceId: number): Promise<Person[]> {
  const holders = await services.managementReviews.leadership(workspaceId);
  return (await Promise.all(holders.map(async (holder) => await services.directory.personById(workspaceId, holder.personId)))).filter(
    (p): p is Person => p !== undefined,
  );
}

const mayRun = (actor: Actor) => actor.roles.includes('leadership') || actor.roles.includes('admin');

/** The decision, action or attendees form of MR-n, refused before it opens when the review is locked or the person may not write it. */
export async function openReviewForm(services: ChatServices, actor: Actor, form: string, number: number): Promise<FormView> {
  if (form === MR_FORMS.open) {
    if (!mayRun(actor)) throw new AimsError('forbidden', 'Only leadership or an admin can open a management review.');
    const open = (await services.managementReviews.list(actor.workspaceId)).find((r) => r.status === 'open');
    if (open)
      throw new AimsError('conflict', `${reviewKey(open)} is open: close it before opening the next.`, {
        hint: `Its chair closes it: mr ${reviewKey(open)} close.`,
      });
    const leaders = await leadersOf(services, actor.workspaceId);
    return openForm(leaders, actor.roles.includes('leadership') ? leaders.find((p) => p.id === actor.personId) : undefined);
  }
  const { review, people } = await services.managementReviews.details(actor.workspaceId, number);
  if (review.status === 'closed')
    throw new AimsError('conflict', `${reviewKey(review)} is closed and locked: its minutes can no longer change.`, {
      hint: 'Open the next review for what is new: open actions carry forward into its inputs.',
    });
  if (!mayRun(actor)) throw new AimsError('forbidden', `Only leadership or an admin can write the minutes of ${reviewKey(review)}.`);
  if (form === MR_FORMS.decision) return decisionForm(review);
  const everyone = await services.directory.people(actor.workspaceId);
  if (form === MR_FORMS.action) return actionForm(review, everyone);
  const leaders = await leadersOf(services, actor.workspaceId);
  const chair = review.chairPersonId === null ? undefined : people.get(review.chairPersonId);
  const attendees = review.attendeePersonIds.map((id) => people.get(id)).filter((p): p is Person => p !== undefined);
  return attendeesForm(review, everyone, leaders, chair, attendees);
}

/** `management-review | mr [open] | mr list | mr MR-1 [decision [text] | action | action 2 done | attendees | close]` */
export async function reviewCommand(ctx: CommandContext): Promise<ChatResponse> {
  const { services, actor, args, timeZone, prefix } = ctx;
  const [first, ...rest] = args;
  const sub = (first ?? '').toLowerCase();
  if (sub === '' || sub === 'open') return { kind: 'form', form: await openReviewForm(services, actor, MR_FORMS.open, 0) };
  if (sub === 'list') return message(reviewListView(await services.managementReviews.list(actor.workspaceId), prefix));
  const number = parseReviewRef(first);
  if (number === undefined)
    throw new AimsError('invalid_input', `“${first ?? ''}” is not a management review.`, {
      hint: `Try ${prefix}management-review (opens one), ${prefix}mr list or ${prefix}mr MR-1.`,
    });
  const verb = (rest[0] ?? '').toLowerCase();
  const card = async (note?: string) =>
    message({ ...(await reviewCard(services, actor.workspaceId, number, timeZone, note)), visibility: 'private' });
  if (verb === '') return await card();
  if (verb === 'decision') {
    const text = rest.slice(1).join(' ').trim();
    if (text === '') return { kind: 'form', form: await openReviewForm(services, actor, MR_FORMS.decision, number) };
    const decision = await services.managementReviews.addDecision(actor, number, { text });
    return await card(`Recorded decision ${decision.number} of MR-${number}.`);
  }
  if (verb === 'action') {
    if (rest.length === 1) return { kind: 'form', form: await openReviewForm(services, actor, MR_FORMS.action, number) };
    const actionNumber = Number(rest[1]);
    if (!Number.isInteger(actionNumber) || (rest[2] ?? '').toLowerCase() !== 'done')
      throw new AimsError('invalid_input', `Say ${prefix}mr MR-${number} action (to add one) or ${prefix}mr MR-${number} action 2 done.`);
    const { review, action, changed } = await services.managementReviews.actionDone(actor, number, actionNumber);
    return await card(changed ? `${actionKey(review, action)} is done.` : `${actionKey(review, action)} was already done.`);
  }
  if (verb === 'attendees') return { kind: 'form', form: await openReviewForm(services, actor, MR_FORMS.attendees, number) };
  if (verb === 'close') {
    const { review, changed } = await services.managementReviews.close(actor, number);
    return await card(changed ? `Closed ${reviewKey(review)}: its minutes are locked.` : `${reviewKey(review)} was already closed.`);
  }
  throw new AimsError('invalid_input', `“${rest[0] ?? ''}” is not something a review does.`, {
    hint: `Try ${prefix}mr MR-${number} decision, action, attendees or close.`,
  });
}

/** Submits the decision, action or attendees form. */
export async function submitReviewForm(ctx: FeatureContext, submission: FormSubmission): Promise<FormResult> {
  const { services, actor, timeZone } = ctx;
  const number = Number(submission.context.review);
  const key = `form:${submission.instanceKey}`;
  const values = submission.values;
  let note: string;
  if (submission.type === MR_FORMS.open) {
    const chairPersonId = await personIdOf(ctx, submission, values.chair);
    const { review, created } = await services.managementReviews.open(actor, chairPersonId === undefined ? {} : { chairPersonId }, key);
    const subject = subjectOf('management-review', review.id);
    const sent = await ctx.outbox.sendFor(subject);
    const where = created ? await postsNote(services, actor.workspaceId, subject, sent, ['leadership']) : '';
    const said = created
      ? `Opened ${reviewKey(review)} with ${review.inputs.length} input(s) gathered from the store.${where} Record attendees, decisions and actions; the chair closes it.`
      : `${reviewKey(review)} is open: close it before opening the next.`;
    return {
      kind: 'done',
      view: { ...(await reviewCard(services, actor.workspaceId, review.number, timeZone, said)), visibility: 'private' },
    };
  }
  if (submission.type === MR_FORMS.decision) {
    const decision = await services.managementReviews.addDecision(actor, number, { text: values.decision ?? '' }, key);
    note = `Recorded decision ${decision.number} of MR-${number}.`;
  } else if (submission.type === MR_FORMS.action) {
    const ownerPersonId = await personIdOf(ctx, submission, values.owner);
    const action = await services.managementReviews.addAction(
      actor,
      number,
      { title: values.title ?? '', ownerPersonId, dueDate: values.due ?? '' },
      key,
    );
    note = `Added MR-${number} action ${action.number}, due ${action.dueDate}.`;
  } else {
    const attendeePersonIds: number[] = [];
    for (const id of externalIdsOf(values, 'attendees')) {
      const personId = await personIdOf(ctx, submission, id);
      if (personId !== undefined) attendeePersonIds.push(personId);
    }
    const chairPersonId = await personIdOf(ctx, submission, values.chair);
    const review = await services.managementReviews.setAttendees(actor, number, { attendeePersonIds, chairPersonId }, key);
    note = `Saved the attendees of ${reviewKey(review)}.`;
  }
  const review = (await services.managementReviews.details(actor.workspaceId, number)).review;
  await ctx.outbox.sendFor(subjectOf('management-review', review.id));
  return recordSaved(await reviewCard(services, actor.workspaceId, number, timeZone), note);
}

/** A click on a review's card; refusals come back as the card in its true state with the reason, for the clicker alone. */
export async function reviewAction(ctx: FeatureContext, action: string, args: Record<string, string>): Promise<ChatResponse> {
  const { services, actor, timeZone } = ctx;
  const number = Number(args.review);
  try {
    switch (action) {
      case MR_ACTIONS.close: {
        const { review, changed } = await services.managementReviews.close(actor, number);
        await ctx.outbox.sendFor(subjectOf('management-review', review.id));
        return recordAnswer(
          await reviewCard(services, actor.workspaceId, number, timeZone),
          changed ? `Closed ${reviewKey(review)}: its minutes are locked.` : `${reviewKey(review)} was already closed.`,
          !changed,
        );
      }
      case MR_ACTIONS.actionDone: {
        const { review, action: done, changed } = await services.managementReviews.actionDone(actor, number, Number(args.action));
        await ctx.outbox.sendFor(subjectOf('management-review', review.id));
        return recordAnswer(
          await reviewCard(services, actor.workspaceId, number, timeZone),
          changed ? `${actionKey(review, done)} is done.` : `${actionKey(review, done)} was already done.`,
          !changed,
        );
      }
      case MR_ACTIONS.decision:
      case MR_ACTIONS.action:
      case MR_ACTIONS.attendees:
        return { kind: 'form', form: await openReviewForm(services, actor, action, number) };
      default:
        return recordAnswer(await reviewCard(services, actor.workspaceId, number, timeZone));
    }
  } catch (error) {
    if (isAimsError(error) && (error.code === 'conflict' || error.code === 'forbidden') && Number.isInteger(number) && number > 0)
      return recordAnswer(
        await reviewCard(services, actor.workspaceId, number, timeZone),
        [error.message, error.details.hint].filter(Boolean).join(' '),
        true,
      );
    throw error;
  }
}
