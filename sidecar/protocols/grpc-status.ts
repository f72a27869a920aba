/** gRPC status codes (grpc/doc/statuscodes.md): the `grpc-status` of a response's trailers, or of a Trailers-Only response. */
import type { Header } from '../events.ts';

const names = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

/** The response's gRPC status code, when it carries one (a decimal `grpc-status` header). */
export const grpcStatusOf = (headers: readonly Header[]): number | undefined => {
  for (const [name, value] of headers)
    if (name === 'grpc-status' && /^\d{1,3}$/.test(value)) return Number(value);
  return undefined;
};

/** `UNAUTHENTICATED` for 16; a code outside the specification as its number. */
export const grpcStatusName = (code: number): string => names[code] ?? String(code);
