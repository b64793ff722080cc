import { idsOf, keysetRows, personLabels } from '../../core/export/export-lookups.ts';
import type { ExportSource } from '../../core/export/export-source.ts';

/** Training completions for auditors (7.2, 7.3): one row per person and course completed. */
export const trainingExport: ExportSource = {
  name: 'training',
  title: 'Training completions',
  columns: [
    { key: 'completion', header: 'Completion', width: 10 },
    { key: 'person', header: 'Person', width: 20 },
    { key: 'course', header: 'Course', width: 28 },
    { key: 'date', header: 'Date', width: 12 },
    { key: 'how', header: 'How', width: 16 },
    { key: 'trainer', header: 'Trainer', width: 18 },
    { key: 'evidence', header: 'Evidence', width: 36 },
    { key: 'recordedBy', header: 'Recorded by', width: 18 },
    { key: 'validUntil', header: 'Valid until', width: 12 },
    { key: 'recordedAt', header: 'Recorded', width: 22 },
  ],
  // The course catalogue once (a lookup of tens), then a page of completions by id, its people and sessions: one read each.
  async *rows(repos, workspaceId, at) {
    const courses = new Map((await repos.training.courses(workspaceId, true)).map((c) => [c.id, c]));
    yield* keysetRows(
      at,
      async (after: number | undefined, limit) => await repos.training.completionsPage(workspaceId, after, limit),
      (c) => c.id,
      async (completions) => {
        const people = await personLabels(
          repos,
          workspaceId,
          completions.flatMap((c) => [c.personId, c.recordedBy]),
        );
        const trainers = new Map(
          (await repos.training.sessionsByIds(workspaceId, idsOf(completions.map((c) => c.sessionId)))).map((s) => [s.id, s.trainer]),
        );
        return completions.map((c) => {
          const course = courses.get(c.courseId);
          const months = course?.renewalMonths ?? null;
          const until =
            months === null
              ? null
              : new Date(Date.UTC(Number(c.date.slice(0, 4)), Number(c.date.slice(5, 7)) - 1 + months, Number(c.date.slice(8, 10))));
          return {
            completion: c.id,
            person: people.get(c.personId) ?? `#${c.personId}`,
            course: course?.name ?? `#${c.courseId}`,
            date: c.date,
            how: c.sessionId !== null ? `session #${c.sessionId}` : c.selfAttested ? 'self-attested' : 'recorded',
            trainer: c.sessionId === null ? null : (trainers.get(c.sessionId) ?? null),
            evidence: c.evidence,
            recordedBy: people.get(c.recordedBy) ?? `#${c.recordedBy}`,
            validUntil: until ? until.toISOString().slice(0, 10) : null,
            recordedAt: c.createdAt,
          };
        });
      },
    );
  },
};
