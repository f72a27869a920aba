/**
 * The client a forwarding proxy names for the request an HTTP event belongs to (ADR 28): a request's own headers, or
 * for a response the headers of the request it answers. Read only when a detector needs it (a hit, a refusal), not
 * for every event.
 */
import type { Endpoint, OriginBy } from '#core/finding.ts';
import type { ProtocolEvent } from '../events.ts';
import { forwardedClient } from '../protocols/http-forwarded.ts';
import type { TrustedProxies } from '../protocols/trusted-proxies.ts';

export type Origin = { endpoint: Endpoint; by: OriginBy };

export const requestOrigin = (
  event: { kind: string } | undefined,
  proxies: TrustedProxies | undefined,
): Origin | undefined => {
  if (event === undefined) return undefined;
  let found: ReturnType<typeof forwardedClient>;
  if (event.kind === 'http-request')
    found = forwardedClient((event as ProtocolEvent & { kind: 'http-request' }).headers, proxies);
  else if (event.kind === 'http-response') {
    const request = (event as ProtocolEvent & { kind: 'http-response' }).request;
    found = request === undefined ? undefined : forwardedClient(request.forwarding, proxies);
  }
  return found === undefined ? undefined : { endpoint: { ip: found.ip, port: found.port }, by: found.by };
};
