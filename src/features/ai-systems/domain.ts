// The name rules are the kernel's (training's course names follow them too); the inventory uses them for system names.
export { looksAlike, nameKeyOf } from '../../core/input/name-key.ts';

/** What the audit log calls the inventory's changes. */
export const AI_SYSTEM_AUDIT = { created: 'ai_system.created', updated: 'ai_system.updated', retired: 'ai_system.retired' } as const;

export const EU_RISK_LEVELS = ['prohibited', 'high', 'limited', 'minimal'] as const;
export const INTERNAL_TIERS = ['tier-1', 'tier-2', 'tier-3'] as const;
export const STAGES = ['development', 'production', 'retired'] as const;
export const PROVIDERS = ['in-house', 'third-party'] as const;

export type EuRiskLevel = (typeof EU_RISK_LEVELS)[number];
export type InternalTier = (typeof INTERNAL_TIERS)[number];
export type Stage = (typeof STAGES)[number];
export type Provider = (typeof PROVIDERS)[number];

/** An entry of the AI system inventory (ISO/IEC 42001 A.4.2, A.6.2.7). */
export interface AiSystem {
  id: number;
  workspaceId: number;
  name: string;
  nameKey: string;
  description: string;
  purpose: string;
  ownerPersonId: number | null;
  euRiskLevel: EuRiskLevel;
  internalTier: InternalTier;
  stage: Stage;
  provider: Provider;
  vendorName: string | null;
  modelCardUrl: string | null;
  repositoryUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export const EU_RISK_LABELS: Record<EuRiskLevel, string> = {
  prohibited: 'Prohibited (unacceptable risk)',
  high: 'High risk',
  limited: 'Limited risk (transparency duties)',
  minimal: 'Minimal risk',
};

export const TIER_LABELS: Record<InternalTier, string> = {
  'tier-1': 'Tier 1 (business-critical)',
  'tier-2': 'Tier 2 (important)',
  'tier-3': 'Tier 3 (low impact)',
};

export const STAGE_LABELS: Record<Stage, string> = {
  development: 'Development',
  production: 'Production',
  retired: 'Retired',
};

export const PROVIDER_LABELS: Record<Provider, string> = {
  'in-house': 'Built in-house',
  'third-party': 'Third party',
};
