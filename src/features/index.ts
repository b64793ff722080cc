import type { Feature } from '../chat/feature.ts';
import type { Repositories } from '../core/ports.ts';
import type { Db } from '../store/database.ts';
import type { Area } from './area.ts';
import { aiSystemsFeature } from './ai-systems/feature.ts';
import { aiSystemRepositories } from './ai-systems/store.ts';
import { auditFeature } from './audit/feature.ts';
import { digestFeature } from './digest/feature.ts';
import { incidentsFeature } from './incidents/feature.ts';
import { incidentRepositories } from './incidents/store.ts';
import { nudgesFeature } from './nudges/feature.ts';
import { onboardingFeature } from './onboarding/feature.ts';
import { onboardingRepositories } from './onboarding/store.ts';
import { releasesFeature } from './releases/feature.ts';
import { releaseRepositories } from './releases/store.ts';
import { reviewsFeature } from './reviews/feature.ts';
import { reviewRepositories } from './reviews/store.ts';
import { rolesFeature } from './roles/feature.ts';
import { setupFeature } from './setup/feature.ts';
import { statusFeature } from './status/feature.ts';
import { trainingFeature } from './training/feature.ts';
import { trainingRepositories } from './training/store.ts';

/**
 * Every area of the bot, one line each, in the order the help lists their commands. Adding an area is
 * one line here: the router, help, forms, buttons, nudges, Annex A evidence coverage and the store's
 * repositories all come from this list.
 */
export const AREAS: readonly Area[] = [
  { feature: statusFeature },
  { feature: incidentsFeature, repositories: incidentRepositories },
  { feature: releasesFeature, repositories: releaseRepositories },
  { feature: trainingFeature, repositories: trainingRepositories },
  { feature: reviewsFeature, repositories: reviewRepositories },
  { feature: aiSystemsFeature, repositories: aiSystemRepositories },
  { feature: rolesFeature },
  { feature: setupFeature },
  { feature: nudgesFeature },
  { feature: digestFeature },
  { feature: auditFeature },
  { feature: onboardingFeature, repositories: onboardingRepositories },
];

export const features: readonly Feature[] = AREAS.map((area) => area.feature);

/** Every area's repositories (each area's store.ts) over one connection, for the store's unit of work. */
export function areaRepositories(db: Db): Partial<Repositories> {
  return Object.assign({}, ...AREAS.map((area) => area.repositories?.(db) ?? {})) as Partial<Repositories>;
}
