/**
 * The client a forwarding proxy names for the request an event belongs to (ADR 28, 29): a request's own headers, for a
 * response the headers of the request it answers, for a gRPC call its request's, for a WebSocket message the upgrade
 * request's. Read only when a detector needs it (a hit, a refusal), not for every event.
 */
import type { Endpoint, OriginBy } from '#core/finding.ts';
import type { Header, ProtocolEvent } from '../events.ts';
import { requestClient } from '../protocols/ajp-remote-client.ts';
import type { TrustedProxies } from '../protocols/trusted-proxies.ts';

export type Origin = { endpoint: Endpoint; by: OriginBy };

/** The remote address an AJP request (or the request a response answers) names: the nearest hop (ADR 52). */
const remoteAddrOf = (event: ProtocolEvent): string | undefined => {
  if (event.kind === 'http-request') return event.remoteAddr;
  return event.kind === 'http-response' ? event.request?.remoteAddr : undefined;
};

/** The forwarding headers an event carries or names; undefined for events of other kinds, or without any. */
const forwardingOf = (event: ProtocolEvent): readonly Header[] | undefined => {
  switch (event.kind) {
    case 'http-request':
      return event.headers;
    case 'http-response':
      return event.request?.forwarding;
    case 'grpc-call':
    case 'websocket-message':
      return event.forwarding;
    default:
      return undefined;
  }
};

export const requestOrigin = (
  event: { kind: string } | undefined,
  proxies: TrustedProxies | undefined,
): Origin | undefined => {
  if (event === undefined) return undefined;
  const headers = forwardingOf(event as ProtocolEvent);
  const found =
    headers === undefined ? undefined : requestClient(headers, proxies, remoteAddrOf(event as ProtocolEvent));
  return found === undefined ? undefined : { endpoint: { ip: found.ip, port: found.port }, by: found.by };
};
