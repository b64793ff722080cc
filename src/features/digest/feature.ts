import type { Feature } from '../../chat/feature.ts';
import { formatInstant } from '../../chat/views/format-time.ts';
import { DIGEST_JOB } from '../../jobs/digest-job.ts';

/** The weekly digest to leadership (9.3, management review input): one record per digest sent. */
export const digestFeature: Feature = {
  name: 'digest',
  status: {
    // When the weekly digest last went out (claimed), if ever.
    section: async (repos, workspaceId, { timeZone }) => {
      const last = (await repos.jobs.lastRun(DIGEST_JOB, workspaceId))?.claimedAt;
      return {
        title: 'Leadership digest',
        fields: [{ label: 'Last leadership digest', value: last ? formatInstant(last, timeZone) : 'not sent yet' }],
      };
    },
  },
  evidence: {
    kinds: ['digest'],
    count: async (repos, workspaceId, period) => ({ digest: await repos.jobs.countSent(DIGEST_JOB, workspaceId, period) }),
  },
};
