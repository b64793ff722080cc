import type { Feature } from '../../chat/feature.ts';
import { formatInstant } from '../../chat/views/format-time.ts';
import { DIGEST_JOB } from '../../jobs/digest-job.ts';

/** The weekly digest to leadership (9.3, management review input): one record per digest sent. */
export const digestFeature: Feature = {
  name: 'digest',
  status: {
    // When the weekly digest last went out (claimed), if ever.
    section: (repos, workspaceId, { timeZone }) => {
      const last = repos.jobs.lastRun(DIGEST_JOB, workspaceId)?.claimedAt;
      return {
        title: 'Leadership digest',
        fields: [{ label: 'Last leadership digest', value: last ? formatInstant(last, timeZone) : 'not sent yet' }],
      };
    },
  },
  evidence: {
    kinds: ['digest'],
    count: (repos, workspaceId, period) => ({ digest: repos.jobs.countSent(DIGEST_JOB, workspaceId, period) }),
  },
};
