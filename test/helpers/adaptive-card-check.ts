import { createRequire } from 'node:module';
import type * as AdaptiveCards from 'adaptivecards';

// The package's main entry needs a DOM; its dist bundle parses fine in Node (same API, no types).
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCards;

/** Teams rejects bot messages much over this size. */
export const TEAMS_MESSAGE_BYTES = 28 * 1024;

/** Parses a card as Adaptive Cards 1.5 does and returns every error and warning it reports. */
export function checkAdaptiveCard(card: unknown): string[] {
  const problems: string[] = [];
  const json = card as { version?: string; type?: string };
  if (json.type !== 'AdaptiveCard') problems.push(`type is ${String(json.type)}, not AdaptiveCard`);
  if (json.version !== '1.5') problems.push(`version is ${String(json.version)}, expected 1.5`);
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    problems.push(`adaptivecards: ${event.message}`);
  }
  const bytes = Buffer.byteLength(JSON.stringify(card));
  if (bytes > TEAMS_MESSAGE_BYTES) problems.push(`card is ${bytes} bytes (Teams limit about ${TEAMS_MESSAGE_BYTES})`);
  return problems;
}
