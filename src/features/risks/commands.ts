import type { Actor } from '../../core/actor.ts';
import { AimsError, isAimsError } from '../../core/errors.ts';
import { subjectOf } from '../../core/outbox/outbox.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import type { CommandContext } from '../../chat/commands/command-context.ts';
import type { FeatureContext } from '../../chat/feature.ts';
import { personIdOf } from '../../chat/form-people.ts';
import { botIdOf, deliveryNote, postsNote } from '../../chat/outbox-notes.ts';
import type { FormSubmission } from '../../chat/views/form.ts';
import { message, recordAnswer, recordSaved, type ChatResponse, type FormResult, type MessageView } from '../../chat/views/view.ts';
import { RISK_NOTICES, riskKey } from './domain.ts';
import { RISK_ACTIONS, RISK_FORMS, riskForm, riskInputFrom } from './forms.ts';
import { parseRiskRef, type RiskFilter } from './service.ts';
import { riskCardView, riskLevelsView, riskListView, riskMatrixView } from './views.ts';

export async function riskCard(
  services: ChatServices,
  workspaceId: number,
  number: number,
  timeZone: string,
  note?: string,
): Promise<MessageView> {
  return riskCardView(await services.risks.details(workspaceId, number), timeZone, note);
}

/** The add form, or the edit form of R-n filled in (its owner, last editor or an admin). */
export async function openRiskForm(
  services: ChatServices,
  actor: Actor,
  number?: number,
): Promise<{ kind: 'form'; form: ReturnType<typeof riskForm> }> {
  const systems = await services.systems.search(actor.workspaceId, '', 1000);
  const people = await services.directory.people(actor.workspaceId);
  const thresholds = await services.risks.thresholds(actor.workspaceId);
  if (number === undefined) return { kind: 'form', form: riskForm({ systems, people, thresholds }) };
  const { risk } = await services.risks.details(actor.workspaceId, number);
  if (risk.ownerPersonId !== actor.personId && risk.lastEditorPersonId !== actor.personId && !actor.roles.includes('admin'))
    throw new AimsError('forbidden', `Only the owner of ${riskKey(risk)} or an admin can edit it.`);
  const owner = await services.directory.personById(actor.workspaceId, risk.ownerPersonId);
  return { kind: 'form', form: riskForm({ systems, people, thresholds, risk, ...(owner ? { owner } : {}) }) };
}

/** `risk [add] | risk list [open|mine|high|<system>] | risk matrix | risk levels [m h c] | risk R-3 [edit|close|reopen]` */
export async function riskCommand(ctx: CommandContext): Promise<ChatResponse> {
  const { services, actor, args, timeZone, prefix } = ctx;
  const [first, ...rest] = args;
  const sub = (first ?? '').toLowerCase();
  if (sub === '' || sub === 'add') return await openRiskForm(services, actor);
  if (sub === 'list') {
    const word = rest.join(' ').trim();
    const lower = word.toLowerCase();
    let filter: RiskFilter | undefined;
    let label = '';
    if (lower === 'open' || lower === 'mine' || lower === 'high') {
      filter = lower;
      label = lower === 'high' ? 'high and critical' : lower;
    } else if (word !== '') {
      const system = await services.systems.find(actor.workspaceId, word);
      filter = { aiSystemId: system.id };
      label = system.name;
    }
    return message(riskListView(await services.risks.list(actor, filter), label, prefix));
  }
  if (sub === 'matrix')
    return message(riskMatrixView(await services.risks.list(actor, 'open'), await services.risks.thresholds(actor.workspaceId)));
  if (sub === 'levels') {
    if (rest.length === 0) return message(riskLevelsView(await services.risks.thresholds(actor.workspaceId), prefix));
    const [mediumFrom, highFrom, criticalFrom] = rest.map(Number);
    const set = await services.risks.setThresholds(actor, { mediumFrom, highFrom, criticalFrom });
    return message(riskLevelsView(set, prefix, 'Saved. New and edited risks use these levels.'));
  }
  const number = parseRiskRef(first);
  if (number === undefined)
    throw new AimsError('invalid_input', `“${first ?? ''}” is not a risk.`, {
      hint: `Try ${prefix}risk add, ${prefix}risk list, ${prefix}risk matrix or ${prefix}risk R-1.`,
    });
  const verb = (rest[0] ?? '').toLowerCase();
  if (verb === 'edit') return await openRiskForm(services, actor, number);
  if (verb === 'close' || verb === 'reopen') {
    const status = verb === 'close' ? 'closed' : 'open';
    const { risk, changed } = await services.risks.setStatus(actor, number, status);
    const said = changed
      ? status === 'closed'
        ? `Closed ${riskKey(risk)}: it leaves the matrix, the status and the nudges, and stays in the register (${prefix}risk ${riskKey(risk)} reopen).`
        : `Reopened ${riskKey(risk)}.`
      : `${riskKey(risk)} is already ${risk.status}.`;
    return message({ ...(await riskCard(services, actor.workspaceId, number, timeZone, said)), visibility: 'private' });
  }
  return message({ ...(await riskCard(services, actor.workspaceId, number, timeZone)), visibility: 'private' });
}

/** Submits the add or the edit form. */
export async function submitRisk(ctx: FeatureContext, submission: FormSubmission): Promise<FormResult> {
  const { services, actor, timeZone } = ctx;
  const raw = await riskInputFrom(submission.values, async (externalId) => await personIdOf(ctx, submission, externalId));
  if (submission.type === RISK_FORMS.edit) {
    const number = Number(submission.context.risk);
    const { risk, changed, material, dropped } = await services.risks.edit(actor, number, raw, `form:${submission.instanceKey}`);
    if (!changed)
      return recordSaved(
        await riskCard(services, actor.workspaceId, number, timeZone),
        `Nothing changed: ${riskKey(risk)} keeps its acceptances.`,
      );
    const subject = subjectOf('risk', risk.id);
    const sent = await ctx.outbox.sendFor(subject);
    const botId = botIdOf(ctx.origin);
    const told =
      dropped.length > 0
        ? await deliveryNote(services, actor.workspaceId, subject, sent, {
            notice: RISK_NOTICES.acceptanceDropped,
            told: 'Those who had accepted were told.',
            onlyThisChange: true,
            ...(botId ? { botId } : {}),
          })
        : '';
    const asked = material && risk.acceptance === 'pending' ? ' Acceptance is asked again in the approvals channel.' : '';
    const note = `Saved ${riskKey(risk)}.${dropped.length > 0 ? ` A material change dropped ${dropped.length} acceptance(s). ${told}` : ''}${asked}`;
    return recordSaved(await riskCard(services, actor.workspaceId, number, timeZone), note.replace(/\s+/g, ' ').trim());
  }
  const { risk, created } = await services.risks.add(actor, raw, `form:${submission.instanceKey}`);
  const subject = subjectOf('risk', risk.id);
  const sent = await ctx.outbox.sendFor(subject);
  const where =
    risk.acceptance === 'pending' ? await postsNote(services, actor.workspaceId, subject, sent, ['approvals'], ' for acceptance') : '';
  const note = `${created ? `Added ${riskKey(risk)}.` : `${riskKey(risk)} was already added.`}${where}`;
  return { kind: 'done', view: { ...(await riskCard(services, actor.workspaceId, risk.number, timeZone, note)), visibility: 'private' } };
}

/** A click on a risk's card; refusals come back as the card in its true state with the reason, for the clicker alone. */
export async function riskAction(ctx: FeatureContext, action: string, args: Record<string, string>): Promise<ChatResponse> {
  const { services, actor, timeZone } = ctx;
  try {
    switch (action) {
      case RISK_ACTIONS.accept: {
        const number = Number(args.risk);
        const outcome = await services.risks.accept(actor, number, args.seen);
        await ctx.outbox.sendFor(subjectOf('risk', outcome.risk.id));
        const note = !outcome.changed
          ? `You already accepted ${riskKey(outcome.risk)}; it counts once.`
          : outcome.accepted
            ? `${riskKey(outcome.risk)} is accepted.`
            : 'Your acceptance is recorded.';
        return recordAnswer(await riskCard(services, actor.workspaceId, number, timeZone), note, !outcome.changed);
      }
      case RISK_ACTIONS.actionDone: {
        const { action: done, risk, changed } = await services.risks.actionDone(actor, Number(args.action));
        await ctx.outbox.sendFor(subjectOf('risk', risk.id));
        return recordAnswer(
          await riskCard(services, actor.workspaceId, risk.number, timeZone),
          changed ? `Treatment action #${done.id} is done.` : `Treatment action #${done.id} was already done.`,
          !changed,
        );
      }
      case RISK_ACTIONS.reviewed: {
        const risk = await services.risks.reviewed(actor, Number(args.risk));
        await ctx.outbox.sendFor(subjectOf('risk', risk.id));
        return recordAnswer(
          await riskCard(services, actor.workspaceId, risk.number, timeZone),
          `Review of ${riskKey(risk)} recorded; the next is due ${risk.nextReviewDate}.`,
        );
      }
      case RISK_ACTIONS.edit:
        return await openRiskForm(services, actor, Number(args.risk));
      default:
        return recordAnswer(await riskCard(services, actor.workspaceId, Number(args.risk), timeZone));
    }
  } catch (error) {
    if (isAimsError(error) && (error.code === 'conflict' || error.code === 'forbidden') && args.risk !== undefined)
      return recordAnswer(
        await riskCard(services, actor.workspaceId, Number(args.risk), timeZone),
        [error.message, error.details.hint].filter(Boolean).join(' '),
        true,
      );
    throw error;
  }
}
