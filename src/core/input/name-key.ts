import { cleanText } from './clean-text.ts';

/** The key that makes names unique regardless of case, surrounding spaces and invisible characters. */
export function nameKeyOf(name: string): string {
  return cleanText(name).trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Names that read the same once spaces are ignored ("Fraud Scorer", "FraudScorer", "Fraud\u200bScorer"). */
export function looksAlike(a: string, b: string): boolean {
  return nameKeyOf(a).replace(/ /g, '') === nameKeyOf(b).replace(/ /g, '');
}
