import { cleanText } from '../input/clean-text.ts';

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

/** The key that makes names unique regardless of case, surrounding spaces and invisible characters. */
export function nameKeyOf(name: string): string {
  return cleanText(name).trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Names that read the same once spaces are ignored ("Fraud Scorer", "FraudScorer", "Fraud\u200bScorer"). */
export function looksAlike(a: string, b: string): boolean {
  return nameKeyOf(a).replace(/ /g, '') === nameKeyOf(b).replace(/ /g, '');
}
