import type { ChatServices } from '../../chat/chat-services.ts';
import type { Feature, FormSpec, OutboxSubjectSpec } from '../../chat/feature.ts';
import { inPeriod } from '../../core/iso42001/evidence-coverage.ts';
import type { Repositories } from '../../core/ports.ts';
import type { SummaryField } from '../../core/status-service.ts';
import { plainText } from '../../chat/views/view.ts';
import type { AreaServiceDeps } from '../area.ts';
import { objectiveCommand, openExplainForm, openObjectiveForm, submitExplanation, submitObjective } from './commands.ts';
import {
  formatNumber,
  nextReadingDue,
  OBJECTIVE_NOTICES,
  objectiveKey,
  offTargetOn,
  targetText,
  type Objective,
  type Reading,
} from './domain.ts';
import { TREND_KEYS } from '../../core/charts/trend-source.ts';
import { objectiveExport } from './export.ts';
import { OBJECTIVE_FORMS, objectiveFieldOf, type ObjectiveFormId } from './forms.ts';
import { ObjectiveService, READING_SUBJECT } from './service.ts';
import { objectiveLine, offTargetView } from './views.ts';

const forms: Array<FormSpec<ObjectiveFormId>> = [
  {
    id: OBJECTIVE_FORMS.add,
    open: async ({ services, actor }) => await openObjectiveForm(services, actor.workspaceId),
    submit: submitObjective,
    fieldOf: objectiveFieldOf,
  },
  { id: OBJECTIVE_FORMS.explain, open: openExplainForm, submit: submitExplanation },
];

/** Every objective with its readings, oldest reading first. */
async function withReadings(repos: Repositories, workspaceId: number): Promise<Array<{ objective: Objective; readings: Reading[] }>> {
  const readings = await repos.objectives.readings(workspaceId);
  return (await repos.objectives.all(workspaceId)).map((objective) => ({
    objective,
    readings: readings.filter((r) => r.objectiveId === objective.id),
  }));
}

const STATUS_LINES = 8;

/** "2 on target, 1 off target, 1 without a reading". */
function standingOf(items: Array<{ readings: Reading[] }>): string {
  const last = items.map((i) => i.readings.at(-1));
  const on = last.filter((r) => r?.onTarget === true).length;
  const off = last.filter((r) => r?.onTarget === false).length;
  return `${on} on target, ${off} off target, ${last.length - on - off} without a reading`;
}

/** One field per objective (off target first), with its 12-period trend. */
function objectiveFields(items: Array<{ objective: Objective; readings: Reading[] }>, today: string): SummaryField[] {
  const ordered = [...items].sort((a, b) => Number(a.readings.at(-1)?.onTarget ?? true) - Number(b.readings.at(-1)?.onTarget ?? true));
  const fields = ordered.slice(0, STATUS_LINES).map(({ objective, readings }) => ({
    label: `${objectiveKey(objective)} ${objective.name}`.slice(0, 80),
    value: plainText(objectiveLine(objective, readings, today)).replace(`${objectiveKey(objective)} ${objective.name} · `, ''),
  }));
  if (ordered.length > STATUS_LINES)
    fields.push({ label: 'More objectives', value: `and ${ordered.length - STATUS_LINES} more (objective list)` });
  return fields;
}

/** Objectives whose next reading is due by `horizon` and recorded by people (the bot records its own). */
const dueReadings = (items: Array<{ objective: Objective; readings: Reading[] }>, horizon: string) =>
  items
    .filter(({ objective }) => objective.source === 'recorded')
    .map(({ objective, readings }) => ({ objective, due: nextReadingDue(objective, readings.at(-1)) }))
    .filter(({ due }) => due <= horizon);

/** What the outbox sends about a reading: the off-target message to the objective's owner. */
const readingOutbox: OutboxSubjectSpec = {
  type: READING_SUBJECT,
  label: async (repos, workspaceId, id) => {
    const reading = await repos.objectives.findReading(workspaceId, id);
    const objective = reading ? await repos.objectives.findById(workspaceId, reading.objectiveId) : undefined;
    return `${objective ? objectiveKey(objective) : 'OBJ-?'} reading #${id}`;
  },
  async notice(services, workspaceId, id, notice) {
    if (notice !== OBJECTIVE_NOTICES.offTarget) return undefined;
    const found = await services.objectives.reading(workspaceId, id);
    return found ? offTargetView(found) : undefined;
  },
};

export const objectivesFeature: Feature = {
  name: 'objectives',
  outbox: [readingOutbox],
  export: objectiveExport,
  commands: [
    {
      word: 'objective',
      usage: 'objective add | objective list | objective <OBJ-n or name> | objective <OBJ-n or name> record <value> [note]',
      group: 'review',
      button: { label: 'Set an objective', form: OBJECTIVE_FORMS.add },
      summary: 'AI objectives and their readings: in chat, from a pipeline (API) or computed by the bot; off target is followed up.',
      handle: objectiveCommand,
    },
  ],
  forms,
  // The digest's trend chart: objectives off target at each week's end (their latest reading by then).
  trend: {
    series: async (repos, workspaceId, weeks) => {
      const readings = await repos.objectives.readings(workspaceId);
      if (readings.length === 0) return [];
      return [
        {
          key: TREND_KEYS.objectivesOffTarget,
          label: 'Objectives off target',
          unit: 'count',
          shape: 'line',
          values: weeks.map((week) => offTargetOn(readings, week.lastDay)),
        },
      ];
    },
  },
  nudges: {
    prefix: 'objective',
    items: async (repos, workspaceId, { horizon, daysOverdue }) =>
      dueReadings(await withReadings(repos, workspaceId), horizon).map(({ objective, due }) => ({
        personId: objective.ownerPersonId,
        item: {
          key: `objective:${objective.id}`,
          text: `Reading of ${objectiveKey(objective)} ${objective.name} (${targetText(objective)}): objective ${objectiveKey(objective)} record <value>`,
          due,
          daysOverdue: daysOverdue(due),
        },
      })),
  },
  status: {
    section: async (repos, workspaceId, { today }) => {
      const items = await withReadings(repos, workspaceId);
      return {
        title: 'Objectives',
        // No objective set yet: no fields, so no section (the status is close to Slack's 50 blocks).
        fields: items.length === 0 ? [] : [{ label: 'Objectives', value: standingOf(items) }, ...objectiveFields(items, today)],
      };
    },
  },
  digest: {
    fields: async (repos, workspaceId, { today }) => {
      const items = await withReadings(repos, workspaceId);
      return items.length === 0 ? [] : [{ label: 'Objectives', value: standingOf(items) }, ...objectiveFields(items, today)];
    },
    overdue: async (repos, workspaceId, { today, daysOverdue }) => {
      const late = dueReadings(await withReadings(repos, workspaceId), today).filter(({ due }) => due < today);
      const out = [];
      for (const { objective, due } of late)
        out.push({
          what: `Reading of ${objectiveKey(objective)} ${objective.name}`,
          owner: await repos.people.findById(workspaceId, objective.ownerPersonId),
          due,
          daysOverdue: daysOverdue(due),
        });
      return out;
    },
    concerns: async (repos, workspaceId) => {
      const off = (await withReadings(repos, workspaceId)).filter((i) => i.readings.at(-1)?.onTarget === false);
      return off.length > 0 ? [`${off.length} objective(s) off target: ${off.map((i) => objectiveKey(i.objective)).join(', ')}`] : [];
    },
  },
  evidence: {
    kinds: ['objective:reading'],
    count: async (repos, workspaceId, period) => ({
      'objective:reading': (await repos.objectives.readings(workspaceId)).filter((r) => inPeriod(r.recordedAt, period)).length,
    }),
    present: async (repos, workspaceId) => ((await repos.objectives.hasReadings(workspaceId)) ? ['objective:reading'] : []),
  },
  reviewInputs: {
    items: async (repos, workspaceId, { since, until }) =>
      (await withReadings(repos, workspaceId)).flatMap(({ objective, readings }) => {
        const inWindow = readings.filter((r) => (since === undefined || r.recordedAt >= since) && r.recordedAt < until);
        if (inWindow.length === 0) return [];
        const off = inWindow.filter((r) => !r.onTarget);
        const last = inWindow.at(-1)!;
        const explained = off.filter((r) => r.explanation).length;
        return [
          {
            section: 'monitoring' as const,
            ref: objectiveKey(objective),
            text: `${objectiveKey(objective)} ${objective.name} (${targetText(objective)}): ${inWindow.length} reading(s), ${inWindow.length - off.length} on target, ${off.length} off target${off.length > 0 ? ` (${explained} explained)` : ''}; last ${formatNumber(last.value)} on ${last.date}`,
          },
        ];
      }),
  },
};

/** The area's service (registered in src/features/index.ts). */
export const objectiveServices = ({ store, clock, defaultTimeZone }: AreaServiceDeps): Pick<ChatServices, 'objectives'> => ({
  objectives: new ObjectiveService(store, clock, defaultTimeZone),
});

declare module '../../chat/chat-services.ts' {
  interface ChatServices {
    objectives: ObjectiveService;
  }
}
