import { personLabel } from '../../core/identity.ts';
import { formatDate } from '../../chat/views/format-time.ts';
import type { Block, MessageView, Tone } from '../../chat/views/view.ts';
import type { Course } from './domain.ts';
import type { CourseReport, CourseStanding } from './service.ts';

const NAMES_SHOWN = 20;

function audience(course: Course): string {
  return course.requiredRoles.length === 0 ? 'everyone' : course.requiredRoles.map((role) => `${role}s`).join(', ');
}

function renewal(course: Course): string {
  return course.renewalMonths === null ? 'never expires' : `renewed every ${course.renewalMonths} months`;
}

export function courseListView(courses: Course[], prefix: string, note?: string): MessageView {
  return {
    summary: `${courses.length} courses`,
    blocks: [
      ...(note ? [{ type: 'text' as const, text: note }] : []),
      { type: 'header', text: 'Training courses' },
      courses.length > 0
        ? {
            type: 'list',
            items: courses.map((c) => [
              { text: c.name, style: 'bold' as const },
              { text: ` · for ${audience(c)} · ${renewal(c)}${c.status === 'retired' ? ' · retired' : ''}` },
            ]),
          }
        : { type: 'text', text: 'No courses yet.' },
      { type: 'context', text: [{ text: 'Admins: ' }, { text: `${prefix}training course add`, style: 'code' }] },
    ],
    visibility: 'private',
  };
}

const STATE_TEXT = { valid: 'done', 'due-soon': 'due soon', expired: 'expired', missing: 'not done' } as const;
const STATE_TONE: Record<keyof typeof STATE_TEXT, Tone> = {
  valid: 'good',
  'due-soon': 'warning',
  expired: 'attention',
  missing: 'attention',
};

/** `training me`: one person's completions and what is due. */
export function standingView(standing: CourseStanding[], asOf: string, whose = 'Your training'): MessageView {
  const required = standing.filter((s) => s.required);
  const due = required.filter((s) => s.state !== 'valid');
  const line = (s: CourseStanding) => [
    { text: s.course.name, style: 'bold' as const },
    { text: ' · ' },
    // An optional course not done is no cause for alarm: only what is required of them is coloured.
    s.required || s.state === 'valid' ? { text: STATE_TEXT[s.state], tone: STATE_TONE[s.state] } : { text: STATE_TEXT[s.state] },
    {
      text: `${s.latest ? ` (${formatDate(s.latest.date)}${s.latest.selfAttested ? ', self-attested' : ''})` : ''}${s.expires ? `, valid until ${formatDate(s.expires)}` : ''}${s.required ? '' : ' · optional for you'}`,
    },
  ];
  const blocks: Block[] = [
    { type: 'header', text: `${whose} · as of ${formatDate(asOf)}` },
    { type: 'text', text: due.length === 0 ? 'Nothing is due.' : `${due.length} required course(s) due or overdue.` },
  ];
  if (standing.length > 0) blocks.push({ type: 'list', items: standing.map(line) });
  return { summary: due.length === 0 ? 'Nothing is due' : `${due.length} course(s) due`, blocks, visibility: 'private' };
}

/** `training report`: per required course, completion rate, who is missing, who expires soon. */
export function trainingReportView(reports: CourseReport[], asOf: string): MessageView {
  const blocks: Block[] = [{ type: 'header', text: `Training report · as of ${formatDate(asOf)}` }];
  const required = reports.filter((r) => r.requiredPeople > 0);
  if (required.length === 0) blocks.push({ type: 'text', text: 'No course is required of anyone yet.' });
  for (const report of required) {
    const names = (list: Array<{ person: Parameters<typeof personLabel>[0] }>) => {
      const shown = list.slice(0, NAMES_SHOWN).map((entry) => personLabel(entry.person));
      return list.length > shown.length ? `${shown.join(', ')} and ${list.length - shown.length} more` : shown.join(', ') || 'nobody';
    };
    blocks.push(
      {
        type: 'text',
        text: [
          { text: report.course.name, style: 'bold' },
          { text: ` · ${Math.round(report.rate * 100)}% (${report.valid} of ${report.requiredPeople})` },
        ],
      },
      {
        type: 'fields',
        fields: [
          { label: 'Missing or expired', value: names(report.missing.map((m) => ({ person: m.person }))) },
          {
            label: 'Expiring in 30 days',
            value:
              report.expiringSoon.length > 0
                ? report.expiringSoon.map((e) => `${personLabel(e.person)} (${formatDate(e.expires)})`).join(', ')
                : 'nobody',
          },
          {
            label: 'Self-attested',
            value:
              report.selfAttested.length > 0
                ? report.selfAttested.map((e) => `${personLabel(e.person)} (${formatDate(e.date)})`).join(', ')
                : 'nobody',
          },
        ],
      },
    );
  }
  return { summary: `Training report as of ${formatDate(asOf)}`, blocks, visibility: 'private' };
}
