import type { Feature } from '../chat/feature.ts';
import type { Repositories } from '../core/ports.ts';
import type { Db } from '../store/database.ts';
import type { Area } from './area.ts';
import { aiSystemsFeature } from './ai-systems/feature.ts';
import { auditFeature } from './audit/feature.ts';
import { digestFeature } from './digest/feature.ts';
import { incidentsFeature } from './incidents/feature.ts';
import { nudgesFeature } from './nudges/feature.ts';
import { releasesFeature } from './releases/feature.ts';
import { reviewsFeature } from './reviews/feature.ts';
import { reviewRepositories } from './reviews/store.ts';
import { rolesFeature } from './roles/feature.ts';
import { setupFeature } from './setup/feature.ts';
import { statusFeature } from './status/feature.ts';
import { trainingFeature } from './training/feature.ts';

/**
 * Every area of the bot, one line each, in the order the help lists their commands. Adding an area is
 * one line here: the router, help, forms, buttons, nudges, Annex A evidence coverage and the store's
 * repositories all come from this list.
 */
export const AREAS: readonly Area[] = [
  { feature: statusFeature },
  { feature: incidentsFeature },
  { feature: releasesFeature },
  { feature: trainingFeature },
  { feature: reviewsFeature, repositories: reviewRepositories },
  { feature: aiSystemsFeature },
  { feature: rolesFeature },
  { feature: setupFeature },
  { feature: nudgesFeature },
  { feature: digestFeature },
  { feature: auditFeature },
];

export const features: readonly Feature[] = AREAS.map((area) => area.feature);

/** The repositories of the areas whose store code lives in their folder, over one connection. */
export function areaRepositories(db: Db): Partial<Repositories> {
  return Object.assign({}, ...AREAS.map((area) => area.repositories?.(db) ?? {})) as Partial<Repositories>;
}
