/** gRPC calls on HTTP/2 (gRPC "PROTOCOL-HTTP2"): a request whose content-type is application/grpc*. */
import type { GrpcCallEvent, Header } from '../events.ts';

/**
 * gRPC over HTTP/2: content-type application/grpc[+proto|...] and :path /package.Service/Method. `forwarding`: the
 * request's forwarding headers (`forwardingHeaders`), kept on the call when there are any (ADR 31).
 */
export const http2GrpcCall = (
  headers: readonly Header[],
  streamId: number,
  ts: number,
  forwarding: readonly Header[],
): GrpcCallEvent | undefined => {
  const contentType = headers.find((h) => h[0] === 'content-type')?.[1] ?? '';
  if (!contentType.toLowerCase().startsWith('application/grpc')) return undefined;
  const path = headers.find((h) => h[0] === ':path')?.[1] ?? '';
  const slash = path.indexOf('/', 1);
  if (!path.startsWith('/') || slash < 2 || slash === path.length - 1) return undefined;
  return {
    kind: 'grpc-call',
    ts,
    direction: 'to-server',
    service: path.slice(1, slash),
    method: path.slice(slash + 1),
    streamId,
    forwarding: forwarding.length > 0 ? forwarding : undefined,
  };
};
