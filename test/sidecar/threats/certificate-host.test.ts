/**
 * Certificate name matching against OpenSSL's X509_check_host (node:crypto's `checkHost`, Node's defaults): certificates
 * made by `openssl` with awkward names (wildcards in every position, IDNA labels, too few labels), then thousands of
 * host names asked of both.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { certificateFacts } from '#sidecar/protocols/x509-facts.ts';
import { certificateCovers, nameMatches } from '#sidecar/threats/text/certificate-host.ts';
import { seededRandom } from '#test/helpers/random.ts';
import { selfSignedCertArgs } from '#test/helpers/self-signed-cert.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshward-hosts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const makeCert = (name: string, subject: string, san?: string): X509Certificate => {
  const extra = san === undefined ? [] : ['-addext', `subjectAltName=${san}`];
  execFileSync('openssl', selfSignedCertArgs(`${name}.key`, `${name}.pem`, subject, extra), {
    cwd: dir,
    stdio: 'ignore',
  });
  return new X509Certificate(readFileSync(join(dir, `${name}.pem`)));
};

const patterns = [
  '*.a.example',
  'b.example',
  'f*.c.example',
  '*o.d.example',
  'x*y.e.example',
  '*.example',
  'xn--*.f.example',
  '*.xn--p1ai.example',
  'g.*.example',
  '*.*.h.example',
  '-i.example',
  'j-.example',
  'k..example',
  '*',
];
const withSan = makeCert('san', '/CN=not-used.example', patterns.map((p) => `DNS:${p}`).join(','));
const cnOnly = makeCert('cn', '/CN=first.example/CN=*.second.example');
const labels = [
  'a',
  'b',
  'c',
  'd',
  'e',
  'f',
  'h',
  'example',
  'fo',
  'foo',
  'o',
  'xo',
  'xn--p1ai',
  'xn--zz',
  'xn--fo',
  '*',
  'A',
];
const { int } = seededRandom(0xc3a7);
const randomHost = (): string =>
  Array.from({ length: 1 + int(4) }, () => labels[int(labels.length)] ?? 'a')
    .concat(int(3) === 0 ? [] : ['example'])
    .join('.');

const factsOf = (cert: X509Certificate) => {
  const facts = certificateFacts(cert.raw);
  if (typeof facts === 'string') throw new Error(facts);
  return facts;
};

describe('certificate host names', () => {
  it('agrees with OpenSSL on 5,000 host names against a certificate of awkward DNS names', () => {
    const facts = factsOf(withSan);
    const disagreements: string[] = [];
    let covered = 0;
    for (let i = 0; i < 5000; i++) {
      const host = randomHost();
      const openssl = withSan.checkHost(host) !== undefined;
      if (openssl) covered += 1;
      if (certificateCovers(facts, host) !== openssl) disagreements.push(`${host}: OpenSSL says ${openssl}`);
    }
    expect(disagreements.slice(0, 10)).toEqual([]);
    // The draw must exercise both answers.
    expect(covered).toBeGreaterThan(200);
    expect(covered).toBeLessThan(4800);
  });

  it('agrees with OpenSSL on the edge cases by name (IDNA labels, partial wildcards, too few labels)', () => {
    const facts = factsOf(withSan);
    const hosts = [
      'xn--fo.d.example',
      'xn--o.d.example',
      'fo.d.example',
      'o.d.example',
      'f.c.example',
      'fxn--.c.example',
      'xy.e.example',
      'xzzy.e.example',
      'x.e.example',
      'q.a.example',
      'q.r.a.example',
      'a.example',
      'q.xn--p1ai.example',
      'xn--q.f.example',
      'g.q.example',
      'b.example',
      'B.EXAMPLE',
      'example',
      '*.a.example',
    ];
    expect(hosts.map((h) => [h, certificateCovers(facts, h)])).toEqual(
      hosts.map((h) => [h, withSan.checkHost(h) !== undefined]),
    );
  });

  it('falls back to every common name only when there is no DNS name, as OpenSSL does', () => {
    const facts = factsOf(cnOnly);
    for (const host of [
      'first.example',
      'x.second.example',
      'second.example',
      'x.first.example',
      'other.example',
    ])
      expect([host, certificateCovers(facts, host)]).toEqual([host, cnOnly.checkHost(host) !== undefined]);
    expect(certificateCovers(factsOf(withSan), 'not-used.example')).toBe(false);
  });

  it('compares an address literal with the IP entries, in either IPv6 form', () => {
    const cert = { names: ['api.example'], addresses: ['10.0.0.1', '2001:DB8:0:0:0:0:0:1'], commonNames: [] };
    expect(certificateCovers(cert, '10.0.0.1')).toBe(true);
    expect(certificateCovers(cert, '2001:db8::1')).toBe(true);
    expect(certificateCovers(cert, '10.0.0.2')).toBe(false);
  });

  it('reads the RFC 6125 cases by name', () => {
    expect(nameMatches('*.example.com', 'www.example.com')).toBe(true);
    expect(nameMatches('*.example.com', 'a.b.example.com')).toBe(false);
    expect(nameMatches('*.example.com', 'example.com')).toBe(false);
    expect(nameMatches('*.com', 'example.com')).toBe(false);
    expect(nameMatches('WWW.Example.COM', 'www.example.com')).toBe(true);
  });
});
