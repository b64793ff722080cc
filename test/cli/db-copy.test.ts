import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { cardOf, executeActions, fillCard } from '../helpers/fake-teams-connector.ts';
import { governedStore, type GovernedStore } from '../helpers/governed-store.ts';
import { freshPgDatabase, pgTestUrl } from '../helpers/pg-test-db.ts';
import { runAims } from '../helpers/run-aims.ts';
import { slackConversation } from '../helpers/slack-conversation.ts';
import { buttonsOf, clickButton, submitModal } from '../helpers/slack-interactions.ts';
import { startSlackHarness, startTeamsHarness } from '../helpers/start-test-app.ts';
import { teamsConversation } from '../helpers/teams-conversation.ts';
import { sqlOf } from '../helpers/test-sql.ts';
import {
  SLACK_ADMIN,
  SLACK_CHANNELS,
  SLACK_MEMBER,
  SLACK_OWNER,
  slackWorkspace,
  TEAMS_ADMIN,
  TEAMS_MEMBER,
  TEAMS_OWNER,
  teamsWorkspace,
} from '../helpers/workspace-builders.ts';

describe.runIf(pgTestUrl())('aims db copy, then the admin commands on the PostgreSQL copy', () => {
  let dir: string;
  let file: string;
  let world: GovernedStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aims-db-copy-'));
    file = join(dir, 'aims.db');
    world = await governedStore(file);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copies every table, verifies the chain on the copy with the same head, and the CLI reads the copy as it read the file', async () => {
    const url = await freshPgDatabase();
    const copied = await runAims(['db', 'copy', '--from', file, '--to', url]);
    expect(copied.err).toBe('');
    expect(copied.code).toBe(0);
    expect(copied.out).toMatch(/^audit_events: \d+ row\(s\)$/m);
    expect(copied.out).toMatch(/^releases: 3 row\(s\)$/m);
    expect(copied.out).toMatch(/^OK: the copy's audit chains verify: \d+ events in \d+ chain\(s\), each head the same as the source's\.$/m);

    const headOfFile = await runAims(['audit', 'head', '--db', file]);
    const headOfCopy = await runAims(['audit', 'head', '--db', url]);
    expect(headOfCopy.code).toBe(0);
    expect(headOfCopy.out).toBe(headOfFile.out);

    const verified = await runAims(['audit', 'verify', '--db', url]);
    expect(verified.code).toBe(0);
    expect(verified.out).toContain('OK');
    // The CI gate answers from the copy as from the file.
    expect((await runAims(['release', 'status', String(world.approved), '--db', url])).code).toBe(0);
    expect((await runAims(['release', 'status', String(world.pending), '--db', url])).code).toBe(2);
    expect((await runAims(['release', 'status', String(world.rejected), '--db', url])).code).toBe(1);
  });

  it('refuses a target that holds rows, copies nothing, and never prints the password', async () => {
    const url = new URL(await freshPgDatabase());
    url.password = 'pw-not-to-be-printed';
    expect((await runAims(['db', 'copy', '--from', file, '--to', url.toString()])).code).toBe(0);
    const again = await runAims(['db', 'copy', '--from', file, '--to', url.toString()]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^Refused: the target database already holds rows \(in .*audit_events.*\)/m);
    expect(again.out + again.err).not.toContain('pw-not-to-be-printed');
  });

  it('says what is missing: no --to, a --to that is not PostgreSQL, a --from that does not exist', async () => {
    expect((await runAims(['db', 'copy', '--from', file])).err).toContain('needs --from <SQLite file> and --to');
    expect((await runAims(['db', 'copy', '--from', file, '--to', join(dir, 'other.db')])).err).toContain('--to must be a PostgreSQL URL');
    const missing = await runAims(['db', 'copy', '--from', join(dir, 'nope.db'), '--to', 'postgres://u:secret@127.0.0.1:1/x']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('No SQLite store at');
    expect(missing.err).not.toContain('secret');
  });
});

type Json = Record<string, unknown>;
const text = (value: unknown) => JSON.stringify(value ?? null);

/**
 * A SQLite file filled as people fill it: the real bot on that file (AIMS_DB), driven over Slack, then over
 * Teams, each time reporting an incident, requesting a release and approving it, recording training and
 * scheduling a review. Returns nothing: what it made is in the file.
 */
async function fillThroughTheBot(file: string): Promise<void> {
  const slack = await startSlackHarness(
    { AIMS_ADMINS: `slack:${SLACK_ADMIN.user}`, AIMS_DB: file },
    { users: { U0OWNER: 'Olivia Owner', U0MEMBER: 'Mia Member' }, channels: SLACK_CHANNELS },
  );
  try {
    const { command, openModal } = slackConversation(() => slack);
    const { systemId } = await slackWorkspace(slack, { setup: { defaultApprovals: '1' } });
    await command(SLACK_ADMIN, `role grant <@${SLACK_OWNER.user}> approver`);
    const incident = await submitModal(
      slack.eventsUrl,
      await openModal(SLACK_MEMBER, 'incident Scorer flags every payment'),
      {
        aiSystem: systemId,
        description: 'Since the 20th the scorer flags most payments from one bank.',
        severity: 'S3',
        type: 'model-drift',
        detectedAt: '2026-11-22T08:30:00.000Z',
        affected: 'Customers of one bank.',
      },
      SLACK_MEMBER,
      'V0INC',
    );
    expect(text(incident.json)).toContain('INC-1');
    await submitModal(
      slack.eventsUrl,
      await openModal(SLACK_MEMBER, 'release Fraud Scorer'),
      { version: '2.5.0', changeType: 'retrain', whatChanged: 'Retrained on October data.', risks: 'Few.' },
      SLACK_MEMBER,
      'V0REL',
    );
    const card = slack.slackApi
      .callsTo('chat.postMessage')
      .find((call) => call.args.channel === 'C0APP' && text(call.args.blocks).includes('REL-'));
    expect(card, 'the release card in #ai-approvals').toBeDefined();
    await clickButton(slack.eventsUrl, buttonsOf(card?.args).Approve as Json, SLACK_OWNER, slack.slackApi.responseUrl('approve'), {
      channel: 'C0APP',
      ts: card?.ts ?? '',
    });
    expect(text(slack.slackApi.callsTo('response_url').at(-1)?.args)).toContain('is approved');
    await submitModal(
      slack.eventsUrl,
      await openModal(SLACK_ADMIN, 'training course add'),
      { name: 'Responsible AI basics', description: 'Our AI policy.', requiredRoles: 'approver', renewalMonths: '12' },
      SLACK_ADMIN,
      'V0COURSE',
    );
    const course = await sqlOf(slack.app.store).get<{ id: number }>('SELECT id FROM courses ORDER BY id DESC LIMIT 1');
    await submitModal(
      slack.eventsUrl,
      await openModal(SLACK_ADMIN, 'training'),
      { course: String(course?.id), date: '2026-11-20', trainer: 'Dana Trainer', attendees: `${SLACK_OWNER.user},${SLACK_MEMBER.user}` },
      SLACK_ADMIN,
      'V0SESSION',
    );
    const review = await submitModal(
      slack.eventsUrl,
      await openModal(SLACK_ADMIN, 'review add'),
      { kind: 'management-review', owner: SLACK_ADMIN.user, cadenceDays: '365', nextDue: '2026-12-10' },
      SLACK_ADMIN,
      'V0REV',
    );
    expect(text(review.json)).toContain('Saved review');
  } finally {
    await slack.close();
  }

  const teams = await startTeamsHarness(
    { AIMS_ADMINS: `teams:${TEAMS_ADMIN.user}`, AIMS_DB: file },
    {
      '29:owner': { name: TEAMS_OWNER.name, aadObjectId: TEAMS_OWNER.user },
      '29:member': { name: TEAMS_MEMBER.name, aadObjectId: TEAMS_MEMBER.user },
    },
  );
  try {
    const { say, click } = teamsConversation(() => teams);
    const { systemId } = await teamsWorkspace(teams, {
      people: [TEAMS_OWNER, TEAMS_MEMBER],
      setup: { defaultApprovals: '1', timeZone: 'UTC' },
    });
    await say(TEAMS_ADMIN, `aims role grant <at>${TEAMS_OWNER.name}</at> approver`, {
      mentions: [{ id: '29:owner', name: TEAMS_OWNER.name }],
    });
    const incident = await say(TEAMS_MEMBER, 'aims incident Chatbot quotes wrong fees');
    expect(
      text(
        await click(
          TEAMS_MEMBER,
          fillCard(incident, 'Report', {
            aiSystem: systemId,
            description: "The chatbot quotes last year's fees.",
            severity: 'S2',
            type: 'other',
            detectedAt__date: '2026-11-22',
            detectedAt__time: '09:30',
            affected: 'Customers asking about fees.',
          }),
        ),
      ),
    ).toContain('Logged INC-');
    const pick = await say(TEAMS_MEMBER, 'aims release');
    const form = await click(TEAMS_MEMBER, fillCard(pick, 'Next', { aiSystem: systemId }));
    await click(
      TEAMS_MEMBER,
      fillCard(form, 'Request sign-off', { version: '1.1.0', changeType: 'retrain', whatChanged: 'Retrained.', risks: 'Few.' }),
    );
    const approvals = teams.connector.activities
      .filter(
        (entry) =>
          entry.path.startsWith('/v3/conversations/19%3Aapprovals%40thread.tacv2/activities') && text(entry.activity).includes('REL-'),
      )
      .at(-1);
    expect(text(await click(TEAMS_OWNER, executeActions(cardOf(approvals?.activity)).Approve as never))).toContain('is approved');
    await click(
      TEAMS_ADMIN,
      fillCard(await say(TEAMS_ADMIN, 'aims training course add'), 'Save', {
        name: 'Chatbot safety',
        description: 'What the chatbot may say.',
        requiredRoles: 'approver',
        renewalMonths: '12',
      }),
    );
    const course = await sqlOf(teams.app.store).get<{ id: number }>('SELECT id FROM courses ORDER BY id DESC LIMIT 1');
    await click(
      TEAMS_ADMIN,
      fillCard(await say(TEAMS_ADMIN, 'aims training'), 'Record', {
        course: String(course?.id),
        date: '2026-11-21',
        trainer: 'Dana',
        attendees: `${TEAMS_OWNER.user},${TEAMS_MEMBER.user}`,
      }),
    );
    await click(
      TEAMS_ADMIN,
      fillCard(await say(TEAMS_ADMIN, 'aims review add'), 'Save', {
        kind: 'bias-review',
        owner: TEAMS_OWNER.user,
        cadenceDays: '90',
        nextDue: '2026-12-01',
      }),
    );
  } finally {
    await teams.close();
  }
}

describe.runIf(pgTestUrl())('aims db copy of a store the bot filled over Slack and Teams', () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aims-db-copy-e2e-'));
    file = join(dir, 'aims.db');
    await fillThroughTheBot(file);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copies every row to PostgreSQL; aims audit verify passes on the copy with the head of the file', async () => {
    // What the file holds, counted behind the CLI's back.
    const source = SqliteStore.open(file);
    const counted = new Map<string, number>();
    try {
      const sql = sqlOf(source);
      for (const { name } of await sql.all<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' ORDER BY name",
      ))
        counted.set(name, await sql.count(`"${name}"`));
    } finally {
      source.close();
    }
    // Both platforms' work is there: two workspaces, two incidents, two approved releases, training and reviews.
    expect(counted.get('workspaces')).toBe(2);
    expect(counted.get('incidents')).toBe(2);
    expect(counted.get('releases')).toBe(2);
    expect(counted.get('training_completions')).toBe(4);
    expect(counted.get('review_schedules')).toBe(2);

    const url = await freshPgDatabase();
    const copied = await runAims(['db', 'copy', '--from', file, '--to', url]);
    expect(copied.err).toBe('');
    expect(copied.code).toBe(0);
    const printed = new Map([...copied.out.matchAll(/^(\w+): (\d+) row\(s\)$/gm)].map((m) => [String(m[1]), Number(m[2])]));
    // Every table is copied but the maintained aggregates (training, impact due), which the target's triggers rebuild
    // from the copied completions (test/store/db-copy.test.ts compares them row by row).
    const aggregates = ['training_latest', 'training_latest_days', 'training_people', 'impact_due'];
    expect(Object.fromEntries(printed)).toEqual(Object.fromEntries([...counted].filter(([name]) => !aggregates.includes(name))));

    const ofFile = await runAims(['audit', 'verify', '--db', file]);
    const ofCopy = await runAims(['audit', 'verify', '--db', url]);
    expect(ofFile.code).toBe(0);
    expect(ofCopy.code).toBe(0);
    expect(ofCopy.out).toContain('OK: releases, incidents and training completions agree with the chain');
    // Each workspace's chain: the same events and head in the copy as in the file.
    const headsOf = (out: string) =>
      [...out.matchAll(/^OK: audit (chain of workspace \S+) intact, (\d+) events, head #(\d+) ([0-9a-f]{64})$/gm)].map((m) => m.slice(1));
    expect(headsOf(ofFile.out)).toHaveLength(2);
    expect(headsOf(ofCopy.out)).toEqual(headsOf(ofFile.out));
    // What the bot approved on either platform, the CI gate passes from the copy.
    for (const id of [1, 2]) expect((await runAims(['release', 'status', String(id), '--db', url])).code).toBe(0);
  });
});
