import type { Actor } from '../../src/core/actor.ts';
import { IncidentService } from '../../src/features/incidents/service.ts';
import { TrainingService } from '../../src/features/training/service.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { scorerWorkspace } from './scorer-workspace.ts';

export interface GovernedStore {
  /** REL ids: approved by two approvers, pending with none, rejected. */
  approved: number;
  pending: number;
  rejected: number;
  people: Record<'admin' | 'requester' | 'app1' | 'app2' | 'member', Actor>;
  incidentId: number;
}

/**
 * A store file with a little of everything the cross-checks read, made through the real services:
 * releases in each state, an acknowledged incident, a training session and a self-attested completion.
 */
export async function governedStore(path: string): Promise<GovernedStore> {
  const store = SqliteStore.open(path);
  try {
    const { people, system, releases, clock } = await scorerWorkspace(store, [
      { metric: 'recall', comparison: '>=', threshold: 0.9, dataset: 'holdout' },
    ]);
    const { admin } = people;
    const request = async (version: string) =>
      (
        await releases.request(people.requester, {
          aiSystemId: system.id,
          version,
          changeType: 'retrain',
          whatChanged: 'w',
          measurements: [{ metric: 'recall', dataset: 'holdout', value: 0.95 }],
          risks: 'r',
        })
      ).release.id;
    const approved = await request('1.0.0');
    await releases.decide(people.app1, approved, 'approve');
    await releases.decide(people.app2, approved, 'approve');
    const pending = await request('2.0.0');
    const rejected = await request('3.0.0');
    await releases.decide(people.app1, rejected, 'reject', 'Not this one.');

    const incidents = new IncidentService(store, clock);
    const { incident } = await incidents.report(admin, {
      aiSystemId: system.id,
      title: 'Scorer down',
      description: 'd',
      severity: 'S2',
      type: 'malfunction',
      detectedAt: '2026-11-22T09:00:00Z',
      affected: 'all',
    });
    await incidents.transition(admin, incident.number, 'acknowledge');

    const training = new TrainingService(store, clock, 'UTC');
    const course = await training.addCourse(admin, { name: 'AI Policy', description: 'd', requiredRoles: [], renewalMonths: 12 });
    await training.recordSession(admin, { courseId: course.id, date: '2026-11-20', trainer: 'Tess', attendeePersonIds: [admin.personId] });
    await training.selfAttest(people.member, { courseId: course.id, date: '2026-11-21' });
    return { approved, pending, rejected, people, incidentId: incident.id };
  } finally {
    store.close();
  }
}
