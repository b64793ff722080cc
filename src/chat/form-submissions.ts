import type { Actor } from '../core/actor.ts';
import type { Contact } from '../core/directory-service.ts';
import { AimsError, isAimsError } from '../core/errors.ts';
import type { ChatServices } from './chat-services.ts';
import { systemCard } from './commands/system-commands.ts';
import { settingsInputFrom } from './forms/setup-form.ts';
import { systemInputFrom } from './forms/system-form.ts';
import type { FormSubmission } from './views/form.ts';
import { setupSummaryView } from './views/setup-views.ts';
import type { FormResult } from './views/view.ts';

interface SubmitContext {
  services: ChatServices;
  contact: Contact;
  actor: Actor;
  timeZone: string;
}

// Schema fields whose form field has another name.
const FIELD_OF: Record<string, string> = { ownerPersonId: 'owner' };

function ownerId(ctx: SubmitContext, submission: FormSubmission): number | undefined {
  const externalId = submission.values.owner;
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

/** Applies one submitted form; validation errors come back keyed by form field. */
export function submitForm(ctx: SubmitContext, submission: FormSubmission): FormResult {
  const { services, actor, timeZone } = ctx;
  try {
    switch (submission.type) {
      case 'system.add': {
        const { system, created } = services.systems.add(actor, systemInputFrom(submission.values, ownerId(ctx, submission)), `form:${submission.instanceKey}`);
        return { kind: 'done', view: systemCard(services, actor, system, timeZone, created ? `Added ${system.name} to the AI system inventory.` : `${system.name} was already added.`) };
      }
      case 'system.edit': {
        const { system, changed } = services.systems.edit(actor, Number(submission.context.systemId), systemInputFrom(submission.values, ownerId(ctx, submission)));
        return { kind: 'done', view: systemCard(services, actor, system, timeZone, changed.length > 0 ? `Saved ${system.name}.` : 'Nothing changed.') };
      }
      case 'setup': {
        const settings = services.settings.update(actor, withChannelNames(settingsInputFrom(submission.values, ctx.contact.workspace.platform), submission.labels));
        return { kind: 'done', view: setupSummaryView(settings, 'Setup saved.') };
      }
      default:
        throw new AimsError('invalid_input', 'That form is from an older version of the bot. Open it again.');
    }
  } catch (error) {
    if (isAimsError(error) && error.details.fieldErrors) {
      const errors = Object.fromEntries(Object.entries(error.details.fieldErrors).map(([field, text]) => [FIELD_OF[field] ?? field, text]));
      return { kind: 'errors', errors };
    }
    throw error;
  }
}
