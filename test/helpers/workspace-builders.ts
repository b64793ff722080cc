import { submitModal } from './slack-interactions.ts';
import { slackConversation } from './slack-conversation.ts';
import { fillCard } from './fake-teams-connector.ts';
import { startSlackHarness, startTeamsHarness } from './start-test-app.ts';
import { teamsConversation } from './teams-conversation.ts';
import { sqlOf } from './test-sql.ts';

type SlackHarness = Awaited<ReturnType<typeof startSlackHarness>>;
type Who = { user: string; name: string; team?: string };

/** The people of a test workspace on Slack: an admin (seeded by AIMS_ADMINS), a system owner who approves, a member. */
export const SLACK_ADMIN = { user: 'U0ADMIN', name: 'alice' };
export const SLACK_OWNER = { user: 'U0OWNER', name: 'olivia' };
export const SLACK_MEMBER = { user: 'U0MEMBER', name: 'mia' };

/** The channels a set-up Slack workspace uses, as the fake Slack knows them. */
export const SLACK_CHANNELS = { C0INC: 'ai-incidents', C0LEAD: 'ai-leadership', C0APP: 'ai-approvals' };

export interface SlackSystem {
  name: string;
  description: string;
  purpose: string;
  owner: string;
  euRiskLevel: string;
  internalTier: string;
  stage: string;
  provider: string;
}

export const FRAUD_SCORER: SlackSystem = {
  name: 'Fraud Scorer',
  description: 'Scores payments.',
  purpose: 'Hold fraud.',
  owner: SLACK_OWNER.user,
  euRiskLevel: 'high',
  internalTier: 'tier-1',
  stage: 'production',
  provider: 'in-house',
};

export interface SlackWorkspaceOptions {
  /** The admin who runs setup and adds the system (default SLACK_ADMIN); give a team to build another workspace. */
  admin?: Who;
  /** Setup form values on top of the three channels, two approvals and UTC; null to leave setup unfinished. */
  setup?: Record<string, string> | null;
  /** The system to add, or null for none (default the Fraud Scorer, owned by SLACK_OWNER). */
  system?: SlackSystem | null;
}

/**
 * A Slack workspace with an admin, an approver (the system's owner) and a system: setup run through its
 * modal (incidents, approvals and leadership channels), then the system added through its modal.
 * The system's owner is the person picked in the form; he becomes an approver once granted the role.
 * Returns the system's id as the forms' select options carry it ('' when no system is added).
 */
export async function slackWorkspace(slack: SlackHarness, options: SlackWorkspaceOptions = {}): Promise<{ systemId: string }> {
  const { openModal } = slackConversation(() => slack);
  const admin: Who = options.admin ?? SLACK_ADMIN;
  if (options.setup !== null) {
    const setup = await openModal(admin, 'setup');
    await submitModal(
      slack.eventsUrl,
      setup,
      {
        incidentsChannel: 'C0INC',
        approvalsChannel: 'C0APP',
        leadershipChannel: 'C0LEAD',
        defaultApprovals: '2',
        timeZone: 'UTC',
        ...options.setup,
      },
      admin,
      `V0SETUP${admin.team ?? ''}`,
    );
  }
  const system = options.system === undefined ? FRAUD_SCORER : options.system;
  if (!system) return { systemId: '' };
  const add = await openModal(admin, 'system add');
  await submitModal(slack.eventsUrl, add, { ...system }, admin, `V0SYS${admin.team ?? ''}${system.name}`);
  const row = (await sqlOf(slack.app.store).get<{ id: number }>('SELECT id FROM ai_systems WHERE name = ? ORDER BY id DESC', system.name))!;
  return { systemId: String(row.id) };
}

/** A fresh bot with a fresh in-memory store and fake Slack, its workspace built as slackWorkspace does. */
export async function startSlackWorkspace(
  directory: Parameters<typeof startSlackHarness>[1] = {},
  options: SlackWorkspaceOptions & { env?: Record<string, string> } = {},
) {
  const slack = await startSlackHarness(
    { AIMS_ADMINS: `slack:${SLACK_ADMIN.user}`, ...options.env },
    { ...directory, channels: { ...SLACK_CHANNELS, ...directory.channels } },
  );
  const { systemId } = await slackWorkspace(slack, options);
  return { slack, systemId };
}

type TeamsHarness = Awaited<ReturnType<typeof startTeamsHarness>>;

/** The people of a test tenant on Teams: an admin (seeded by AIMS_ADMINS), a system owner, a member. */
export const TEAMS_ADMIN = { user: 'aad-admin', name: 'Alice Admin' };
export const TEAMS_OWNER = { user: 'aad-owner', name: 'Olivia Owner' };
export const TEAMS_MEMBER = { user: 'aad-member', name: 'Mia Member' };

/** The channel conversations a set-up Teams workspace posts to, by the kind `aims setup channel <kind>` names. */
export const TEAMS_CHANNELS = {
  incidents: '19:incidents@thread.tacv2;messageid=1700',
  leadership: '19:leadership@thread.tacv2',
  approvals: '19:approvals@thread.tacv2',
};

export interface TeamsWorkspaceOptions {
  /** Who says hello first in their personal chat (so they are known, and DMs reach them); the admin always does. */
  people?: Array<{ user: string; name: string }>;
  /** Values for the setup card (saved before the channels are chosen), or undefined to leave it. */
  setup?: Record<string, string>;
  /** The channels to set up, by kind (default all three of TEAMS_CHANNELS). */
  channels?: Partial<typeof TEAMS_CHANNELS>;
  /** The system to add through its card, or null for none (default the Fraud Scorer, owned by TEAMS_OWNER). */
  system?: Record<string, string> | null;
}

/**
 * A Teams workspace (tenant-1) with an admin, the people given and a system: setup card, channels chosen by
 * `aims setup channel <kind>` sent in each channel, the system added from its card. Returns the system's id.
 */
export async function teamsWorkspace(teams: TeamsHarness, options: TeamsWorkspaceOptions = {}): Promise<{ systemId: string }> {
  const { say, click } = teamsConversation(() => teams);
  for (const who of [TEAMS_ADMIN, ...(options.people ?? [])]) await say(who, 'aims status');
  if (options.setup) {
    const setup = await say(TEAMS_ADMIN, 'aims setup');
    await click(TEAMS_ADMIN, fillCard(setup, 'Save', options.setup));
  }
  for (const [kind, conversationId] of Object.entries(options.channels ?? TEAMS_CHANNELS)) {
    await say(TEAMS_ADMIN, `aims setup channel ${kind}`, { conversationType: 'channel', mentionBot: true, conversationId });
  }
  const system =
    options.system === undefined
      ? { ...FRAUD_SCORER, owner: TEAMS_OWNER.user }
      : options.system === null
        ? undefined
        : { ...FRAUD_SCORER, ...options.system };
  if (!system) return { systemId: '' };
  const add = await say(TEAMS_ADMIN, 'aims system add');
  await click(TEAMS_ADMIN, fillCard(add, 'Add', { ...system }));
  const row = (await sqlOf(teams.app.store).get<{ id: number }>('SELECT id FROM ai_systems WHERE name = ? ORDER BY id DESC', system.name))!;
  return { systemId: String(row.id) };
}

/** A fresh bot with a fresh in-memory store and fake Teams connector, its workspace built as teamsWorkspace does. */
export async function startTeamsWorkspace(
  members: Parameters<typeof startTeamsHarness>[1] = {},
  options: TeamsWorkspaceOptions & { env?: Record<string, string> } = {},
) {
  const teams = await startTeamsHarness({ AIMS_ADMINS: `teams:${TEAMS_ADMIN.user}`, ...options.env }, members);
  const { systemId } = await teamsWorkspace(teams, options);
  return { teams, systemId };
}
