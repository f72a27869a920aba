/**
 * The client an AJP request names (ADR 52): `remote_addr` is the nearest hop, the one the proxy that forwarded the
 * request wrote; the request's forwarding headers, passed on as the client sent them, are read only past a trusted
 * `remote_addr`.
 */
import { describe, expect, it } from 'vitest';
import type { Header } from '#sidecar/events.ts';
import { requestClient } from '#sidecar/protocols/ajp-remote-client.ts';
import { trustedProxies, withHeader } from '#sidecar/protocols/trusted-proxies.ts';

const forged: Header[] = [['x-forwarded-for', '198.51.100.99']];

describe('requestClient', () => {
  it("names remote_addr over a client's own X-Forwarded-For when it is not a trusted proxy", () => {
    expect(requestClient(forged, undefined, '203.0.113.7:35718')).toEqual({
      ip: '203.0.113.7',
      port: 35718,
      by: 'ajp-remote-addr',
    });
    expect(requestClient(forged, trustedProxies(['10.0.0.0/8']), '203.0.113.7')).toEqual({
      ip: '203.0.113.7',
      port: 0,
      by: 'ajp-remote-addr',
    });
  });

  it('reads the headers past a trusted remote_addr (a balancer before Apache), and names it when there are none', () => {
    const balancer = trustedProxies(['10.0.0.0/8']);
    const chain: Header[] = [['x-forwarded-for', '198.51.100.99, 203.0.113.7, 10.0.0.5']];
    expect(requestClient(chain, balancer, '10.0.0.4:5000')).toEqual({
      ip: '203.0.113.7',
      port: 0,
      by: 'x-forwarded-for',
    });
    expect(requestClient([], balancer, '10.0.0.4:5000')).toEqual({
      ip: '10.0.0.4',
      port: 5000,
      by: 'ajp-remote-addr',
    });
    // Every hop trusted: the leftmost, as over HTTP; a hop that is not an address names nobody.
    expect(requestClient([['x-forwarded-for', '10.0.0.9']], balancer, '10.0.0.4')?.ip).toBe('10.0.0.9');
    expect(requestClient([['x-forwarded-for', 'unknown']], balancer, '10.0.0.4')).toBeUndefined();
    // The balancer writes X-Real-IP only: a client's X-Forwarded-For is not a chain to read.
    expect(requestClient(forged, withHeader(balancer, 'x-real-ip'), '10.0.0.4')?.by).toBe('ajp-remote-addr');
  });

  it('writes the address one way and names nobody for a remote_addr that is not one', () => {
    expect(requestClient([], undefined, '[::ffff:c000:201]:80')).toEqual({
      ip: '192.0.2.1',
      port: 80,
      by: 'ajp-remote-addr',
    });
    expect(requestClient(forged, undefined, 'localhost')).toBeUndefined();
    expect(requestClient(forged, undefined, '192.0.2.1:http')).toBeUndefined();
  });

  it('reads the forwarding headers as HTTP does when the request did not come over AJP', () => {
    expect(requestClient(forged, undefined, undefined)).toEqual({
      ip: '198.51.100.99',
      port: 0,
      by: 'x-forwarded-for',
    });
    expect(requestClient([], undefined, undefined)).toBeUndefined();
  });
});
