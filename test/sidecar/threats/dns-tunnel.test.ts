import { describe, expect, it } from 'vitest';
import type { DnsMessageEvent } from '#sidecar/events.ts';
import { dnsTunnel } from '#sidecar/threats/dns-tunnel.ts';
import { dnsQuery, flow, runThreat } from './threat-factories.ts';

/** Deterministic pseudo-random base32 text (iodine encodes upstream data in base32/base64/base128 labels). */
const base32 = (seed: number, length: number): string => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz012345';
  let x = seed * 2_654_435_761;
  let out = '';
  for (let i = 0; i < length; i++) {
    x = (x * 1_103_515_245 + 12_345) >>> 0;
    out += alphabet[(x >>> 16) % 32];
  }
  return out;
};
const hex = (seed: number, length: number): string =>
  base32(seed, length).replace(/[g-z]/g, (c) => ((c.charCodeAt(0) - 103) % 10).toString());
const dns = { flow: flow({ transport: 'udp', protocol: 'dns', server: { ip: '10.96.0.10', port: 53 } }) };
const queries = (names: readonly string[], type = 'A'): DnsMessageEvent[] =>
  names.map((name, i) => dnsQuery(name, type, { ts: 1_000 + i * 200 }));

describe('dns-tunnel', () => {
  it('catches iodine-style NULL queries with long base32 labels', () => {
    const names = Array.from(
      { length: 40 },
      (_, i) => `0${base32(i, 58)}.${base32(i + 99, 50)}.t.tunnel.example`,
    );
    const evidence = runThreat(dnsTunnel, queries(names, 'NULL'), dns).map((h) => h.evidence);
    expect(evidence).toContainEqual(
      expect.stringMatching(/^15 unique subdomains averaging \d+ chars, entropy .* under tunnel\.example$/),
    );
  });

  it('catches dnscat2-style hex TXT queries', () => {
    const names = Array.from({ length: 30 }, (_, i) => `${hex(i, 60)}.${hex(i + 7, 30)}.c2.example.net`);
    expect(runThreat(dnsTunnel, queries(names, 'TXT'), dns)).not.toEqual([]);
  });

  it('does not flag Kubernetes search-path expansion of many lookups', () => {
    const services = [
      'api.stripe.com',
      'hooks.slack.com',
      'www.googleapis.com',
      'registry-1.docker.io',
      'github.com',
    ];
    const suffixes = [
      'default.svc.cluster.local',
      'svc.cluster.local',
      'cluster.local',
      'us-east-1.compute.internal',
      '',
    ];
    const names = Array.from({ length: 400 }, (_, i) => {
      const suffix = suffixes[i % suffixes.length] ?? '';
      const name = `${services[Math.floor(i / 5) % services.length]}-${i}`;
      return suffix === '' ? `${name}.example.org` : `${name}.${suffix}`;
    });
    expect(runThreat(dnsTunnel, queries(names), dns)).toEqual([]);
  });

  it('does not flag CDN names or cloud SDK endpoints', () => {
    const cdn = Array.from({ length: 100 }, (_, i) => `d${hex(i, 13)}.cloudfront.net`);
    const sdk = Array.from(
      { length: 100 },
      (_, i) =>
        `${['s3', 'sts', 'dynamodb', 'sqs'][i % 4]}.${['us-east-1', 'eu-west-1', 'ap-south-1'][i % 3]}.amazonaws.com`,
    );
    const akamai = Array.from({ length: 100 }, (_, i) => `e${1000 + i}.a.akamaiedge.net`);
    expect(runThreat(dnsTunnel, queries([...cdn, ...sdk, ...akamai]), dns)).toEqual([]);
  });

  it('does not flag many short unique hosts of one domain (per-tenant subdomains)', () => {
    const names = Array.from({ length: 200 }, (_, i) => `tenant${i}.api.saas.example`);
    expect(runThreat(dnsTunnel, queries(names), dns)).toEqual([]);
  });

  it('reports a single exfiltration-style query (binary bytes or a long random subdomain) with lower confidence', () => {
    const [binary] = runThreat(dnsTunnel, [dnsQuery('4sicn03\u0001\u00ff2qaa3r.test.txt')], dns);
    expect(binary).toMatchObject({
      confidence: 0.6,
      evidence: 'non-hostname characters in the query name under test.txt',
    });
    const [random] = runThreat(dnsTunnel, [dnsQuery(`${base32(7, 40)}.${base32(8, 30)}.x.example`)], dns);
    expect(random?.evidence).toMatch(/a 70-char subdomain with entropy/);
  });

  it('does not report one long but readable name, or SRV and wildcard labels', () => {
    const names = [
      'this-is-a-very-long-but-perfectly-readable-service-name-for-testing.example.com',
      '_ldap._tcp.dc._msdcs.corp.example',
      '*.example.com',
    ];
    expect(runThreat(dnsTunnel, queries(names), dns)).toEqual([]);
  });
});
