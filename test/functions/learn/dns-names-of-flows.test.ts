/** IP → FQDN entries from DNS answers: the asked name through CNAME chains, TTL bounds, addresses only. */
import { describe, expect, it } from 'vitest';
import { dnsNamesOfFlows, dnsNameTtlBounds } from '#functions/learn/dns-names-of-flows.ts';
import { at, flow } from '../platform/factories.ts';

const dnsFlow = (queries: string[], answers: { name: string; type: string; ttl: number; data: string }[]) =>
  flow({
    transport: 'udp',
    server: { ip: '10.96.0.10', port: 53 },
    protocol: 'dns',
    lastSeen: at(10),
    l7: { dns: { queries: queries.map((name) => ({ name, type: 'A' })), rcodes: ['NOERROR'], answers } },
  });

const plus = (seconds: number) => new Date(Date.parse(at(10)) + seconds * 1000).toISOString();

describe('dnsNamesOfFlows', () => {
  it('names each address by the name that was asked, following a CNAME chain back', () => {
    const names = dnsNamesOfFlows([
      dnsFlow(
        ['WWW.Example.com.'],
        [
          { name: 'www.example.com', type: 'CNAME', ttl: 600, data: 'edge.cdn.example.net' },
          { name: 'edge.cdn.example.net', type: 'CNAME', ttl: 600, data: 'a1.cdn.example.net.' },
          { name: 'a1.cdn.example.net', type: 'A', ttl: 600, data: '198.51.100.20' },
          { name: 'a1.cdn.example.net', type: 'AAAA', ttl: 600, data: '2001:db8::20' },
        ],
      ),
    ]);
    expect(names).toEqual([
      { ip: '198.51.100.20', fqdn: 'www.example.com', expiresAt: plus(600) },
      { ip: '2001:db8::20', fqdn: 'www.example.com', expiresAt: plus(600) },
    ]);
  });

  it('keeps a short TTL for at least the minimum and a long one for at most a day', () => {
    const [short, long] = dnsNamesOfFlows([
      dnsFlow(['a.example.com'], [{ name: 'a.example.com', type: 'A', ttl: 0, data: '192.0.2.1' }]),
      dnsFlow(['b.example.com'], [{ name: 'b.example.com', type: 'A', ttl: 2 ** 31, data: '192.0.2.2' }]),
    ]);
    expect(short?.expiresAt).toBe(plus(dnsNameTtlBounds.minSeconds));
    expect(long?.expiresAt).toBe(plus(dnsNameTtlBounds.maxSeconds));
  });

  it('ignores flows without answers, records that are no address, and a CNAME loop ends', () => {
    expect(dnsNamesOfFlows([flow(), dnsFlow(['x.example'], [])])).toEqual([]);
    const names = dnsNamesOfFlows([
      dnsFlow(
        ['q.example'],
        [
          { name: 'a.example', type: 'CNAME', ttl: 60, data: 'b.example' },
          { name: 'b.example', type: 'CNAME', ttl: 60, data: 'a.example' },
          { name: 'b.example', type: 'A', ttl: 60, data: 'not-an-ip' },
          { name: 'a.example', type: 'A', ttl: 60, data: '192.0.2.9' },
        ],
      ),
    ]);
    expect(names.map((n) => n.ip)).toEqual(['192.0.2.9']);
  });
});
