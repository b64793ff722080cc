import { AimsError, isAimsError } from '../../core/errors.ts';
import { subjectOf } from '../../core/outbox/outbox.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import type { CommandContext } from '../../chat/commands/command-context.ts';
import type { FeatureContext } from '../../chat/feature.ts';
import { personIdOf } from '../../chat/form-people.ts';
import type { FormSubmission, FormView } from '../../chat/views/form.ts';
import { message, recordAnswer, recordSaved, type ChatResponse, type FormResult, type MessageView } from '../../chat/views/view.ts';
import { auditKey, findingKey, FINDING_LABELS, NC_GRADE_OF, ncKey, parseAuditRef, parseNcRef } from './domain.ts';
import {
  AUDIT_ACTIONS,
  AUDIT_FORMS,
  auditPlanForm,
  checkForm,
  correctionForm,
  findingForm,
  nonconformityForm,
  planInputFrom,
  type NonconformityContext,
} from './forms.ts';
import { auditCardView, auditListView, nonconformityCardView, nonconformityListView } from './views.ts';

async function auditCard(
  services: ChatServices,
  workspaceId: number,
  number: number,
  timeZone: string,
  note?: string,
): Promise<MessageView> {
  return auditCardView(await services.audits.details(workspaceId, number), timeZone, note);
}

async function ncCard(services: ChatServices, workspaceId: number, number: number, timeZone: string, note?: string): Promise<MessageView> {
  return nonconformityCardView(await services.audits.ncDetails(workspaceId, number), timeZone, note);
}

const privately = (view: MessageView): MessageView => ({ ...view, visibility: 'private' });

/** The forms' openers: each checks what it is about exists in the asker's workspace. */
export const openers = {
  async plan(services: ChatServices, workspaceId: number): Promise<FormView> {
    return auditPlanForm({
      systems: await services.systems.search(workspaceId, '', 1000),
      people: await services.directory.people(workspaceId),
    });
  },
  async finding(services: ChatServices, workspaceId: number, number: number): Promise<FormView> {
    const { audit } = await services.audits.details(workspaceId, number);
    if (audit.status === 'completed')
      throw new AimsError('conflict', `${auditKey(audit)} is completed: no more findings can be logged in it.`);
    return findingForm(audit);
  },
  async nonconformity(services: ChatServices, workspaceId: number, context: NonconformityContext): Promise<FormView> {
    // From an audit: it must be one of this workspace's (a button from elsewhere opens nothing).
    if (context.source === 'audit') {
      const number = parseAuditRef(context.ref);
      if (number === undefined) throw new AimsError('invalid_input', 'That nonconformity names no audit.');
      await services.audits.details(workspaceId, number);
    } else if (context.source !== 'objective') throw new AimsError('invalid_input', 'A nonconformity comes from an audit or an objective.');
    const ownerId = context.owner
      ? Number(context.owner)
      : context.source === 'audit' && context.finding
        ? await services.audits.ownerOfFinding(workspaceId, Number(context.finding))
        : undefined;
    const owner = ownerId ? await services.directory.personById(workspaceId, ownerId) : undefined;
    return nonconformityForm(context, await services.directory.people(workspaceId), owner);
  },
  async action(services: ChatServices, workspaceId: number, number: number): Promise<FormView> {
    const { nc, action } = await services.audits.ncDetails(workspaceId, number);
    if (action) throw new AimsError('conflict', `${ncKey(nc)} has its corrective action already (#${action.id}).`);
    const owner = await services.directory.personById(workspaceId, nc.ownerPersonId);
    return correctionForm(nc, await services.directory.people(workspaceId), owner);
  },
  async check(services: ChatServices, workspaceId: number, number: number): Promise<FormView> {
    const { nc, action } = await services.audits.ncDetails(workspaceId, number);
    if (!action || action.status !== 'done' || nc.status === 'closed')
      throw new AimsError('conflict', `${ncKey(nc)} has no done corrective action waiting for its effectiveness check.`);
    return checkForm(nc, action.title);
  },
};

/** `audit plan | list | nc | AUD-2 [finding|complete] | NC-3` (the audit chain is the CLI's `aims audit verify`). */
export async function auditCommand(ctx: CommandContext): Promise<ChatResponse> {
  const { services, actor, args, timeZone, prefix } = ctx;
  const [first, ...rest] = args;
  const sub = (first ?? '').toLowerCase();
  const workspaceId = actor.workspaceId;
  if (sub === 'plan') return { kind: 'form', form: await openers.plan(services, workspaceId) };
  if (sub === '' || sub === 'list') {
    const { audits, findings, nonconformities } = await services.audits.list(workspaceId);
    const kinds = new Map<number, string[]>();
    for (const finding of findings) kinds.set(finding.auditId, [...(kinds.get(finding.auditId) ?? []), finding.kind]);
    return message(auditListView(audits, kinds, nonconformities, prefix));
  }
  if (sub === 'nc' || sub === 'ncs' || sub === 'nonconformities') {
    const { items, actions } = await services.audits.nonconformities(workspaceId);
    return message(nonconformityListView(items, actions));
  }
  if (sub === 'verify' || sub === 'head' || sub === 'anchors')
    return message({
      summary: 'The audit chain is checked by the CLI.',
      blocks: [
        {
          type: 'text',
          text: `The hash chain of the audit log is checked on the server: npx aims audit ${sub}. The audit programme is ${prefix}audit list.`,
        },
      ],
      visibility: 'private',
    });
  const nc = parseNcRef(first);
  if (nc !== undefined) return message(privately(await ncCard(services, workspaceId, nc, timeZone)));
  const number = parseAuditRef(first);
  if (number === undefined)
    throw new AimsError('invalid_input', `“${first ?? ''}” is not an audit.`, {
      hint: `Try ${prefix}audit plan, ${prefix}audit list, ${prefix}audit AUD-1, ${prefix}audit AUD-1 finding or ${prefix}audit nc.`,
    });
  const verb = (rest[0] ?? '').toLowerCase();
  if (verb === 'finding') return { kind: 'form', form: await openers.finding(services, workspaceId, number) };
  if (verb === 'complete') {
    const { changed } = await services.audits.complete(actor, number);
    return message(
      privately(
        await auditCard(
          services,
          workspaceId,
          number,
          timeZone,
          changed ? `AUD-${number} is completed.` : `AUD-${number} was already completed.`,
        ),
      ),
    );
  }
  return message(privately(await auditCard(services, workspaceId, number, timeZone)));
}

/** Submits one of the area's forms. */
export async function submitAuditForm(ctx: FeatureContext, submission: FormSubmission): Promise<FormResult> {
  const { services, actor, timeZone } = ctx;
  const { values, context } = submission;
  const key = `form:${submission.instanceKey}`;
  const person = async (externalId: string | undefined) => await personIdOf(ctx, submission, externalId);
  switch (submission.type) {
    case AUDIT_FORMS.plan: {
      const { audit, created } = await services.audits.plan(actor, await planInputFrom(values, person), key);
      await ctx.outbox.sendFor(subjectOf('internal-audit', audit.id));
      // Told in a direct message: the lead and auditors other than the planner (none when they lead it alone).
      const told = [audit.leadAuditorPersonId, ...audit.auditorPersonIds].some((id) => id !== actor.personId);
      return recordSaved(
        await auditCard(services, actor.workspaceId, audit.number, timeZone),
        created ? `Planned ${auditKey(audit)}.${told ? ' The auditors were told.' : ''}` : `${auditKey(audit)} was planned already.`,
      );
    }
    case AUDIT_FORMS.finding: {
      const raw = { kind: values.kind, clause: values.clause ?? '', description: values.description, recordRef: values.recordRef };
      const { audit, finding } = await services.audits.logFinding(actor, Number(context.audit), raw, key);
      const nc = NC_GRADE_OF[finding.kind] ? ' Log it as a nonconformity with its button.' : '';
      return recordSaved(
        await auditCard(services, actor.workspaceId, audit.number, timeZone),
        `Logged ${auditKey(audit)} ${findingKey(finding)}: ${FINDING_LABELS[finding.kind].toLowerCase()} against ${finding.clause}.${nc}`,
      );
    }
    case AUDIT_FORMS.nonconformity: {
      const raw = {
        clause: values.clause ?? '',
        grade: values.grade,
        description: values.description,
        ownerPersonId: await person(values.owner),
      };
      const origin = {
        ...(context.source ? { source: context.source } : {}),
        ...(context.ref ? { ref: context.ref } : {}),
        ...(context.finding ? { finding: context.finding } : {}),
      };
      const { nc, created } = await services.audits.logNonconformity(actor, origin, raw, key);
      await ctx.outbox.sendFor(subjectOf('nonconformity', nc.id));
      return recordSaved(
        await ncCard(services, actor.workspaceId, nc.number, timeZone),
        !created
          ? `${ncKey(nc)} was logged already.`
          : nc.ownerPersonId === actor.personId
            ? `Logged ${ncKey(nc)} from ${nc.sourceRef}. You own it: raise its corrective action (you are nudged until you do).`
            : `Logged ${ncKey(nc)} from ${nc.sourceRef}. Its owner was told and raises the corrective action.`,
      );
    }
    case AUDIT_FORMS.action: {
      const raw = {
        rootCause: values.rootCause,
        title: values.title,
        ownerPersonId: await person(values.owner),
        dueDate: values.dueDate,
        checkerPersonId: await person(values.checker),
      };
      const { nc, action, created } = await services.audits.raiseAction(actor, Number(context.nc), raw, key);
      await ctx.outbox.sendFor(subjectOf('nonconformity', nc.id));
      return recordSaved(
        await ncCard(services, actor.workspaceId, nc.number, timeZone),
        created
          ? `Corrective action #${action.id} raised for ${ncKey(nc)}, due ${action.dueDate}.`
          : `${ncKey(nc)} has its corrective action already (#${action.id}).`,
      );
    }
    case AUDIT_FORMS.check: {
      const { nc, changed } = await services.audits.check(actor, Number(context.nc), { result: values.result, note: values.note }, key);
      await ctx.outbox.sendFor(subjectOf('nonconformity', nc.id));
      const note = !changed
        ? 'That check was recorded already.'
        : nc.status === 'closed'
          ? `The corrective action was effective: ${ncKey(nc)} is closed.`
          : `The corrective action was not effective: it is open again and its owner was told.`;
      return recordSaved(await ncCard(services, actor.workspaceId, nc.number, timeZone), note);
    }
    default:
      throw new AimsError('invalid_input', 'That form is from an older version of the bot.');
  }
}

/** A click on an audit's or a nonconformity's card; refusals come back as the card in its true state with the reason, for the clicker alone. */
export async function auditAction(ctx: FeatureContext, action: string, args: Record<string, string>): Promise<ChatResponse> {
  const { services, actor, timeZone } = ctx;
  const workspaceId = actor.workspaceId;
  try {
    switch (action) {
      case AUDIT_ACTIONS.complete: {
        const { audit, changed } = await services.audits.complete(actor, Number(args.audit));
        return recordAnswer(
          await auditCard(services, workspaceId, audit.number, timeZone),
          changed ? `${auditKey(audit)} is completed.` : `${auditKey(audit)} was already completed.`,
          !changed,
        );
      }
      case AUDIT_ACTIONS.actionDone: {
        const { nc, action: done, changed } = await services.audits.actionDone(actor, Number(args.nc));
        await ctx.outbox.sendFor(subjectOf('nonconformity', nc.id));
        return recordAnswer(
          await ncCard(services, workspaceId, nc.number, timeZone),
          changed
            ? `Corrective action #${done.id} is done: its effectiveness check is due.`
            : `Corrective action #${done.id} was already done.`,
          !changed,
        );
      }
      case AUDIT_ACTIONS.showNc:
        return recordAnswer(await ncCard(services, workspaceId, Number(args.nc), timeZone));
      default:
        return recordAnswer(await auditCard(services, workspaceId, Number(args.audit), timeZone));
    }
  } catch (error) {
    if (isAimsError(error) && (error.code === 'conflict' || error.code === 'forbidden')) {
      const card =
        args.nc !== undefined
          ? await ncCard(services, workspaceId, Number(args.nc), timeZone)
          : await auditCard(services, workspaceId, Number(args.audit), timeZone);
      return recordAnswer(card, [error.message, error.details.hint].filter(Boolean).join(' '), true);
    }
    throw error;
  }
}
