/** The one exception family: AppError with a stable code, mapped to a response once per edge. */

export const errorCodes = [
  'bad-request',
  'unauthenticated',
  'forbidden',
  'not-found',
  'conflict',
  'too-large',
  'config-invalid',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly string[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: readonly string[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details ?? [];
  }
}

export const isAppError = (value: unknown): value is AppError => value instanceof AppError;

/** Wraps anything thrown into an AppError, keeping the original as the cause. */
export const toAppError = (value: unknown): AppError =>
  isAppError(value)
    ? value
    : new AppError('internal', value instanceof Error ? value.message : String(value), { cause: value });
