import type { Feature } from '../../chat/feature.ts';
import { DIGEST_JOB } from '../../jobs/digest-job.ts';

/** The weekly digest to leadership (9.3, management review input): one record per digest sent. */
export const digestFeature: Feature = {
  name: 'digest',
  evidence: {
    kinds: ['digest'],
    count: (repos, workspaceId, period) => ({ digest: repos.jobs.countSent(DIGEST_JOB, workspaceId, period) }),
  },
};
