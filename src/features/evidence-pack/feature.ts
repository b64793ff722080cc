import type { Feature } from '../../chat/feature.ts';

/** The signed evidence pack for auditors (`aims export`, `aims audit verify --pack`): reads every area's export and evidence. */
export const evidencePackFeature: Feature = {
  name: 'evidence-pack',
};
