import { describe, expect, it } from 'vitest';
import {
  type ForwardedTally,
  forwardedClientsOf,
  tallyForwardedClient,
} from '#sidecar/engine/forwarded-clients.ts';
import type { Header } from '#sidecar/events.ts';
import { trustedProxies } from '#sidecar/protocols/trusted-proxies.ts';

const proxies = trustedProxies(['10.0.0.0/24']);
const tally = (requests: readonly (readonly Header[])[]): ForwardedTally | undefined =>
  requests.reduce<ForwardedTally | undefined>(
    (kept, headers) => tallyForwardedClient(kept, headers, proxies),
    undefined,
  );

describe('the clients a flow lists behind trusted proxies (ADR 31)', () => {
  it('keeps nothing until a request names a client', () => {
    expect(tally([[['Host', 'shop']], [['X-Forwarded-For', 'unknown']], []])).toBeUndefined();
  });

  it('lists 8 distinct addresses in order and counts the requests that named others, repeats included', () => {
    const named = Array.from({ length: 10 }, (_, i): Header[] => [
      ['X-Forwarded-For', `192.0.2.${i}, 10.0.0.7`],
    ]);
    const kept = tally([...named, [['x-real-ip', '192.0.2.0']], [['X-Forwarded-For', '192.0.2.9']]]);
    expect(kept === undefined ? undefined : forwardedClientsOf(kept)).toEqual({
      clients: Array.from({ length: 8 }, (_, i) => ({ ip: `192.0.2.${i}`, by: 'x-forwarded-for' })),
      otherRequests: 3,
    });
  });

  it('lists an address with a long IPv6 zone id without the zone (canonicalAddress), within what a finding carries', () => {
    const kept = tally([
      [['X-Forwarded-For', `fe80::1%${'a'.repeat(60)}`]],
      [['Forwarded', 'for="[2001:db8::7]"']],
    ]);
    expect(kept === undefined ? undefined : forwardedClientsOf(kept)).toEqual({
      clients: [
        { ip: 'fe80::1', by: 'x-forwarded-for' },
        { ip: '2001:db8::7', by: 'forwarded' },
      ],
    });
  });
});
