import { personalPurpose } from '../../core/posted/posted-copy.ts';
import { approverWarning, decideRelease, releaseAction, releaseCard, releaseCommand, releaseEditForm, releaseFormFor } from './commands.ts';
import type { ActionSpec, Feature, FeatureContext, FormSpec, OutboxSubjectSpec } from '../../chat/feature.ts';
import { RELEASE_NOTICES, releaseKey } from './domain.ts';
import { releaseCardView } from './views.ts';
import { approveForm, rejectForm, RELEASE_ACTIONS, RELEASE_FORMS, releaseInputFrom, releasePickForm } from './forms.ts';
import { botIdOf, deliveryNote, postsNote } from '../../chat/outbox-notes.ts';
import { personalCopyFor, personalView } from '../../chat/outbox-personal-copy.ts';
import { recordSaved, type FormResult, type MessageView } from '../../chat/views/view.ts';
import { AimsError, isAimsError } from '../../core/errors.ts';
import { subjectOf } from '../../core/outbox/outbox.ts';
import { addDays } from '../../core/calendar-days.ts';
import { SIGN_OFF_WAIT_DAYS } from '../../core/scheduling/nudge-service.ts';
import type { FormSubmission } from '../../chat/views/form.ts';
import { ageOf } from '../../chat/views/status-view.ts';
import { DAY_MS, nextHourOf } from '../../core/status-service.ts';
import { ReleaseService } from './service.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import type { AreaServiceDeps } from '../area.ts';
import { flatMapInTurn, mapInTurn } from '../../core/in-turn.ts';
import { releaseExport } from './export.ts';

// The release form has no system field (it was chosen before): its problems show at the version.
const RELEASE_FIELD_OF: Record<string, string> = { aiSystemId: 'version', measurements: 'extraMetrics' };
const fieldOf = (field: string) => RELEASE_FIELD_OF[field] ?? (field.startsWith('measurements.') ? 'extraMetrics' : field);

async function requestOrEdit(ctx: FeatureContext, submission: FormSubmission): Promise<FormResult> {
  const { services, actor, timeZone } = ctx;
  const systemId = Number(submission.context.aiSystemId);
  const { raw, extraErrors, fieldOfMeasurement } = releaseInputFrom(
    submission.values,
    submission.context,
    await services.releases.criteria(actor.workspaceId, systemId),
  );
  if (Object.keys(extraErrors).length > 0) return { kind: 'errors', errors: extraErrors };
  // The service names a measured value by its index; show it at the form field it came from.
  const atField = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
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
    const { droppedApprovers, changed } = await atField(async () => await services.releases.edit(actor, id, raw));
    if (!changed)
      return {
        kind: 'done',
        view: {
          ...(await releaseCard(services, actor.workspaceId, id, timeZone, `Nothing changed: REL-${id} keeps its approvals.`)),
          visibility: 'private',
        },
      };
    // The refreshed cards and the dropped approvers' notices were queued with the edit.
    const subject = subjectOf('release', id);
    const sent = await ctx.outbox.sendFor(subject);
    const botId = botIdOf(ctx.origin);
    const told = await deliveryNote(services, actor.workspaceId, subject, sent, {
      notice: RELEASE_NOTICES.approvalDropped,
      told: 'The approvers were told.',
      onlyThisChange: true,
      ...(botId ? { botId } : {}),
    });
    const note =
      droppedApprovers.length > 0
        ? `Saved REL-${id}. ${droppedApprovers.length} approval(s) were dropped. ${told}`.trim()
        : `Saved REL-${id}.`;
    return recordSaved(await releaseCard(services, actor.workspaceId, id, timeZone), note);
  }
  await services.settings.channelFor(actor.workspaceId, 'approvals');
  const { release, created } = await atField(
    async () => await services.releases.request(actor, raw, `form:${submission.instanceKey}`, undefined, personalCopyFor(ctx)),
  );
  const subject = subjectOf('release', release.id);
  const sent = await ctx.outbox.sendFor(subject);
  const where = await postsNote(services, actor.workspaceId, subject, sent, ['approvals'], ' for sign-off');
  const warning = await approverWarning(services, actor, release.approvalsNeeded, ctx.prefix);
  const note = `${created ? `Requested REL-${release.id}.` : `REL-${release.id} was already requested.`}${where}${warning ? ` ${warning}` : ''}`;
  return { kind: 'done', view: { ...(await releaseCard(services, actor.workspaceId, release.id, timeZone, note)), visibility: 'private' } };
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
  return recordSaved(await releaseCard(services, actor.workspaceId, id, timeZone), note);
}

const forms: FormSpec[] = [
  {
    id: RELEASE_FORMS.pick,
    open: async ({ services, actor, prefix }) => {
      const pick = releasePickForm(await services.systems.search(actor.workspaceId, '', 1000));
      const warning = await approverWarning(services, actor, await services.releases.defaultApprovals(actor.workspaceId), prefix);
      return warning ? { ...pick, intro: warning } : pick;
    },
    submit: async ({ services, actor, prefix }, { values }) => {
      if (!values.aiSystem) return { kind: 'errors', errors: { aiSystem: 'Choose the AI system.' } };
      return {
        kind: 'next',
        form: (await releaseFormFor(services, actor, await services.systems.getById(actor.workspaceId, Number(values.aiSystem)), prefix))
          .form,
      };
    },
    fieldOf,
  },
  {
    id: RELEASE_FORMS.request,
    open: async ({ services, actor, prefix }, context) =>
      (await releaseFormFor(services, actor, await services.systems.getById(actor.workspaceId, Number(context.aiSystemId)), prefix)).form,
    submit: requestOrEdit,
    fieldOf,
  },
  {
    id: RELEASE_FORMS.edit,
    open: async ({ services, actor }, context) => (await releaseEditForm(services, actor, Number(context.release))).form,
    submit: requestOrEdit,
    fieldOf,
  },
  {
    id: RELEASE_FORMS.reject,
    open: async ({ services, actor }, context) =>
      rejectForm((await services.releases.details(actor.workspaceId, Number(context.release))).release),
    submit: decide,
    fieldOf,
  },
  {
    id: RELEASE_FORMS.approve,
    open: async ({ services, actor }, context) =>
      approveForm((await services.releases.details(actor.workspaceId, Number(context.release))).release),
    submit: decide,
    fieldOf,
  },
];

const actions: ActionSpec[] = Object.values(RELEASE_ACTIONS).map((id) => ({
  id,
  handle: async (ctx, args) => await releaseAction(ctx, id, args),
}));

/**
 * A sign-off request from a pipeline: validated like the form, posted to the approvals channel
 * like the form. Domain errors are thrown for the API to turn into HTTP answers.
 */
export async function requestReleaseFromPipeline(
  ctx: FeatureContext,
  raw: Record<string, unknown>,
  idempotency?: { key: string; requestHash: string },
): Promise<{ releaseId: number; created: boolean; warnings: string[] }> {
  const { services, actor } = ctx;
  await services.settings.channelFor(actor.workspaceId, 'approvals');
  const { release, created } = await services.releases.request(actor, raw, idempotency?.key, idempotency?.requestHash);
  // A repeat of the key (a pipeline re-run) sends what may still be waiting of the first one.
  await ctx.outbox.sendFor(subjectOf('release', release.id));
  const warning = await approverWarning(services, actor, release.approvalsNeeded, ctx.prefix);
  return { releaseId: release.id, created, warnings: warning ? [warning] : [] };
}

/** The card with only these buttons (a person's copy offers what that person can still do). */
function onlyButtons(view: MessageView, actions: readonly string[]): MessageView {
  return {
    ...view,
    blocks: view.blocks.flatMap((block): MessageView['blocks'] => {
      if (block.type !== 'actions') return [block];
      const buttons = block.buttons.filter((button) => actions.includes(button.action));
      return buttons.length > 0 ? [{ type: 'actions', buttons }] : [];
    }),
  };
}

/** Release sign-off against acceptance criteria (6.3, 8.1, A.6.1.3, A.6.2.2, A.6.2.4, A.6.2.5, A.7.5). */
/** What the outbox sends about a release: its sign-off card, its copies, and the notices to people. */
const releaseOutbox: OutboxSubjectSpec = {
  type: 'release',
  label: (_repos, _workspaceId, id) => `REL-${id}`,
  card: async (services, workspaceId, id) =>
    releaseCardView(await services.releases.details(workspaceId, id), await services.settings.timeZoneOf(workspaceId)),
  async recordPost(services, workspaceId, id, _purpose, posted) {
    await services.releases.recordPost(workspaceId, id, {
      channelId: posted.channelId,
      messageId: posted.messageId,
      ...(posted.reference === undefined ? {} : { reference: posted.reference }),
    });
  },
  // The requester's own copy and the decision; an approver whose approval an edit dropped is asked to look again.
  // Each is rendered again when the release changes: the true state, and only the buttons that person can still use.
  async notice(services, workspaceId, id, notice) {
    const details = await services.releases.details(workspaceId, id);
    const view = releaseCardView(details, await services.settings.timeZoneOf(workspaceId));
    const key = releaseKey(details.release);
    const pending = details.release.status === 'pending';
    if (notice === RELEASE_NOTICES.yours) {
      const text = pending ? `You requested ${key}. This copy stays up to date.` : `Your request ${key} was ${details.release.status}.`;
      return personalView(onlyButtons(view, [RELEASE_ACTIONS.withdraw]), text, pending);
    }
    if (notice === RELEASE_NOTICES.decided) {
      const line = `Your request ${key} was ${details.release.status}.`;
      // A requester who keeps a live copy of the request sees the decision there: the notice only says so, so the chat
      // does not show the same card twice. Requests from the pipeline have no such copy and get the whole card.
      const hasCopy = (await services.outbox.copies(workspaceId, subjectOf('release', id))).some(
        (copy) => copy.purpose === personalPurpose(RELEASE_NOTICES.yours, details.release.requesterPersonId),
      );
      if (!hasCopy) return personalView(view, line, false);
      return {
        summary: line,
        blocks: [{ type: 'text', text: `${line} Your copy of the request above shows the decision.` }],
        visibility: 'private',
      };
    }
    if (notice === RELEASE_NOTICES.approvalDropped) {
      const text = pending
        ? `${key} was edited, so your approval was dropped. Please review it again.`
        : `${key} was edited after your approval; it is now ${details.release.status}.`;
      return personalView(
        onlyButtons(view, [RELEASE_ACTIONS.approve, RELEASE_ACTIONS.approveWithComment, RELEASE_ACTIONS.reject]),
        text,
        pending,
      );
    }
    return undefined;
  },
};

/** The release evidence kinds found. */
function releaseKinds(found: { release: boolean; evaluation: boolean; criteria: boolean }): string[] {
  return [
    ...(found.release ? ['release'] : []),
    ...(found.evaluation ? ['release:evaluation'] : []),
    ...(found.criteria ? ['release:acceptance-criteria'] : []),
  ];
}

export const releasesFeature: Feature = {
  name: 'releases',
  export: releaseExport,
  outbox: [releaseOutbox],
  commands: [
    {
      word: 'release',
      usage: 'release [system] | release list [pending|approved|rejected|<system>] | release REL-3 [edit|withdraw]',
      group: 'approve',
      button: { label: 'Request a release', form: RELEASE_FORMS.pick },
      summary: 'Request sign-off for a model version; approvers decide in the approvals channel.',
      handle: releaseCommand,
    },
  ],
  forms,
  actions,
  nudges: {
    prefix: 'release',
    items: async (repos, workspaceId, { daysOverdue }) => {
      const approvers = await repos.roles.holders(workspaceId, 'approver');
      return await flatMapInTurn(
        (await repos.releases.list(workspaceId, { statuses: ['pending'] }, { limit: 1000, offset: 0 })).items,
        async (release) => {
          const waitingSince = release.updatedAt.slice(0, 10);
          if (daysOverdue(waitingSince) <= SIGN_OFF_WAIT_DAYS) return [];
          const decided = new Set((await repos.releases.decisions(release.id, true)).map((d) => d.personId));
          const system = (await repos.aiSystems.findById(workspaceId, release.aiSystemId))?.name ?? '';
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
        },
      );
    },
  },
  status: {
    section: async (repos, workspaceId, { now, changesAt }) => {
      const since = new Date(now.getTime() - 30 * DAY_MS).toISOString();
      const overview = await repos.releases.overview(workspaceId, since);
      const oldest = await mapInTurn(await repos.releases.oldestPending(workspaceId, 5), async (r) => {
        changesAt(nextHourOf(r.createdAt, now));
        return `REL-${r.id} ${(await repos.aiSystems.findById(workspaceId, r.aiSystemId))?.name ?? '?'} ${r.version}, ${ageOf(r.createdAt, now.toISOString())}`;
      });
      // The window's count drops when its earliest decision turns 30 days old.
      if (overview.firstDecidedSince) changesAt(new Date(Date.parse(overview.firstDecidedSince) + 30 * DAY_MS + 1).toISOString());
      return {
        title: 'Release sign-off',
        fields: [
          { label: `Pending (${overview.pending})`, value: oldest.length > 0 ? oldest.join('\n') : 'none' },
          { label: 'Last 30 days', value: `${overview.approved} approved, ${overview.rejected} rejected` },
        ],
      };
    },
    // Pending requests the person asking could approve and has not decided on (approvers only).
    personal: async (repos, workspaceId, { personId }) => {
      const waiting = await repos.releases.waitingOn(workspaceId, personId);
      return waiting === null ? [] : [{ label: 'Waiting on your approval', value: String(waiting) }];
    },
  },
  digest: {
    fields: async (repos, workspaceId, { since }) => {
      const decided = await repos.releases.decidedSince(workspaceId, since);
      const pending = (await repos.releases.list(workspaceId, { statuses: ['pending'] }, { limit: 1, offset: 0 })).total;
      return [{ label: 'Releases this week', value: `${decided.approved} approved, ${decided.rejected} rejected, ${pending} pending` }];
    },
  },
  evidence: {
    kinds: ['release', 'release:evaluation', 'release:acceptance-criteria'],
    present: async (repos, workspaceId) => releaseKinds(await repos.releases.evidencePresent(workspaceId)),
    presentSince: async (repos, workspaceId, from) => releaseKinds(await repos.releases.evidencePresent(workspaceId, from)),
    count: async (repos, workspaceId, period) => {
      // Evaluation results recorded with a request: measured values against the criteria, or a link to the evaluation.
      const counted = await repos.releases.evidenceCounts(workspaceId, period);
      return { release: counted.release, 'release:evaluation': counted.evaluation, 'release:acceptance-criteria': counted.criteria };
    },
  },
};

/** The area's service, built over the kernel's store and clock (registered in src/features/index.ts). */
export const releaseServices = ({ store, clock }: AreaServiceDeps): Pick<ChatServices, 'releases'> => ({
  releases: new ReleaseService(store, clock),
});

// The area adds its service to the ones the chat layer routes to; src/chat/chat-services.ts lists only the kernel's.
declare module '../../chat/chat-services.ts' {
  interface ChatServices {
    releases: ReleaseService;
  }
}
