/** HTTP edge helpers: JSON responses, body decoding, and the one mapping from AppError codes to statuses. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError, type ErrorCode, toAppError } from '#core/errors.ts';

const statusOf: Record<ErrorCode, number> = {
  'bad-request': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  'config-invalid': 500,
  unavailable: 503,
  internal: 500,
};

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}) =>
  ({
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  }) satisfies APIGatewayProxyStructuredResultV2;

/** Maps any thrown value to a JSON error response; internal details never leak for 5xx. */
export const errorResponse = (error: unknown): APIGatewayProxyStructuredResultV2 => {
  const appError = toAppError(error);
  const statusCode = statusOf[appError.code];
  const message = statusCode >= 500 && appError.code === 'internal' ? 'internal error' : appError.message;
  return json(statusCode, { error: appError.code, message, details: appError.details });
};

/** The request body as text (API Gateway base64-encodes binary bodies). */
export const bodyText = (event: APIGatewayProxyEventV2): string => {
  if (event.body === undefined) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
};

/** Parses a JSON body, or throws a bad-request AppError saying what is wrong with it. */
export const jsonBody = (event: APIGatewayProxyEventV2): unknown => {
  const text = bodyText(event);
  if (text.trim() === '') throw new AppError('bad-request', 'request body is empty: expected JSON');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError('bad-request', `request body is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
};

/** Header lookup, case-insensitive as HTTP requires. */
export const header = (event: APIGatewayProxyEventV2, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
};
