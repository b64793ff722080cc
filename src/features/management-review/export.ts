import { groupBy, keysetRows } from '../../core/export/export-lookups.ts';
import type { ExportRow, ExportSource } from '../../core/export/export-source.ts';
import { personLabel, type Person } from '../../core/identity.ts';
import { REVIEW_INPUT_SECTIONS, REVIEW_INPUT_TITLES } from '../../core/management-review/review-inputs.ts';
import type { Repositories } from '../../core/ports.ts';
import { actionKey, reviewKey, type ManagementReview, type ReviewAction, type ReviewDecision } from './domain.ts';

/** One review's pack as rows: what was presented (by section), who attended, what was decided, who does what. */
export async function reviewRows(repos: Repositories, workspaceId: number, review: ManagementReview): Promise<ExportRow[]> {
  const decisions = await repos.managementReviews.decisions(workspaceId, review.id);
  const actions = await repos.managementReviews.actions(workspaceId, { reviewId: review.id });
  const people = await peopleOf(repos, workspaceId, [review], actions);
  return rowsOfReview(review, decisions, actions, people);
}

async function peopleOf(
  repos: Repositories,
  workspaceId: number,
  reviews: readonly ManagementReview[],
  actions: readonly ReviewAction[],
): Promise<Map<number, Person>> {
  const ids = [
    ...reviews.flatMap((review) => [...review.attendeePersonIds, ...(review.chairPersonId ? [review.chairPersonId] : [])]),
    ...actions.map((a) => a.ownerPersonId),
  ];
  return new Map((await repos.people.findByIds(workspaceId, [...new Set(ids)])).map((p: Person) => [p.id, p]));
}

function rowsOfReview(
  review: ManagementReview,
  decisions: readonly ReviewDecision[],
  actions: readonly ReviewAction[],
  people: ReadonlyMap<number, Person>,
): ExportRow[] {
  const name = (id: number | null) => (id === null ? '' : people.get(id) ? personLabel(people.get(id) as Person) : `person #${id}`);
  const base = {
    review: reviewKey(review),
    opened: review.openedAt,
    status: review.status,
    chair: name(review.chairPersonId),
    closed: review.closedAt,
  };
  const blank = { section: '', ref: '', text: '', owner: '', due: '', state: '' };
  return [
    ...review.inputs.map((item) => ({
      ...base,
      ...blank,
      kind: 'input',
      section: REVIEW_INPUT_TITLES[item.section],
      ref: item.ref ?? '',
      text: item.text,
    })),
    ...review.attendeePersonIds.map((id) => ({ ...base, ...blank, kind: 'attendee', text: name(id) })),
    ...decisions.map((d) => ({ ...base, ...blank, kind: 'decision', ref: `decision ${d.number}`, text: d.text })),
    ...actions.map((a) => ({
      ...base,
      ...blank,
      kind: 'action',
      ref: actionKey(review, a),
      text: a.title,
      owner: name(a.ownerPersonId),
      due: a.dueDate,
      state: a.status === 'done' ? `done ${a.doneAt ?? ''}` : 'open',
    })),
  ];
}

/** `aims management-review export --format csv|xlsx`: every review's inputs, attendees, decisions and actions, one row each. */
export const managementReviewExport: ExportSource = {
  name: 'management-review',
  title: 'Management reviews',
  columns: [
    { key: 'review', header: 'Review', width: 8 },
    { key: 'opened', header: 'Opened (UTC)', width: 24 },
    { key: 'status', header: 'Status', width: 8 },
    { key: 'chair', header: 'Chair', width: 20 },
    { key: 'closed', header: 'Closed (UTC)', width: 24 },
    { key: 'kind', header: 'Line', width: 10 },
    { key: 'section', header: 'Input section (9.3.2)', width: 40 },
    { key: 'ref', header: 'Record', width: 16 },
    { key: 'text', header: 'Text', width: 80 },
    { key: 'owner', header: 'Owner', width: 20 },
    { key: 'due', header: 'Due', width: 12 },
    { key: 'state', header: 'Action status', width: 16 },
  ],
  // A page of reviews by number (oldest first), then their decisions, actions and people: one read each.
  rows: (repos, workspaceId, at) =>
    keysetRows(
      at,
      async (after: number | undefined, limit) => await repos.managementReviews.pageByNumber(workspaceId, after, limit),
      (review) => review.number,
      async (reviews) => {
        const ids = reviews.map((r) => r.id);
        const decisions = groupBy(await repos.managementReviews.decisionsOf(workspaceId, ids), (d) => d.reviewId);
        const actionList = await repos.managementReviews.actionsOf(workspaceId, ids);
        const actions = groupBy(actionList, (a) => a.reviewId);
        const people = await peopleOf(repos, workspaceId, reviews, actionList);
        return reviews.flatMap((review) => rowsOfReview(review, decisions.get(review.id) ?? [], actions.get(review.id) ?? [], people));
      },
    ),
};

/** User text in markdown: characters that would format, link or break a table are escaped; lines are joined. */
const md = (text: string) => text.replace(/[\\`*_[\]<>|#~]/g, (c) => `\\${c}`).replace(/\s*\n\s*/g, ' ');

/** The review's minutes as markdown (`aims management-review export MR-n --format md`): what was presented, who attended, what was decided. */
export async function reviewMinutes(repos: Repositories, workspaceId: number, review: ManagementReview): Promise<string[]> {
  const decisions = await repos.managementReviews.decisions(workspaceId, review.id);
  const actions = await repos.managementReviews.actions(workspaceId, { reviewId: review.id });
  const ids = [
    ...review.attendeePersonIds,
    ...actions.map((a) => a.ownerPersonId),
    ...[review.chairPersonId, review.openedByPersonId, review.closedByPersonId].filter((id): id is number => id !== null),
  ];
  const people = new Map((await repos.people.findByIds(workspaceId, [...new Set(ids)])).map((p: Person) => [p.id, p]));
  const name = (id: number | null) => {
    const person = id === null ? undefined : people.get(id);
    return id === null ? 'none' : md(person ? personLabel(person) : `person #${id}`);
  };
  const lines = [
    `# ${reviewKey(review)} · Management review minutes`,
    '',
    `- Opened: ${review.openedAt} by ${name(review.openedByPersonId)}`,
    `- Chair: ${name(review.chairPersonId)}`,
    `- Inputs cover: ${review.periodSince ?? 'the beginning'} to ${review.periodUntil}`,
    `- Status: ${review.status === 'closed' ? `closed and locked ${review.closedAt ?? ''} by ${name(review.closedByPersonId)}` : 'open (draft minutes)'}`,
    '',
    '## Attendees',
    '',
    ...(review.attendeePersonIds.length > 0 ? review.attendeePersonIds.map((id) => `- ${name(id)}`) : ['None recorded.']),
    '',
    '## Inputs (ISO/IEC 42001 clause 9.3.2)',
  ];
  for (const section of REVIEW_INPUT_SECTIONS) {
    const items = review.inputs.filter((item) => item.section === section);
    lines.push(
      '',
      `### ${REVIEW_INPUT_TITLES[section]}`,
      '',
      ...(items.length > 0 ? items.map((item) => `- ${md(item.text)}`) : ['None.']),
    );
  }
  lines.push('', '## Decisions', '', ...(decisions.length > 0 ? decisions.map((d) => `${d.number}. ${md(d.text)}`) : ['None recorded.']));
  lines.push('', '## Actions', '');
  if (actions.length === 0) lines.push('None recorded.');
  else
    lines.push(
      '| Action | What | Owner | Due | Status |',
      '| --- | --- | --- | --- | --- |',
      ...actions.map(
        (a) =>
          `| ${actionKey(review, a)} | ${md(a.title)} | ${name(a.ownerPersonId)} | ${a.dueDate} | ${a.status === 'done' ? `done ${a.doneAt?.slice(0, 10) ?? ''}` : 'open'} |`,
      ),
    );
  return lines;
}
