import { decideRelease, releaseAction, releaseCard, releaseCommand, releaseEditForm, releaseFormFor } from './commands.ts';
import type { ActionSpec, Feature, FeatureContext, FormSpec, OutboxSubjectSpec } from '../../chat/feature.ts';
import { RELEASE_NOTICES, releaseKey } from './domain.ts';
import { releaseCardView } from './views.ts';
import { approveForm, rejectForm, RELEASE_ACTIONS, RELEASE_FORMS, releaseInputFrom, releasePickForm } from './forms.ts';
import { postsNote } from '../../chat/outbox-notes.ts';
import { recordSaved, type FormResult } from '../../chat/views/view.ts';
import { AimsError, isAimsError } from '../../core/errors.ts';
import { inPeriod } from '../../core/iso42001/evidence-coverage.ts';
import { subjectOf } from '../../core/outbox/outbox.ts';
import { addDays } from '../../core/calendar-days.ts';
import { SIGN_OFF_WAIT_DAYS } from '../../core/scheduling/nudge-service.ts';
import type { FormSubmission } from '../../chat/views/form.ts';
import { ageOf } from '../../chat/views/status-view.ts';

// The release form has no system field (it was chosen before): its problems show at the version.
const RELEASE_FIELD_OF: Record<string, string> = { aiSystemId: 'version', measurements: 'extraMetrics' };
const fieldOf = (field: string) => RELEASE_FIELD_OF[field] ?? (field.startsWith('measurements.') ? 'extraMetrics' : field);

async function requestOrEdit(ctx: FeatureContext, submission: FormSubmission): Promise<FormResult> {
  const { services, actor, timeZone } = ctx;
  const systemId = Number(submission.context.aiSystemId);
  const { raw, extraErrors, fieldOfMeasurement } = releaseInputFrom(
    submission.values,
    submission.context,
    services.releases.criteria(actor.workspaceId, systemId),
  );
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
  if (submission.type === RELEASE_FORMS.edit) {
    const id = Number(submission.context.release);
    const { droppedApprovers, changed } = atField(() => services.releases.edit(actor, id, raw));
    if (!changed)
      return {
        kind: 'done',
        view: {
          ...releaseCard(services, actor.workspaceId, id, timeZone, `Nothing changed: REL-${id} keeps its approvals.`),
          visibility: 'private',
        },
      };
    // The refreshed cards and the dropped approvers' notices were queued with the edit.
    await ctx.outbox.sendFor(subjectOf('release', id));
    const note =
      droppedApprovers.length > 0
        ? `Saved REL-${id}. ${droppedApprovers.length} approval(s) were dropped; the approvers were told.`
        : `Saved REL-${id}.`;
    return recordSaved(releaseCard(services, actor.workspaceId, id, timeZone), note);
  }
  services.settings.channelFor(actor.workspaceId, 'approvals');
  const { release, created } = atField(() => services.releases.request(actor, raw, `form:${submission.instanceKey}`));
  const subject = subjectOf('release', release.id);
  const sent = await ctx.outbox.sendFor(subject);
  const where = postsNote(services, actor.workspaceId, subject, sent, ['approvals'], ' for sign-off');
  const note = created ? `Requested REL-${release.id}.${where}` : `REL-${release.id} was already requested.${where}`;
  return { kind: 'done', view: { ...releaseCard(services, actor.workspaceId, release.id, timeZone, note), visibility: 'private' } };
}

async function decide(ctx: FeatureContext, submission: FormSubmission): Promise<FormResult> {
  const { services, actor, timeZone } = ctx;
  const id = Number(submission.context.release);
  const reject = submission.type === RELEASE_FORMS.reject;
  const { note } = await decideRelease(
    ctx,
    id,
    reject ? 'reject' : 'approve',
    reject ? submission.values.reason : submission.values.comment,
    submission.context.seen,
  );
  return recordSaved(releaseCard(services, actor.workspaceId, id, timeZone), note);
}

const forms: FormSpec[] = [
  {
    id: RELEASE_FORMS.pick,
    open: ({ services, actor }) => releasePickForm(services.systems.search(actor.workspaceId, '', 1000)),
    submit: ({ services, actor }, { values }) => {
      if (!values.aiSystem) return { kind: 'errors', errors: { aiSystem: 'Choose the AI system.' } };
      return {
        kind: 'next',
        form: releaseFormFor(services, actor, services.systems.getById(actor.workspaceId, Number(values.aiSystem))).form,
      };
    },
    fieldOf,
  },
  {
    id: RELEASE_FORMS.request,
    open: ({ services, actor }, context) =>
      releaseFormFor(services, actor, services.systems.getById(actor.workspaceId, Number(context.aiSystemId))).form,
    submit: requestOrEdit,
    fieldOf,
  },
  {
    id: RELEASE_FORMS.edit,
    open: ({ services, actor }, context) => releaseEditForm(services, actor, Number(context.release)).form,
    submit: requestOrEdit,
    fieldOf,
  },
  {
    id: RELEASE_FORMS.reject,
    open: ({ services, actor }, context) => rejectForm(services.releases.details(actor.workspaceId, Number(context.release)).release),
    submit: decide,
    fieldOf,
  },
  {
    id: RELEASE_FORMS.approve,
    open: ({ services, actor }, context) => approveForm(services.releases.details(actor.workspaceId, Number(context.release)).release),
    submit: decide,
    fieldOf,
  },
];

const actions: ActionSpec[] = Object.values(RELEASE_ACTIONS).map((id) => ({ id, handle: (ctx, args) => releaseAction(ctx, id, args) }));

/**
 * A sign-off request from a pipeline: validated like the form, posted to the approvals channel
 * like the form. Domain errors are thrown for the API to turn into HTTP answers.
 */
export async function requestReleaseFromPipeline(
  ctx: FeatureContext,
  raw: Record<string, unknown>,
  idempotency?: { key: string; requestHash: string },
): Promise<{ releaseId: number; created: boolean }> {
  const { services, actor } = ctx;
  services.settings.channelFor(actor.workspaceId, 'approvals');
  const { release, created } = services.releases.request(actor, raw, idempotency?.key, idempotency?.requestHash);
  // A repeat of the key (a pipeline re-run) sends what may still be waiting of the first one.
  await ctx.outbox.sendFor(subjectOf('release', release.id));
  return { releaseId: release.id, created };
}

/** Release sign-off against acceptance criteria (6.3, 8.1, A.6.1.3, A.6.2.2, A.6.2.4, A.6.2.5, A.7.5). */
/** What the outbox sends about a release: its sign-off card, its copies, and the notices to people. */
const releaseOutbox: OutboxSubjectSpec = {
  type: 'release',
  label: (_repos, _workspaceId, id) => `REL-${id}`,
  card: (services, workspaceId, id) =>
    releaseCardView(services.releases.details(workspaceId, id), services.settings.timeZoneOf(workspaceId)),
  posts: (services, workspaceId, id) => services.releases.details(workspaceId, id).release.posts,
  recordPost(services, workspaceId, id, _purpose, posted) {
    services.releases.recordPost(workspaceId, id, {
      channelId: posted.channelId,
      messageId: posted.messageId,
      ...(posted.reference === undefined ? {} : { reference: posted.reference }),
    });
  },
  // The requester learns the decision; an approver whose approval an edit dropped is asked to look again.
  notice(services, workspaceId, id, notice) {
    const details = services.releases.details(workspaceId, id);
    const view = releaseCardView(details, services.settings.timeZoneOf(workspaceId));
    const key = releaseKey(details.release);
    if (notice === RELEASE_NOTICES.decided) {
      const text = `Your request ${key} was ${details.release.status}.`;
      return { ...view, blocks: [{ type: 'text', text }, ...view.blocks.filter((b) => b.type !== 'actions')], visibility: 'private' };
    }
    if (notice === RELEASE_NOTICES.approvalDropped) {
      const text = `${key} was edited, so your approval was dropped. Please review it again.`;
      return { ...view, blocks: [{ type: 'text', text }, ...view.blocks], visibility: 'private' };
    }
    return undefined;
  },
};

export const releasesFeature: Feature = {
  name: 'releases',
  outbox: [releaseOutbox],
  commands: [
    {
      word: 'release',
      usage: 'release [system] | release list [pending|approved|rejected|<system>] | release REL-3 [edit|withdraw]',
      summary: 'Request sign-off for a model version; approvers decide in the approvals channel.',
      handle: releaseCommand,
    },
  ],
  forms,
  actions,
  nudges: {
    prefix: 'release',
    items: (repos, workspaceId, { daysOverdue }) => {
      const approvers = repos.roles.holders(workspaceId, 'approver');
      return repos.releases.list(workspaceId, { statuses: ['pending'] }, { limit: 1000, offset: 0 }).items.flatMap((release) => {
        const waitingSince = release.updatedAt.slice(0, 10);
        if (daysOverdue(waitingSince) <= SIGN_OFF_WAIT_DAYS) return [];
        const decided = new Set(repos.releases.decisions(release.id, true).map((d) => d.personId));
        const system = repos.aiSystems.findById(workspaceId, release.aiSystemId)?.name ?? '';
        const due = addDays(waitingSince, SIGN_OFF_WAIT_DAYS);
        return approvers
          .filter((approver) => approver.personId !== release.requesterPersonId && !decided.has(approver.personId))
          .map((approver) => ({
            personId: approver.personId,
            item: {
              key: `release:${release.id}`,
              text: `Sign-off REL-${release.id}: ${system} ${release.version}`,
              due,
              daysOverdue: daysOverdue(due),
              done: { action: RELEASE_ACTIONS.show, args: { release: String(release.id) } },
            },
          }));
      });
    },
  },
  status: {
    section: (repos, workspaceId, { now, askingPersonId }) => {
      const pending = repos.releases.list(workspaceId, { statuses: ['pending'] }, { limit: 100, offset: 0 });
      const isApprover = askingPersonId !== undefined && repos.roles.rolesOf(workspaceId, askingPersonId).includes('approver');
      // Pending requests the person asking could approve and has not decided on (approvers only).
      const waitingOnYou = isApprover
        ? pending.items.filter(
            (r) =>
              r.requesterPersonId !== askingPersonId && !repos.releases.decisions(r.id, true).some((d) => d.personId === askingPersonId),
          ).length
        : null;
      const oldest = pending.items
        .slice()
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
        .slice(0, 5)
        .map(
          (r) =>
            `REL-${r.id} ${repos.aiSystems.findById(workspaceId, r.aiSystemId)?.name ?? '?'} ${r.version}, ${ageOf(r.createdAt, now.toISOString())}`,
        );
      const decided = repos.releases.decidedSince(workspaceId, new Date(now.getTime() - 30 * 86_400_000).toISOString());
      return {
        title: 'Release sign-off',
        fields: [
          { label: `Pending (${pending.total})`, value: oldest.length > 0 ? oldest.join('\n') : 'none' },
          { label: 'Last 30 days', value: `${decided.approved} approved, ${decided.rejected} rejected` },
          ...(waitingOnYou !== null ? [{ label: 'Waiting on your approval', value: String(waitingOnYou) }] : []),
        ],
      };
    },
  },
  digest: {
    fields: (repos, workspaceId, { since }) => {
      const decided = repos.releases.decidedSince(workspaceId, since);
      const pending = repos.releases.list(workspaceId, { statuses: ['pending'] }, { limit: 1, offset: 0 }).total;
      return [{ label: 'Releases this week', value: `${decided.approved} approved, ${decided.rejected} rejected, ${pending} pending` }];
    },
  },
  evidence: {
    kinds: ['release', 'release:evaluation', 'release:acceptance-criteria'],
    count: (repos, workspaceId, period) => {
      const releases = repos.releases
        .list(workspaceId, {}, { limit: 100_000, offset: 0 })
        .items.filter((release) => inPeriod(release.createdAt, period));
      const systems = repos.aiSystems.list(workspaceId, { includeRetired: true }, { limit: 100_000, offset: 0 }).items;
      return {
        release: releases.length,
        // Evaluation results recorded with a request: measured values against the criteria, or a link to the evaluation.
        'release:evaluation': releases.filter((release) => release.evaluationLink !== null || repos.releases.metrics(release.id).length > 0)
          .length,
        'release:acceptance-criteria': systems
          .flatMap((system) => repos.releases.criteria(workspaceId, system.id))
          .filter((criterion) => inPeriod(criterion.createdAt, period)).length,
      };
    },
  },
};
