import { ROUTER_ACTIONS } from '../../chat/feature.ts';
import type { ButtonView } from '../../chat/views/form.ts';
import { commandPrefix } from '../../chat/command-prefix.ts';
import type { Block, MessageView, RichText } from '../../chat/views/view.ts';
import type { Platform } from '../../core/identity.ts';
import { SYSTEM_FORMS } from '../ai-systems/forms.ts';
import { INCIDENT_FORMS } from '../incidents/forms.ts';
import { RELEASE_FORMS } from '../releases/forms.ts';
import { SETUP_FORM } from '../setup/feature.ts';
import { CHECKLIST_STEPS, type Checklist, type ChecklistStep } from './domain.ts';

const openForm = (label: string, form: string, style?: 'primary'): ButtonView => ({
  label,
  action: ROUTER_ACTIONS.openForm,
  args: { form },
  ...(style ? { style } : {}),
});
const runCommand = (label: string, text: string): ButtonView => ({ label, action: ROUTER_ACTIONS.runCommand, args: { text } });

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

interface StepView {
  title: string;
  detail: RichText;
  buttons: ButtonView[];
}

/** Each step in the platform's own words: on Teams a channel is chosen by a command sent in it. */
function stepView(step: ChecklistStep, checklist: Checklist, platform: Platform): StepView {
  const { state, done } = checklist;
  const prefix = commandPrefix(platform);
  switch (step) {
    case 'system':
      return {
        title: 'Add your first AI system',
        detail: done.system
          ? `${plural(state.systems, 'AI system', 'AI systems')} in the inventory.`
          : 'Incidents, releases and reviews are all about a system in the inventory.',
        buttons: [openForm('Add an AI system', SYSTEM_FORMS.add, 'primary')],
      };
    case 'channels': {
      const missing = state.missingChannels;
      if (done.channels)
        return { title: 'Choose the channels', detail: 'Incidents, approvals and leadership channels are chosen.', buttons: [] };
      const detail: RichText =
        platform === 'teams'
          ? [
              { text: `Still missing: ${missing.join(', ')}. An admin runs ` },
              { text: `@aims setup channel ${missing[0] ?? 'incidents'}`, style: 'code' },
              { text: ' in the channel they want (and the same for each missing one).' },
            ]
          : [
              { text: `Still missing: ${missing.join(', ')}. An admin opens ` },
              { text: `${prefix}setup`, style: 'code' },
              { text: ' and picks the incidents, approvals and leadership channels.' },
            ];
      return { title: 'Choose the incidents, approvals and leadership channels', detail, buttons: [openForm('Open setup', SETUP_FORM)] };
    }
    case 'approvers':
      return {
        title: 'Grant approvers',
        detail: [
          {
            text: `${plural(state.approvers, 'approver', 'approvers')}; a release needs ${plural(state.approvalsNeeded, 'approval', 'approvals')}. An admin runs `,
          },
          { text: `${prefix}role grant @person approver`, style: 'code' },
          { text: '.' },
        ],
        buttons: [runCommand('Who holds roles', 'role list')],
      };
    case 'firstRecord':
      return {
        title: 'Log an incident or request a release',
        detail: done.firstRecord
          ? `${plural(state.incidents, 'incident', 'incidents')} and ${plural(state.releases, 'release', 'releases')} recorded.`
          : 'Something went wrong with an AI system, or a new model version needs sign-off.',
        buttons: [openForm('Log an incident', INCIDENT_FORMS.report), openForm('Request a release', RELEASE_FORMS.pick)],
      };
  }
}

/** The steps as blocks: done ones ticked, the rest with the buttons that do them. */
export function checklistBlocks(checklist: Checklist, platform: Platform): Block[] {
  return CHECKLIST_STEPS.flatMap((step, index): Block[] => {
    const view = stepView(step, checklist, platform);
    const done = checklist.done[step];
    const line: Block = {
      type: 'text',
      text: [
        { text: `${done ? '✅' : checklist.next === step ? '👉' : '⬜'} ` },
        { text: `${index + 1}. ${view.title}`, style: 'bold' },
        { text: ' — ' },
        ...(typeof view.detail === 'string' ? [{ text: view.detail }] : view.detail),
      ],
    };
    return done || view.buttons.length === 0 ? [line] : [line, { type: 'actions', buttons: view.buttons }];
  });
}

/** "Get started": what is done and what is next, each with its button (greeting, `start`, empty status). */
export function checklistView(checklist: Checklist, platform: Platform, intro?: string): MessageView {
  const doneCount = CHECKLIST_STEPS.filter((step) => checklist.done[step]).length;
  const prefix = commandPrefix(platform);
  const blocks: Block[] = [];
  if (intro) blocks.push({ type: 'text', text: intro });
  blocks.push(
    { type: 'header', text: 'Get started with aims-bot' },
    {
      type: 'context',
      text:
        checklist.next === undefined
          ? 'All set: every step is done.'
          : `${doneCount} of ${CHECKLIST_STEPS.length} done. Each step ticks itself once the records show it.`,
    },
    ...checklistBlocks(checklist, platform),
    {
      type: 'context',
      text: [
        { text: 'See this again with ' },
        { text: `${prefix}start`, style: 'code' },
        { text: '; every command: ' },
        { text: `${prefix}help`, style: 'code' },
        { text: '.' },
      ],
    },
  );
  return {
    summary:
      checklist.next === undefined ? 'aims-bot: all set' : `Get started with aims-bot: ${doneCount} of ${CHECKLIST_STEPS.length} done`,
    blocks,
    visibility: 'private',
  };
}

/** The first words the bot says where it was installed (a team, a personal chat) or to a person on their first home visit. */
export const GREETING = 'Hi, I am aims-bot: your ISO/IEC 42001 AI management system in chat. Here is what to set up first.';

/** How the status opens while the workspace is set up: the checklist itself when nothing is recorded, else one progress line. */
export function checklistStatusLead(checklist: Checklist, platform: Platform): { empty: boolean; blocks: Block[] } {
  if (checklist.empty) return { empty: true, blocks: checklistBlocks(checklist, platform) };
  if (checklist.next === undefined) return { empty: false, blocks: [] };
  const done = CHECKLIST_STEPS.filter((step) => checklist.done[step]).length;
  return {
    empty: false,
    blocks: [
      { type: 'context', text: `Getting started: ${done} of ${CHECKLIST_STEPS.length} steps done.` },
      { type: 'actions', buttons: [{ label: 'Get started', action: ROUTER_ACTIONS.runCommand, args: { text: 'start' } }] },
    ],
  };
}
