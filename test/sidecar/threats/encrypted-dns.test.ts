/** encrypted-dns: DoH, DoT and DoQ to public resolvers, and DNS read in plaintext HTTP. */
import { describe, expect, it } from 'vitest';
import type { TlsClientHelloEvent } from '#sidecar/events.ts';
import { encryptedDns } from '#sidecar/threats/encrypted-dns.ts';
import { dnsQuery, flow, runThreat } from './threat-factories.ts';

const hello = (sni: string | undefined, alpn: string[] = ['h2', 'http/1.1']): TlsClientHelloEvent => ({
  kind: 'tls-client-hello',
  ts: 1_000,
  direction: 'to-server',
  version: 'TLS1.3',
  recordVersion: 'TLS1.0',
  ...(sni === undefined ? {} : { sni }),
  alpn,
  ja3: '',
  ja3Hash: '',
  ja4: '',
});

const tls = (ip: string, port = 443, transport: 'tcp' | 'udp' = 'tcp') => ({
  flow: flow({ transport, protocol: transport === 'udp' ? 'quic' : 'tls', server: { ip, port } }),
});
const evidence = (hits: { evidence: string }[]) => hits.map((h) => h.evidence);

describe('encrypted-dns', () => {
  it('reports TLS to a public resolver by name, subdomains included, and QUIC as QUIC', () => {
    expect(evidence(runThreat(encryptedDns, [hello('dns.google')], tls('203.0.113.8')))).toEqual([
      'TLS to the public DNS resolver dns.google at 203.0.113.8:443 (ALPN h2,http/1.1)',
    ]);
    expect(runThreat(encryptedDns, [hello('Mozilla.Cloudflare-DNS.com.')], tls('203.0.113.8'))).toHaveLength(
      1,
    );
    expect(
      runThreat(encryptedDns, [hello('abc123.dns.nextdns.io', [])], tls('203.0.113.8', 853)),
    ).toHaveLength(1);
    const quic = runThreat(encryptedDns, [hello('dns.quad9.net', ['h3'])], tls('203.0.113.8', 443, 'udp'));
    expect(evidence(quic)[0]).toMatch(/^QUIC to the public DNS resolver dns\.quad9\.net/);
  });

  it('reports ALPN doq and dot whatever the server is called, with full confidence', () => {
    const doq = runThreat(
      encryptedDns,
      [hello('resolver.internal.example', ['doq'])],
      tls('10.1.2.3', 853, 'udp'),
    );
    expect(doq).toMatchObject([{ evidence: 'DNS over QUIC (ALPN doq) to 10.1.2.3:853', confidence: 1 }]);
    const dot = runThreat(encryptedDns, [hello(undefined, ['dot'])], tls('10.1.2.3', 853));
    expect(dot).toMatchObject([{ evidence: 'DNS over TLS (ALPN dot) to 10.1.2.3:853', confidence: 1 }]);
  });

  it('reports TLS naming no server (or an address) to a public resolver address, IPv6 and CIDR entries too', () => {
    expect(runThreat(encryptedDns, [hello(undefined)], tls('1.1.1.1', 853))).toMatchObject([
      { evidence: 'TLS naming no server to the public DNS resolver address 1.1.1.1:853', confidence: 0.8 },
    ]);
    expect(runThreat(encryptedDns, [hello('8.8.8.8')], tls('8.8.8.8'))).toHaveLength(1);
    expect(runThreat(encryptedDns, [hello(undefined)], tls('2606:4700:4700::1111'))).toHaveLength(1);
    // An IPv6 literal with hex letters is an address too, bracketed or not.
    expect(
      runThreat(encryptedDns, [hello('2001:4860:4860::8888')], tls('2001:4860:4860::8888')),
    ).toHaveLength(1);
    expect(
      runThreat(encryptedDns, [hello('[2606:4700:4700::1111]')], tls('2606:4700:4700::1111')),
    ).toHaveLength(1);
    // A name made only of hex letters and digits is still a name.
    expect(runThreat(encryptedDns, [hello('cafe.beef')], tls('1.1.1.1'))).toEqual([]);
    expect(runThreat(encryptedDns, [hello(undefined)], tls('45.90.28.77'))).toHaveLength(1);
    // A named site on a resolver's address is that site.
    expect(runThreat(encryptedDns, [hello('www.example.com')], tls('1.1.1.1'))).toEqual([]);
  });

  it('leaves ordinary TLS alone, and names that only end like a resolver', () => {
    for (const sni of [
      'www.google.com',
      'api.github.com',
      'notdns.google.example',
      'mydns.google',
      'xquad9.net',
    ])
      expect(runThreat(encryptedDns, [hello(sni)], tls('203.0.113.8')), sni).toEqual([]);
    expect(runThreat(encryptedDns, [hello(undefined)], tls('10.96.0.10'))).toEqual([]);
  });

  it('reports a DNS query read in plaintext HTTP, not its answer, nor DNS on port 53', () => {
    const http = { flow: flow({ server: { ip: '10.0.0.9', port: 8053 } }) };
    const asked = dnsQuery('exfil.example', 'TXT', { transport: 'http' });
    expect(runThreat(encryptedDns, [asked], http)).toMatchObject([
      { evidence: 'DNS over HTTP for exfil.example TXT to 10.0.0.9:8053, read in plaintext', confidence: 1 },
    ]);
    expect(runThreat(encryptedDns, [{ ...asked, isResponse: true }], http)).toEqual([]);
    expect(runThreat(encryptedDns, [dnsQuery('exfil.example')], http)).toEqual([]);
    expect(runThreat(encryptedDns, [asked], { ...http, config: { plaintext: false } })).toEqual([]);
  });

  it('takes a team’s own resolvers and names from the policy', () => {
    const own = { ...tls('10.0.0.53', 853), config: { allowServers: ['10.0.0.0/24'] } };
    expect(runThreat(encryptedDns, [hello(undefined, ['dot'])], own)).toEqual([]);
    const extra = { ...tls('203.0.113.8'), config: { extraResolverNames: ['doh.corp.example'] } };
    expect(runThreat(encryptedDns, [hello('doh.corp.example')], extra)).toHaveLength(1);
    const replaced = { ...tls('203.0.113.8'), config: { resolverNames: ['doh.corp.example'] } };
    expect(runThreat(encryptedDns, [hello('dns.google')], replaced)).toEqual([]);
    expect(() => encryptedDns.config.parse({ allowServers: ['resolver.local'] })).toThrow(/resolver\.local/);
    expect(() => encryptedDns.config.parse({ resolverAdresses: [] })).toThrow();
  });
});
