import type { ChannelPurpose } from '../../core/settings/workspace-settings.ts';

/** The steps of "Get started", in the order a new workspace takes them. */
export const CHECKLIST_STEPS = ['system', 'channels', 'approvers', 'firstRecord'] as const;
export type ChecklistStep = (typeof CHECKLIST_STEPS)[number];

/** What the checklist is ticked from: the workspace's real records, read in one snapshot. */
export interface FirstRunState {
  /** AI systems registered (any stage but retired). */
  systems: number;
  missingChannels: ChannelPurpose[];
  approvers: number;
  /** Approvals a release needs by default. */
  approvalsNeeded: number;
  incidents: number;
  releases: number;
  /** Any other record of the AIMS (training courses, reviews): a workspace with them is not empty. */
  otherRecords: number;
}

export interface Checklist {
  state: FirstRunState;
  done: Record<ChecklistStep, boolean>;
  /** The first step not done, or undefined when everything is. */
  next: ChecklistStep | undefined;
  /** Nothing recorded yet: no AI system, incident, release, course or review (status shows the checklist instead of zeros). */
  empty: boolean;
}

/** Ticks each step from the state: a step is done when the records say so, never because someone clicked it. */
export function checklistOf(state: FirstRunState): Checklist {
  const done: Record<ChecklistStep, boolean> = {
    system: state.systems > 0,
    channels: state.missingChannels.length === 0,
    approvers: state.approvers >= state.approvalsNeeded,
    firstRecord: state.incidents + state.releases > 0,
  };
  return {
    state,
    done,
    next: CHECKLIST_STEPS.find((step) => !done[step]),
    empty: state.systems + state.incidents + state.releases + state.otherRecords === 0,
  };
}

/** Audit action of the first greeting of a person's home or a conversation (so it is never repeated). */
export const GREETED_AUDIT = 'onboarding.greeted';
