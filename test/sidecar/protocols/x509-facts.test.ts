/**
 * Certificate facts against OpenSSL's own command-line printer: certificates made by `openssl` in the test, each read
 * by `certificateFacts` and by `openssl x509 -noout -text`, which must agree on names, dates, fingerprint, key and
 * signature algorithm.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CertificateFacts } from '#sidecar/events.ts';
import { altNames, certificateFacts } from '#sidecar/protocols/x509-facts.ts';
import { oidText, signatureAlgorithm } from '#sidecar/protocols/x509-signature.ts';
import { seededRandom } from '#test/helpers/random.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshward-x509-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const openssl = (args: string[]): string =>
  execFileSync('openssl', args, { encoding: 'utf8', cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
const nameopt = 'esc_2253,esc_ctrl,utf8,dump_nostr,dump_der,sep_comma_plus_space,sname';

/** A certificate made by `openssl req -x509` (self-signed), or signed by `ca` when given; returns its DER path. */
const makeCert = (name: string, key: string[], subject: string, extra: string[], ca?: string): string => {
  openssl(['genpkey', ...key, '-out', `${name}.key`]);
  if (ca === undefined) {
    openssl([
      'req',
      '-x509',
      '-key',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '30',
      '-subj',
      subject,
      ...extra,
    ]);
  } else {
    openssl(['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
    writeFileSync(join(dir, `${name}.ext`), extra.join('\n'));
    openssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-days',
      '10',
      '-sha256',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ]);
  }
  openssl(['x509', '-in', `${name}.pem`, '-outform', 'DER', '-out', `${name}.der`]);
  return join(dir, `${name}.der`);
};

/** What `openssl x509` prints of a certificate, in the facts' terms. */
const opensslView = (der: string) => {
  const line = (flag: string) =>
    openssl(['x509', '-inform', 'DER', '-in', der, '-noout', flag, '-nameopt', nameopt])
      .trim()
      .replace(/^[^=]+=/, '');
  const text = openssl(['x509', '-inform', 'DER', '-in', der, '-noout', '-text']);
  const san = /X509v3 Subject Alternative Name:.*\n\s+(.*)/.exec(text)?.[1] ?? '';
  const entries = san.split(', ').filter((e) => e.length > 0);
  return {
    subject: line('-subject'),
    issuer: line('-issuer'),
    notBefore: Date.parse(line('-startdate')),
    notAfter: Date.parse(line('-enddate')),
    sha1: openssl(['x509', '-inform', 'DER', '-in', der, '-noout', '-fingerprint', '-sha1'])
      .trim()
      .replace(/^.*=/, ''),
    names: entries.filter((e) => e.startsWith('DNS:')).map((e) => e.slice(4)),
    signature: /Signature Algorithm: (\S+)/.exec(text)?.[1],
    // Ed25519 keys print no size.
    keyBits:
      /Public-Key: \((\d+) bit\)/.exec(text)?.[1] === undefined
        ? 256
        : Number(/\((\d+) bit\)/.exec(text)?.[1]),
  };
};

const factsOf = (der: string): CertificateFacts => {
  const facts = certificateFacts(readFileSync(der));
  if (typeof facts === 'string') throw new Error(facts);
  return facts;
};

const rsaSha1 = makeCert(
  'rsa-sha1',
  ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'],
  '/C=US/O=Acme, Inc/CN=legacy.shop.local',
  [
    '-sha1',
    '-addext',
    'subjectAltName=DNS:legacy.shop.local,DNS:*.legacy.shop.local,IP:10.0.0.1,IP:2001:db8::1',
  ],
);
makeCert('ca', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/O=Shop/CN=Shop Root CA', []);
const leaf = makeCert(
  'leaf',
  ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  '/O=Shop/OU=Payments/CN=api.shop.local',
  ['subjectAltName=DNS:api.shop.local,DNS:api.shop.svc.cluster.local'],
  'ca',
);
const ed25519 = makeCert('ed', ['-algorithm', 'ED25519'], '/CN=edge.shop.local', []);

describe('certificate facts', () => {
  it.each([
    ['RSA 1024, SHA-1, self-signed, DNS and IP names', rsaSha1],
    ['EC P-384 signed by an EC P-256 CA', leaf],
    ['Ed25519, self-signed, no alternative names', ed25519],
    ['the CA itself', join(dir, 'ca.der')],
  ])('%s: as openssl x509 prints it', (_name, der) => {
    const facts = factsOf(der);
    const view = opensslView(der);
    expect(facts).toMatchObject({
      subject: view.subject,
      issuer: view.issuer,
      notBefore: view.notBefore,
      notAfter: view.notAfter,
      sha1: view.sha1,
      names: view.names,
      signature: view.signature,
      keyBits: view.keyBits,
    });
  });

  it('tells a self-signed certificate from one a CA issued, and reads key types and common names', () => {
    expect(factsOf(rsaSha1)).toMatchObject({
      keyType: 'rsa',
      selfSigned: true,
      commonNames: ['legacy.shop.local'],
      addresses: ['10.0.0.1', '2001:DB8:0:0:0:0:0:1'],
    });
    expect(factsOf(leaf)).toMatchObject({ keyType: 'ec', selfSigned: false, ca: false });
    expect(factsOf(join(dir, 'ca.der'))).toMatchObject({ selfSigned: true, ca: true });
    expect(factsOf(ed25519)).toMatchObject({ keyType: 'ed25519', names: [], addresses: [] });
  });

  it('reads a certificate seen again from memory, frozen, since every connection to a server shows the same one', () => {
    const der = readFileSync(leaf);
    const first = certificateFacts(der);
    expect(certificateFacts(Uint8Array.from(der))).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen((first as CertificateFacts).names)).toBe(true);
  });

  it('reads quoted alternative names as Node prints them since 17.3.1', () => {
    expect(
      altNames('DNS:"evil.com, DNS:good.com", DNS:plain.example, IP Address:10.1.2.3, email:a@b'),
    ).toEqual({
      names: ['evil.com, DNS:good.com', 'plain.example'],
      addresses: ['10.1.2.3'],
    });
    expect(altNames(undefined)).toEqual({ names: [], addresses: [] });
  });

  it('gives a reason, never a throw, for bytes that are not a certificate', () => {
    expect(certificateFacts(new Uint8Array(0))).toBe('empty certificate');
    expect(certificateFacts(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))).toMatch(/not valid DER X\.509/);
    expect(certificateFacts(new Uint8Array(70_000))).toMatch(/over 65536/);
  });

  it('never throws on 2,000 certificates with bits flipped, truncated or extended', () => {
    const { next: random } = seededRandom(0x5e1f);
    const original = readFileSync(leaf);
    let read = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from(original);
      for (let flips = 1 + Math.floor(random() * 3); flips > 0; flips--) {
        const at = Math.floor(random() * bytes.length);
        bytes[at] = (bytes[at] ?? 0) ^ (1 << Math.floor(random() * 8));
      }
      const cut = i % 4 === 0 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes;
      const facts = certificateFacts(cut);
      if (typeof facts !== 'string') read += 1;
      expect(() => signatureAlgorithm(cut)).not.toThrow();
    }
    // Flips inside names or the signature leave a readable certificate; flips in lengths do not.
    expect(read).toBeGreaterThan(100);
    expect(read).toBeLessThan(2000);
  });

  it('writes OIDs as dotted text and refuses unterminated ones', () => {
    expect(oidText(Uint8Array.from([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]), 0, 8)).toBe(
      '1.2.840.10045.4.3.2',
    );
    expect(oidText(Uint8Array.from([0x2a, 0x86]), 0, 2)).toBeUndefined();
    expect(oidText(Uint8Array.from([]), 0, 0)).toBeUndefined();
  });
});
