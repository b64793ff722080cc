import type { Feature } from '../chat/feature.ts';
import { aiSystemsFeature } from './ai-systems/feature.ts';
import { auditFeature } from './audit/feature.ts';
import { digestFeature } from './digest/feature.ts';
import { incidentsFeature } from './incidents/feature.ts';
import { nudgesFeature } from './nudges/feature.ts';
import { releasesFeature } from './releases/feature.ts';
import { reviewsFeature } from './reviews/feature.ts';
import { rolesFeature } from './roles/feature.ts';
import { setupFeature } from './setup/feature.ts';
import { statusFeature } from './status/feature.ts';
import { trainingFeature } from './training/feature.ts';

/**
 * Every area of the bot, in the order the help lists their commands. Adding an area is one line here;
 * the router, help, forms, buttons, nudges and Annex A evidence coverage all loop over this list.
 */
export const features: readonly Feature[] = [
  statusFeature,
  incidentsFeature,
  releasesFeature,
  trainingFeature,
  reviewsFeature,
  aiSystemsFeature,
  rolesFeature,
  setupFeature,
  nudgesFeature,
  digestFeature,
  auditFeature,
];
