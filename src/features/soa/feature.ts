import type { ActionSpec, Feature, FeatureContext, FormSpec, OutboxSubjectSpec } from '../../chat/feature.ts';
import { evidenceSourcesOf } from '../../chat/feature.ts';
import type { ChatServices } from '../../chat/chat-services.ts';
import { personIdOf } from '../../chat/form-people.ts';
import type { FormSubmission } from '../../chat/views/form.ts';
import { recordSaved, type FormResult } from '../../chat/views/view.ts';
import type { ExportSource } from '../../core/export/export-source.ts';
import type { Repositories } from '../../core/ports.ts';
import { inPeriod } from '../../core/iso42001/evidence-coverage.ts';
import { subjectOf } from '../../core/outbox/outbox.ts';
import type { AreaServiceDeps } from '../area.ts';
import { soaAction, soaCommand, soaEditFormFor } from './commands.ts';
import { SOA_STATE_LABELS, soaContentHash, soaVersionKey } from './domain.ts';
import { SOA_ACTIONS, SOA_FORMS, soaInputFrom, type SoaActionId, type SoaFormId } from './forms.ts';
import { SoaService, soaRows, soaStanding, type EvidenceSources } from './service.ts';
import { soaCardView, soaControlView } from './views.ts';

/**
 * Every area's evidence sources, from the features list. Imported when first counted, not at load:
 * the list (src/features/index.ts) imports this file, so a static import would be a cycle.
 */
const allEvidenceSources: EvidenceSources = async () => evidenceSourcesOf((await import('../index.ts')).features);

const DAY_MS = 86_400_000;

async function saveEntry(ctx: FeatureContext, submission: FormSubmission): Promise<FormResult> {
  const { services, actor } = ctx;
  const raw = soaInputFrom(submission.values, await personIdOf(ctx, submission, submission.values.owner));
  const { changed, controlId, droppedApprovers } = await services.soa.edit(actor, raw);
  const { row, overview } = await services.soa.control(actor.workspaceId, controlId);
  // The cards of the versions (in the approvals channel) were queued for refresh with the edit.
  for (const version of overview.versions.filter((v) => v.status !== 'superseded')) await ctx.outbox.sendFor(subjectOf('soa', version.id));
  const since = overview.changedSinceApproved && overview.approved ? ` The SoA has changed since v${overview.approved.version}.` : '';
  const dropped = droppedApprovers.length > 0 ? ` ${droppedApprovers.length} approval(s) of the version waiting were dropped.` : '';
  const note = changed ? `Saved ${controlId}.${since}${dropped}` : `Nothing changed in ${controlId}.`;
  return recordSaved(soaControlView(row), note);
}

const forms: Array<FormSpec<SoaFormId>> = [
  {
    id: SOA_FORMS.edit,
    open: async ({ services, actor }, context) => await soaEditFormFor(services, actor, context.control),
    submit: saveEntry,
    fieldOf: (field) => (field === 'ownerPersonId' ? 'owner' : field),
  },
];

const actions: Array<ActionSpec<SoaActionId>> = Object.values(SOA_ACTIONS).map((id) => ({
  id,
  handle: async (ctx, args) => await soaAction(ctx, id, args),
}));

/** The card of a version put up for approval, posted to the approvals channel and refreshed by every change. */
const soaOutbox: OutboxSubjectSpec = {
  type: 'soa',
  label: async (repos, workspaceId, id) => {
    const version = await repos.soa.findVersion(workspaceId, id);
    return version ? soaVersionKey(version) : `SoA #${id}`;
  },
  card: async (services, workspaceId, id) => {
    const overview = await services.soa.overview(workspaceId);
    const version = overview.versions.find((v) => v.id === id);
    return version ? soaCardView(overview, await services.settings.timeZoneOf(workspaceId), { version }) : undefined;
  },
  async recordPost(services, workspaceId, id, _purpose, posted) {
    await services.soa.recordPost(workspaceId, id, { channelId: posted.channelId, messageId: posted.messageId });
  },
};

/** The SoA's columns for auditors (README, "Exports"): one row per Annex A control. */
const soaExport: ExportSource = {
  name: 'soa',
  title: 'Statement of Applicability',
  columns: [
    { key: 'controlId', header: 'Control', width: 10 },
    { key: 'group', header: 'Group', width: 36 },
    { key: 'title', header: 'Title', width: 48 },
    { key: 'applicable', header: 'Applicable', width: 11 },
    { key: 'justification', header: 'Justification', width: 48 },
    { key: 'state', header: 'State', width: 13 },
    { key: 'owner', header: 'Owner', width: 20 },
    { key: 'evidenceKinds', header: 'Evidence kinds', width: 28 },
    { key: 'evidenceCount', header: 'Evidence (12 months)', width: 12 },
    { key: 'lastEvidence', header: 'Last evidence', width: 14 },
  ],
  // The 38 Annex A controls (a fixed list, not a register that grows): computed together, then streamed.
  async *rows(repos, workspaceId, { now }) {
    yield* (await soaRows(repos, workspaceId, await allEvidenceSources(), now)).map((row) => ({
      controlId: row.control.id,
      group: row.control.group,
      title: row.control.title,
      applicable: row.entry.applicable,
      justification: row.entry.justification,
      state: SOA_STATE_LABELS[row.entry.state],
      owner: row.owner?.name ?? null,
      evidenceKinds: row.control.evidence.join(' '),
      evidenceCount: row.evidence.count,
      lastEvidence: row.evidence.lastDate,
    }));
  },
};

/** "v3 approved, changed since" and the claims without evidence, for status and the digest. */
export async function soaLines(repos: Repositories, workspaceId: number, now: Date) {
  const { entries, withEvidence } = await soaStanding(repos, workspaceId, await allEvidenceSources(), now);
  const versions = await repos.soa.versions(workspaceId);
  const approved = versions.filter((v) => v.status === 'approved').at(-1);
  const pending = versions.find((v) => v.status === 'pending');
  // soaCounts' and claimsWithoutEvidence's rules, over the entries and which controls have evidence.
  const applicable = entries.filter((entry) => entry.applicable);
  const implemented = applicable.filter((entry) => entry.state === 'implemented');
  const counts = {
    applicable: applicable.length,
    implemented: implemented.length,
    withEvidence: applicable.filter((entry) => withEvidence.has(entry.controlId)).length,
  };
  const changed = approved !== undefined && approved.contentHash !== soaContentHash(entries);
  const version = [
    approved ? `${soaVersionKey(approved)} approved${changed ? `, changed since v${approved.version}` : ''}` : 'never approved',
    pending ? `${soaVersionKey(pending)} awaiting approval` : '',
  ]
    .filter(Boolean)
    .join('; ');
  const missing = implemented.filter((entry) => !withEvidence.has(entry.controlId));
  return {
    version,
    summary: `${counts.applicable} applicable, ${counts.implemented} implemented, ${counts.withEvidence} with evidence`,
    missing: missing.length === 0 ? 'none' : missing.map((entry) => entry.controlId).join(', '),
  };
}

/** The Statement of Applicability (6.1.3 d): all 38 Annex A controls, their applicability, state, owner and live evidence. */
export const soaFeature: Feature = {
  name: 'soa',
  outbox: [soaOutbox],
  commands: [
    {
      word: 'soa',
      usage: 'soa | soa A.6.2.6 | soa edit A.6.2.6 | soa approve',
      group: 'review',
      button: { label: 'Statement of Applicability', command: 'soa' },
      summary: 'The Statement of Applicability: every Annex A control, its state, owner and live evidence; approved as a version.',
      handle: soaCommand,
    },
  ],
  forms,
  actions,
  export: soaExport,
  status: {
    section: async (repos, workspaceId, { now }) => {
      const lines = await soaLines(repos, workspaceId, now);
      return {
        title: 'Statement of Applicability',
        fields: [
          { label: 'Version', value: lines.version },
          { label: 'Controls', value: lines.summary },
          { label: 'Implemented without evidence (12 months)', value: lines.missing },
        ],
      };
    },
  },
  digest: {
    fields: async (repos, workspaceId, { since }) => {
      const now = new Date(Date.parse(since) + 7 * DAY_MS);
      const lines = await soaLines(repos, workspaceId, now);
      return [{ label: 'Statement of Applicability', value: `${lines.version}; implemented without evidence: ${lines.missing}` }];
    },
  },
  evidence: {
    kinds: ['control'],
    // A control's entry stated or changed in the period is a record of the SoA (6.1.3 d).
    count: async (repos, workspaceId, period) => ({
      control: (await repos.soa.entries(workspaceId)).filter((entry) => entry.updatedAt !== null && inPeriod(entry.updatedAt, period))
        .length,
    }),
  },
};

/** The area's service, built over the kernel's store and clock (registered in src/features/index.ts). */
export const soaServices = ({ store, clock }: AreaServiceDeps): Pick<ChatServices, 'soa'> => ({
  soa: new SoaService(store, clock, allEvidenceSources),
});

// The area adds its service to the ones the chat layer routes to; src/chat/chat-services.ts lists only the kernel's.
declare module '../../chat/chat-services.ts' {
  interface ChatServices {
    soa: SoaService;
  }
}
