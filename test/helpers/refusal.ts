import { AimsError } from '../../src/core/errors.ts';

/** Runs `work`, which must refuse with a domain error, and returns that error. */
export function refusal(work: () => unknown): AimsError {
  try {
    work();
  } catch (error) {
    if (error instanceof AimsError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}
