/** Machine-readable reasons a domain operation refused; adapters turn them into messages. */
export type ErrorCode =
  | 'invalid_input'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'not_configured'
  | 'unknown_command';

/** A domain error: its message is written for the person who triggered it. */
export class AimsError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { field?: string; hint?: string } = {},
  ) {
    super(message);
    this.name = 'AimsError';
  }
}

/** True for errors raised on purpose by core, as opposed to bugs and outages. */
export function isAimsError(error: unknown): error is AimsError {
  return error instanceof AimsError;
}
