import type { FeatureContext } from './feature.ts';
import type { FormSubmission } from './views/form.ts';

/** The person a form's people picker chose, met now if the bot had not met them (with the name the platform told). */
export async function personIdOf(
  ctx: FeatureContext,
  submission: FormSubmission,
  externalId: string | undefined,
): Promise<number | undefined> {
  if (!externalId) return undefined;
  return (await ctx.services.directory.ensurePerson(ctx.contact.workspace, externalId, submission.labels?.[externalId], ctx.actor.label))
    .id;
}
