import type { Feature } from '../chat/feature.ts';
import type { Repositories } from '../core/ports.ts';
import type { StoreDb } from '../store/store-db.ts';
import type { Area } from './area.ts';
import { aiSystemServices, aiSystemsFeature } from './ai-systems/feature.ts';
import { aiSystemRepositories } from './ai-systems/store.ts';
import { auditFeature } from './audit/feature.ts';
import { digestFeature } from './digest/feature.ts';
import { incidentServices, incidentsFeature } from './incidents/feature.ts';
import { internalAuditServices, internalAuditsFeature } from './internal-audits/feature.ts';
import { internalAuditRepositories } from './internal-audits/store.ts';
import { incidentRepositories } from './incidents/store.ts';
import { impactFeature, impactServices } from './impact/feature.ts';
import { impactRepositories } from './impact/store.ts';
import { managementReviewFeature, managementReviewServices } from './management-review/feature.ts';
import { managementReviewRepositories } from './management-review/store.ts';
import { nudgesFeature } from './nudges/feature.ts';
import { objectiveServices, objectivesFeature } from './objectives/feature.ts';
import { objectiveRepositories } from './objectives/store.ts';
import { evidencePackFeature, evidencePackServices } from './evidence-pack/feature.ts';
import { evidencePackRepositories } from './evidence-pack/store.ts';
import { onboardingFeature, onboardingServices } from './onboarding/feature.ts';
import { onboardingRepositories } from './onboarding/store.ts';
import { releaseServices, releasesFeature } from './releases/feature.ts';
import { releaseRepositories } from './releases/store.ts';
import { reviewServices, reviewsFeature } from './reviews/feature.ts';
import { reviewRepositories } from './reviews/store.ts';
import { policiesFeature, policyServices } from './policies/feature.ts';
import { policyRepositories } from './policies/store.ts';
import { riskServices, risksFeature } from './risks/feature.ts';
import { riskRepositories } from './risks/store.ts';
import { rolesFeature } from './roles/feature.ts';
import { setupFeature } from './setup/feature.ts';
import { soaFeature, soaServices } from './soa/feature.ts';
import { soaRepositories } from './soa/store.ts';
import { statusFeature } from './status/feature.ts';
import { trainingFeature, trainingServices } from './training/feature.ts';
import { trainingRepositories } from './training/store.ts';

/**
 * Every area of the bot, one line each, in the order the help lists their commands. Adding an area is
 * one line here: the router, help, forms, buttons, nudges, Annex A evidence coverage, the store's
 * repositories and the services (src/services.ts) all come from this list.
 */
const REGISTERED = [
  { feature: statusFeature },
  { feature: incidentsFeature, repositories: incidentRepositories, services: incidentServices },
  { feature: releasesFeature, repositories: releaseRepositories, services: releaseServices },
  { feature: trainingFeature, repositories: trainingRepositories, services: trainingServices },
  { feature: reviewsFeature, repositories: reviewRepositories, services: reviewServices },
  { feature: aiSystemsFeature, repositories: aiSystemRepositories, services: aiSystemServices },
  { feature: risksFeature, repositories: riskRepositories, services: riskServices },
  { feature: policiesFeature, repositories: policyRepositories, services: policyServices },
  { feature: soaFeature, repositories: soaRepositories, services: soaServices },
  { feature: impactFeature, repositories: impactRepositories, services: impactServices },
  { feature: objectivesFeature, repositories: objectiveRepositories, services: objectiveServices },
  { feature: internalAuditsFeature, repositories: internalAuditRepositories, services: internalAuditServices },
  { feature: managementReviewFeature, repositories: managementReviewRepositories, services: managementReviewServices },
  { feature: rolesFeature },
  { feature: setupFeature },
  { feature: nudgesFeature },
  { feature: digestFeature },
  { feature: auditFeature },
  { feature: onboardingFeature, repositories: onboardingRepositories, services: onboardingServices },
  { feature: evidencePackFeature, repositories: evidencePackRepositories, services: evidencePackServices },
] satisfies readonly Area[];

export const AREAS: readonly Area[] = REGISTERED;

type Intersection<U> = (U extends unknown ? (all: U) => void : never) extends (all: infer I) => void ? I : never;

/**
 * What the areas' `services` factories build together, each key with its own type. createServices
 * returns it merged with the kernel's as `ChatServices`, so a key an area adds to `ChatServices`
 * without a factory on its line here fails the typecheck ("Property 'x' is missing").
 */
export type AreaServices = Intersection<ReturnType<NonNullable<(typeof REGISTERED)[number]['services']>>>;

export const features: readonly Feature[] = AREAS.map((area) => area.feature);

/** Every area's repositories (each area's store.ts) over one connection, SQLite or PostgreSQL, for the store's unit of work. */
export function areaRepositories(s: StoreDb): Partial<Repositories> {
  return Object.assign({}, ...AREAS.map((area) => area.repositories?.(s) ?? {})) as Partial<Repositories>;
}
