/** Machine-readable reasons a domain operation refused; adapters turn them into messages. */
export type ErrorCode =
  'invalid_input' | 'forbidden' | 'not_found' | 'conflict' | 'idempotency_conflict' | 'not_configured' | 'unknown_command';

/** A domain error: its message is written for the person who triggered it. */
export class AimsError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { hint?: string; fieldErrors?: Record<string, string>; boundTo?: string } = {},
  ) {
    super(message);
    this.name = 'AimsError';
  }
}

/** True for errors raised on purpose by core, as opposed to bugs and outages. */
export function isAimsError(error: unknown): error is AimsError {
  return error instanceof AimsError;
}

/** Turns zod issues into one message per form field (the first issue of each field wins). */
export function fieldErrorsOf(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= issue.message;
  }
  return errors;
}

/** Like `fieldErrorsOf`, for forms with rows: an issue in a row's field (`actions.0.title`) names that field. */
export function rowFieldErrorsOf(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): Record<string, string> {
  return fieldErrorsOf(
    issues.map((issue) => ({
      ...issue,
      path: issue.path.length > 2 ? [`${String(issue.path[0])}.${String(issue.path[1])}.${String(issue.path[2])}`] : issue.path,
    })),
  );
}

/** A form that did not validate: the message for each field, shown next to that field. */
export function invalidInput(fieldErrors: Record<string, string>): AimsError {
  const first = Object.values(fieldErrors)[0] ?? 'Some fields need attention.';
  return new AimsError('invalid_input', first, { fieldErrors });
}
