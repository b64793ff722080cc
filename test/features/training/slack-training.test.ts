import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { submitModal } from '../../helpers/slack-interactions.ts';
import { startSlackHarness } from '../../helpers/start-test-app.ts';
import { slackConversation } from '../../helpers/slack-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
let slack: Harness;
const { command, openModal } = slackConversation(() => slack);

const ADMIN = { user: 'U0ADMIN', name: 'alice' };
const MEMBER = { user: 'U0MEMBER', name: 'mia' };
const APPROVER_ABSENT = { user: 'U0APP3', name: 'cleo' };
const TRAINER = { user: 'U0DANA', name: 'dana' };
const ATTENDEES = ['U0APP1', 'U0APP2', 'U0MEMBER'];

const text = (value: unknown) => JSON.stringify(value ?? null);
const calls = (method: string) => slack.slackApi.callsTo(method);
const sql = () => sqlOf(slack.app.store);
const completions = async () => await sql().count('training_completions');
const auditCount = async () => await sql().count('audit_events');
const firstCourseId = async () => String((await sql().get<{ id: number }>('SELECT id FROM courses ORDER BY id'))?.id);

let courseId = '';

// Each test has its own bot, store and fake Slack: a workspace with an admin and three approvers.
beforeEach(async () => {
  // The test clock says 2026-11-22.
  slack = await startSlackHarness(
    { AIMS_ADMINS: 'slack:U0ADMIN' },
    { users: { U0APP1: 'Ann Approver', U0APP2: 'Ben Approver', U0APP3: 'Cleo Approver', U0MEMBER: 'Mia Member', U0DANA: 'Dana Trainer' } },
  );
  for (const user of ['U0APP1', 'U0APP2', 'U0APP3']) await command(ADMIN, `role grant <@${user}> approver`);
});
afterEach(async () => {
  await slack.close();
});

/** The course Responsible AI basics, required for approvers and renewed every 12 months, added by the admin. */
async function addCourse(): Promise<void> {
  const form = await openModal(ADMIN, 'training course add');
  await submitModal(
    slack.eventsUrl,
    form,
    {
      name: 'Responsible AI basics',
      description: 'Our AI policy and how to report concerns.',
      requiredRoles: 'approver',
      renewalMonths: '12',
    },
    ADMIN,
    'V0COURSE',
  );
  courseId = await firstCourseId();
}

const grantTrainer = async () => await command(ADMIN, 'role grant <@U0DANA> trainer');

/** Dana (a trainer) records a session of the course on 2026-11-20 for Ann, Ben and Mia. */
async function recordSession(): Promise<void> {
  await grantTrainer();
  const form = await openModal(TRAINER, 'training');
  await submitModal(
    slack.eventsUrl,
    form,
    {
      course: courseId,
      date: '2026-11-20',
      trainer: 'Dana Trainer',
      attendees: ATTENDEES.join(','),
      evidence: 'https://wiki.example.com/rai-2026',
    },
    TRAINER,
    'V0SESSION',
  );
  expect(await completions()).toBe(3);
}

/** Cleo (an approver who missed the session) attests her own completion on 2026-11-21. */
const selfAttest = async () =>
  await command(APPROVER_ABSENT, 'training done responsible ai basics 2026-11-21 https://lms.example.com/cert/9');

describe('training on Slack, end to end', () => {
  it('only admins manage courses; an admin adds one required for approvers, renewed every 12 months', async () => {
    const opened = calls('views.open').length;
    expect(text((await command(MEMBER, 'training course add')).json)).toContain('Only admins can manage courses.');
    expect(calls('views.open').length).toBe(opened);
    const form = await openModal(ADMIN, 'training course add');
    const saved = await submitModal(
      slack.eventsUrl,
      form,
      {
        name: 'Responsible AI basics',
        description: 'Our AI policy and how to report concerns.',
        requiredRoles: 'approver',
        renewalMonths: '12',
      },
      ADMIN,
      'V0COURSE',
    );
    expect(text(saved.json?.view)).toContain('Saved the course Responsible AI basics.');
    expect(text(saved.json?.view)).toContain('for approvers · renewed every 12 months');
    courseId = await firstCourseId();
  });

  it('puts bad sessions at their fields: no attendees, a future date, a retired or unknown course', async () => {
    await addCourse();
    const form = await openModal(MEMBER, 'training');
    const before = await auditCount();
    const none = await submitModal(
      slack.eventsUrl,
      form,
      { course: courseId, date: '2026-11-20', trainer: 'Dana', attendees: '' },
      MEMBER,
      'V0BAD1',
    );
    expect(none.json).toEqual({ response_action: 'errors', errors: { attendees: 'Add at least one attendee.' } });
    const future = await submitModal(
      slack.eventsUrl,
      form,
      { course: courseId, date: '2026-12-01', trainer: 'Dana', attendees: 'U0APP1' },
      MEMBER,
      'V0BAD2',
    );
    expect(future.json?.errors).toEqual({ date: 'The session cannot be in the future.' });
    const unknown = await submitModal(
      slack.eventsUrl,
      form,
      { course: '999', date: '2026-11-20', trainer: 'Dana', attendees: 'U0APP1' },
      MEMBER,
      'V0BAD3',
    );
    expect(unknown.json?.errors).toEqual({ course: 'Choose a course of this workspace that is not retired.' });
    expect(await auditCount()).toBe(before);
  });

  it('a member may not record a session for others (admins among them): refused at the field, naming who can', async () => {
    await addCourse();
    const form = await openModal(MEMBER, 'training');
    const trainingEvents = async () => await sql().count('audit_events', "action LIKE 'training.%'");
    const before = { audit: await trainingEvents(), completions: await completions() };
    const refused = await submitModal(
      slack.eventsUrl,
      form,
      { course: courseId, date: '2026-11-20', trainer: 'Mia', attendees: 'U0ADMIN,U0MEMBER' },
      MEMBER,
      'V0FORGE',
    );
    expect((refused.json?.errors as Record<string, string> | undefined)?.attendees).toMatch(
      /^Only admins and trainers can record training for other people; you can record your own attendance\. There are no trainers yet: an admin grants the role with “role grant @person trainer”\. Admins: \S.*\.$/,
    );
    expect({ audit: await trainingEvents(), completions: await completions() }).toEqual(before);
    // Granted like any other role; the refusal then names the trainers.
    expect(text((await command(ADMIN, 'role grant <@U0DANA> trainer')).json)).toContain('Dana Trainer is now a trainer.');
    const again = await submitModal(
      slack.eventsUrl,
      form,
      { course: courseId, date: '2026-11-20', trainer: 'Mia', attendees: 'U0ADMIN' },
      MEMBER,
      'V0FORGE2',
    );
    expect((again.json?.errors as Record<string, string> | undefined)?.attendees).toContain('Trainers: Dana Trainer. Admins: ');
    expect(await completions()).toBe(before.completions);
  });

  it('a trainer records a session with three attendees; each gets a completion and a direct message; a double submit records nothing more', async () => {
    await addCourse();
    await grantTrainer();
    const form = await openModal(TRAINER, 'training');
    expect(text(form)).toContain('multi_users_select');
    const dms = () => calls('chat.postMessage').filter((call) => ATTENDEES.includes(String(call.args.channel)));
    const before = dms().length;
    const saved = await submitModal(
      slack.eventsUrl,
      form,
      {
        course: courseId,
        date: '2026-11-20',
        trainer: 'Dana Trainer',
        attendees: ATTENDEES.join(','),
        evidence: 'https://wiki.example.com/rai-2026',
      },
      TRAINER,
      'V0SESSION',
    );
    expect(text(saved.json?.view)).toContain('Recorded Responsible AI basics on 20 Nov 2026 for 3 people. Attendees were told.');
    expect(await completions()).toBe(3);
    expect(dms().length).toBe(before + 3);
    expect(text(dms().at(-1)?.args)).toContain('Your attendance at Responsible AI basics on 20 Nov 2026 was recorded by Dana Trainer.');
    const again = await submitModal(
      slack.eventsUrl,
      form,
      {
        course: courseId,
        date: '2026-11-20',
        trainer: 'Dana Trainer',
        attendees: ATTENDEES.join(','),
        evidence: 'https://wiki.example.com/rai-2026',
      },
      TRAINER,
      'V0SESSION',
    );
    expect(text(again.json?.view)).toContain('This session was already recorded.');
    // The same people, course and day recorded again in another session: still one completion each.
    const second = await openModal(ADMIN, 'training');
    const repeat = await submitModal(
      slack.eventsUrl,
      second,
      { course: courseId, date: '2026-11-20', trainer: 'Dana Trainer', attendees: 'U0APP1' },
      ADMIN,
      'V0SESSION2',
    );
    expect(text(repeat.json?.view)).toContain('(1 already had it for that day)');
    expect(await completions()).toBe(3);
  });

  it('training me: an attendee is done until 2027-11-20; an approver who did not attend is due', async () => {
    await addCourse();
    await recordSession();
    const attendee = text((await command({ user: 'U0APP1', name: 'ann' }, 'training me')).json);
    expect(attendee).toContain('Nothing is due.');
    expect(attendee).toContain('done (20 Nov 2026), valid until 20 Nov 2027');
    const absent = text((await command(APPROVER_ABSENT, 'training me')).json);
    expect(absent).toContain('1 required course(s) due or overdue.');
    expect(absent).toContain('*Responsible AI basics* · 🔴 not done');
  });

  it('only real calendar days: training done with 2025-99-99 or 2025-02-30 is refused and records nothing', async () => {
    await addCourse();
    const before = await completions();
    expect(text((await command(APPROVER_ABSENT, 'training done "Responsible AI basics" 2025-99-99')).json)).toContain(
      '2025-99-99 is not a day on the calendar. Give the date as YYYY-MM-DD.',
    );
    expect(text((await command(APPROVER_ABSENT, 'training done "Responsible AI basics" 2025-02-30')).json)).toContain(
      '2025-02-30 is not a day on the calendar.',
    );
    expect(text((await command(ADMIN, 'training report as of 2027-13-01')).json)).toContain('2027-13-01 is not a day on the calendar.');
    expect(await completions()).toBe(before);
  });

  it('members self-attest for themselves only, and it is marked self-attested', async () => {
    await addCourse();
    const done = text(
      (await command(APPROVER_ABSENT, 'training done responsible ai basics 2026-11-21 https://lms.example.com/cert/9')).json,
    );
    expect(done).toContain('Recorded your completion of Responsible AI basics on 21 Nov 2026 (self-attested).');
    expect(done).toContain('self-attested');
    const row = await sql().get(
      "SELECT c.self_attested AS self, p.external_id AS who FROM training_completions c JOIN people p ON p.id = c.person_id WHERE c.date = '2026-11-21'",
    );
    expect(row).toEqual({ self: 1, who: 'U0APP3' });
    expect(text((await command(APPROVER_ABSENT, 'training done no such course')).json)).toContain('There is no course “no such course”.');
    expect(text((await command(APPROVER_ABSENT, 'training done responsible ai basics 2027-01-01')).json)).toContain(
      'The date cannot be in the future.',
    );
  });

  it('the report is for admins and leadership; computed as of 13 months later it shows the attendees expired', async () => {
    await addCourse();
    await recordSession();
    await selfAttest();
    expect(text((await command(MEMBER, 'training report')).json)).toContain('Only admin and leadership can see the training report.');
    const now = text((await command(ADMIN, 'training report')).json);
    expect(now).toContain('Responsible AI basics* · 100% (3 of 3)');
    // Admins see which counting records people attested themselves.
    expect(now).toContain('*Self-attested*\\nCleo Approver (21 Nov 2026)');
    const later = text((await command(ADMIN, 'training report as of 2027-12-22')).json);
    expect(later).toContain('Training report · as of 22 Dec 2027');
    expect(later).toContain('Responsible AI basics* · 0% (0 of 3)');
    expect(later).toContain('Ann Approver, Ben Approver, Cleo Approver');
    const soon = text((await command(ADMIN, 'training report as of 2027-11-01')).json);
    expect(soon).toContain('Ann Approver (20 Nov 2027)');
  });

  it('status shows the completion rate and who is overdue; an admin retires the course and it leaves the session form', async () => {
    await addCourse();
    await recordSession();
    await selfAttest();
    expect(text((await command(MEMBER, 'status')).json)).toContain('*Required training done*\\n100% (3 of 3)');
    expect(text((await command(ADMIN, 'training course retire Responsible AI basics')).json)).toContain(
      'Responsible AI basics is retired; its records stay.',
    );
    expect(text((await command(MEMBER, 'training')).json)).toContain('There are no training courses yet.');
    expect(slack.slackApi.calls.flatMap((call) => call.problems)).toEqual([]);
    expect(await slack.app.store.verifyAudit()).toMatchObject({ ok: true });
    // The state tables agree with the chain after real flows (the cross-checks of aims audit verify).
    expect((await slack.app.store.auditReport()).disagreements).toEqual([]);
  });

  it('a session where one attendee cannot be reached names them; the others are told', async () => {
    await grantTrainer();
    const courseForm = await openModal(ADMIN, 'training course add');
    await submitModal(
      slack.eventsUrl,
      courseForm,
      { name: 'Incident drill', description: 'How we run an S1.', requiredRoles: '', renewalMonths: '12' },
      ADMIN,
      'V0COURSE2',
    );
    const drill = String((await sql().get<{ id: number }>("SELECT id FROM courses WHERE name = 'Incident drill'"))?.id);
    slack.slackApi.failPostsTo('U0APP2');
    try {
      const form = await openModal(TRAINER, 'training');
      const saved = await submitModal(
        slack.eventsUrl,
        form,
        { course: drill, date: '2026-11-21', trainer: 'Dana Trainer', attendees: 'U0APP1,U0APP2' },
        TRAINER,
        'V0SESSION3',
      );
      const note = text(saved.json?.view);
      expect(note).toContain(
        'Recorded Incident drill on 21 Nov 2026 for 2 people. Could not tell Ben Approver (Slack answered channel_not_found)',
      );
      expect(note).not.toContain('Attendees were told.');
      expect(
        text(
          calls('chat.postMessage')
            .filter((call) => call.args.channel === 'U0APP1')
            .at(-1)?.args,
        ),
      ).toContain('Your attendance at Incident drill on 21 Nov 2026 was recorded by Dana Trainer.');
    } finally {
      slack.slackApi.failPostsTo('U0APP2', false);
    }
  });
});
