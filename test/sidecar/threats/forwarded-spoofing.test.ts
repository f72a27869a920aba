import { describe, expect, it } from 'vitest';
import type { Header } from '#sidecar/events.ts';
import { trustedProxies } from '#sidecar/protocols/trusted-proxies.ts';
import { forwardedSpoofing, shorthandIpv4 } from '#sidecar/threats/forwarded-spoofing.ts';
import { flow, httpRequest, runThreat } from './threat-factories.ts';

const remote = flow({ client: { ip: '10.0.0.5', port: 40000 } });
const local = flow({ client: { ip: '127.0.0.6', port: 40000 } });
const ingress = trustedProxies(['10.42.0.0/16']);
const run = (headers: Header[], options: Parameters<typeof runThreat>[2] = {}) =>
  runThreat(forwardedSpoofing, [httpRequest('/admin', { headers })], { flow: remote, ...options });

describe('IPv4 shorthands, as inet_aton reads them', () => {
  it.each([
    ['127.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['169.254.43518', '169.254.169.254'],
    ['10.1.2.3', '10.1.2.3'],
  ])('reads %s as %s', (text, ip) => expect(shorthandIpv4(text)).toBe(ip));

  it.each(['127.256.0.1', '089.0.0.1', '4294967296', '1.2.3.4.5', '127.', 'x7f', ''])('refuses %j', (text) =>
    expect(shorthandIpv4(text)).toBeUndefined(),
  );

  it('reports a shorthand loopback claim, naming what it reads as', () => {
    const hits = run([['x-forwarded-for', '127.1']]);
    expect(hits[0]?.evidence).toBe(
      'GET /admin with x-forwarded-for: 127.1 (127.0.0.1) from 10.0.0.5: a client passing for the server itself',
    );
    expect(run([['x-client-ip', '2130706433']])).toHaveLength(1);
    expect(run([['x-forwarded-for', '167772161']])).toEqual([]);
  });
});

describe('forwarded-spoofing: a client passing for the server itself', () => {
  it.each([
    [[['x-forwarded-for', '127.0.0.1']], 'x-forwarded-for: 127.0.0.1'],
    [[['x-real-ip', '127.1.2.3']], 'x-real-ip: 127.1.2.3'],
    [[['x-forwarded-for', '203.0.113.9, ::1']], 'x-forwarded-for: ::1'],
    [[['forwarded', 'for="[::1]:80";proto=http']], 'forwarded: ::1'],
    [[['x-client-ip', 'localhost']], 'x-client-ip: localhost'],
    [[['true-client-ip', '0.0.0.0']], 'true-client-ip: 0.0.0.0'],
    [[['x-originating-ip', '169.254.169.254']], 'x-originating-ip: 169.254.169.254'],
    [[['x-forwarded-for', '::ffff:127.0.0.1']], 'x-forwarded-for: ::ffff:127.0.0.1'],
    // Other spellings of the same addresses.
    [[['x-forwarded-for', '0:0:0:0:0:0:0:1']], 'x-forwarded-for: 0:0:0:0:0:0:0:1'],
    [[['x-real-ip', '::ffff:7f00:1']], 'x-real-ip: ::ffff:7f00:1'],
    [[['x-forwarded-for', 'FE80::1']], 'x-forwarded-for: FE80::1'],
    // Headers the bypass tools and PortSwigger's lab send that applications read too (Burp's 403 Bypasser sends
    // X-Custom-IP-Authorization; WebLogic's and Java proxies' Proxy-Client-IP and WL-Proxy-Client-IP).
    [[['x-custom-ip-authorization', '127.0.0.1']], 'x-custom-ip-authorization: 127.0.0.1'],
    [[['x-forwarded', '127.0.0.1']], 'x-forwarded: 127.0.0.1'],
    [[['forwarded-for', '127.0.0.1']], 'forwarded-for: 127.0.0.1'],
    [[['x-original-remote-addr', '127.0.0.1']], 'x-original-remote-addr: 127.0.0.1'],
    [[['x-proxyuser-ip', '127.0.0.1']], 'x-proxyuser-ip: 127.0.0.1'],
    [[['proxy-client-ip', '127.0.0.1']], 'proxy-client-ip: 127.0.0.1'],
    [[['wl-proxy-client-ip', '127.0.0.1']], 'wl-proxy-client-ip: 127.0.0.1'],
    [[['x-true-client-ip', '127.0.0.1']], 'x-true-client-ip: 127.0.0.1'],
    [[['fastly-client-ip', '127.0.0.1']], 'fastly-client-ip: 127.0.0.1'],
    [[['real-ip', '127.0.0.1']], 'real-ip: 127.0.0.1'],
  ] as [Header[], string][])('reports %j', (headers, claim) => {
    const hits = run(headers);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ severity: 'medium', confidence: 0.7, origin: null });
    expect(hits[0]?.evidence).toBe(
      `GET /admin with ${claim} from 10.0.0.5: a client passing for the server itself`,
    );
  });

  it('reads Forwarded as the client reader does: a quoted value holding "for=127.0.0.1" is no claim', () => {
    expect(run([['forwarded', 'for=203.0.113.9;host="shop, for=127.0.0.1;x"']])).toEqual([]);
    expect(run([['forwarded', 'for=203.0.113.9;by="a,b", for=127.0.0.1']])).toHaveLength(1);
  });

  it('is not surer for two loopback entries in one header: that is one header, not a tool trying several', () => {
    const hits = run([['x-forwarded-for', '127.0.0.1, 127.0.0.2']]);
    expect(hits[0]?.confidence).toBe(0.7);
    expect(hits[0]?.evidence).not.toContain('several headers');
  });

  it('is surer when several headers claim it at once, as bypass tools send them', () => {
    const hits = run([
      ['x-forwarded-for', '127.0.0.1'],
      ['x-real-ip', '127.0.0.1'],
      ['x-originating-ip', '127.0.0.1'],
    ]);
    expect(hits[0]?.confidence).toBe(0.9);
    expect(hits[0]?.evidence).toContain('several headers at once');
  });

  it.each([
    [[['x-forwarded-for', '203.0.113.9, 10.42.0.7']]],
    [[['x-forwarded-for', '1127.0.0.1']]],
    [[['forwarded', 'for=192.0.2.60;by=127.0.0.1']]],
    [[['host', '127.0.0.1']]],
    [[['referer', 'http://127.0.0.1/']]],
    [[['x-forwarded-for', 'unknown']]],
  ] as [Header[]][])('leaves %j alone', (headers) => {
    expect(run(headers)).toEqual([]);
  });

  it('leaves a peer on loopback alone: a mesh sidecar hands requests to the app from 127.0.0.6', () => {
    expect(run([['x-forwarded-for', '127.0.0.1']], { flow: local })).toEqual([]);
  });
});

describe('forwarded-spoofing behind a trusted proxy that writes one header', () => {
  it("judges the other forwarding headers as the client's own, every entry of them", () => {
    const fromIngress = flow({ client: { ip: '10.42.3.3', port: 40000 } });
    const headers: Header[] = [['x-forwarded-for', '127.0.0.1']];
    // Writing X-Forwarded-For itself, the proxy vouches for its rightmost entry; writing only X-Real-IP, it does not.
    expect(run(headers, { proxies: ingress, flow: fromIngress })).toEqual([]);
    const realIpOnly = trustedProxies(['10.42.0.0/16'], 'test', 'x-real-ip');
    expect(run(headers, { proxies: realIpOnly, flow: fromIngress })).toHaveLength(1);
  });
});

describe('forwarded-spoofing: forwarding headers from a peer that is not a trusted proxy', () => {
  it('reports them only when trusted proxies are configured, at low severity', () => {
    const headers: Header[] = [['x-forwarded-for', '203.0.113.9']];
    expect(run(headers)).toEqual([]);
    const hits = run(headers, { proxies: ingress });
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ severity: 'low', origin: null });
    expect(hits[0]?.evidence).toBe(
      'x-forwarded-for from 10.0.0.5, which is not a trusted proxy (10.42.0.0/16): the client wrote its own',
    );
  });

  it('leaves a trusted proxy alone, requests with no forwarding header, and can be turned off', () => {
    const fromIngress = flow({ client: { ip: '10.42.3.3', port: 40000 } });
    expect(run([['x-forwarded-for', '203.0.113.9']], { proxies: ingress, flow: fromIngress })).toEqual([]);
    expect(run([['accept', '*/*']], { proxies: ingress })).toEqual([]);
    expect(
      run([['x-real-ip', '203.0.113.9']], { proxies: ingress, config: { untrustedPeers: 'off' } }),
    ).toEqual([]);
  });
});
