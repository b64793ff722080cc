import { AimsError } from '../../src/core/errors.ts';

/** Runs `work`, which must refuse with a domain error, and returns that error. */
export async function refusal(work: () => unknown): Promise<AimsError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof AimsError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}
