import type { Platform } from '../core/identity.ts';

/** How a person types a command on their platform. */
export function commandPrefix(platform: Platform): string {
  return platform === 'slack' ? '/aims ' : 'aims ';
}
