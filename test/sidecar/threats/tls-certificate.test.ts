import { describe, expect, it } from 'vitest';
import type { CertificateFacts, TlsCertificateEvent, TlsClientHelloEvent } from '#sidecar/events.ts';
import { tlsCertificate } from '#sidecar/threats/tls-certificate.ts';
import { flow, runThreat } from './threat-factories.ts';

const now = Date.parse('2026-06-01T00:00:00Z');
const good: CertificateFacts = {
  subject: 'O=Shop, CN=api.shop.local',
  issuer: 'O=Shop, CN=Shop Root CA',
  commonNames: ['api.shop.local'],
  names: ['api.shop.local', '*.api.shop.local'],
  addresses: [],
  notBefore: Date.parse('2026-01-01T00:00:00Z'),
  notAfter: Date.parse('2027-01-01T00:00:00Z'),
  serial: '01',
  sha1: Array(20).fill('AA').join(':'),
  sha256: Array(32).fill('CD').join(':'),
  keyType: 'ec',
  keyBits: 256,
  signature: 'ecdsa-with-SHA256',
  ca: false,
  selfSigned: false,
};

const hello = (sni?: string): TlsClientHelloEvent => ({
  kind: 'tls-client-hello',
  ts: now,
  direction: 'to-server',
  version: 'TLS1.2',
  recordVersion: 'TLS1.0',
  ...(sni === undefined ? {} : { sni }),
  alpn: [],
  ja3: '',
  ja3Hash: '',
  ja4: '',
});

const certificate = (
  leaf: Partial<CertificateFacts> | undefined,
  direction: TlsCertificateEvent['direction'] = 'to-client',
): TlsCertificateEvent => ({
  kind: 'tls-certificate',
  ts: now,
  direction,
  chain: 2,
  ...(leaf === undefined
    ? { problem: 'certificate is not valid DER X.509 (bad)' }
    : { leaf: { ...good, ...leaf } }),
});

const evidence = (events: Parameters<typeof runThreat>[1], config?: Record<string, unknown>) =>
  runThreat(tlsCertificate, events, { flow: flow({ protocol: 'tls' }), ...(config ? { config } : {}) }).map(
    (hit) => hit.evidence,
  );

describe('tls-certificate', () => {
  it('says nothing of a valid certificate, issued by a CA, that covers the SNI', () => {
    expect(evidence([hello('api.shop.local'), certificate({})])).toEqual([]);
    expect(evidence([hello('v2.api.shop.local'), certificate({})])).toEqual([]);
    // No SNI: there is no name to hold the certificate to.
    expect(evidence([hello(), certificate({})])).toEqual([]);
  });

  it('reports an expired certificate at the packet time, not the wall clock', () => {
    const expired = { notAfter: now - 1 };
    expect(evidence([hello('api.shop.local'), certificate(expired)])).toEqual([
      'server certificate expired on 2026-05-31 (CN=api.shop.local, issued by CN=Shop Root CA)',
    ]);
    expect(evidence([certificate({ notBefore: now + 86_400_000 })])[0]).toMatch(
      /not valid before 2026-06-02/,
    );
  });

  it('reports a certificate about to expire, judged against its lifetime, unless switched off', () => {
    // A certificate of about five months with 3 days left: a renewal that failed.
    expect(evidence([certificate({ notAfter: now + 3 * 86_400_000 })])[0]).toMatch(
      /certificate expires in 3 days \(on 2026-06-04\), 2% of its lifetime left \(CN=/,
    );
    // A 24-hour certificate with 20 hours left is how short-lived certificates live: quiet.
    const daily = { notBefore: now - 4 * 3_600_000, notAfter: now + 20 * 3_600_000 };
    expect(evidence([certificate(daily)])).toEqual([]);
    // In its last tenth it is not renewed as it should be.
    expect(
      evidence([certificate({ notBefore: now - 22 * 3_600_000, notAfter: now + 2 * 3_600_000 })])[0],
    ).toMatch(/expires in 2 hours/);
    expect(evidence([certificate({ notAfter: now + 3 * 86_400_000 })], { expiringWithinDays: 0 })).toEqual(
      [],
    );
  });

  it('reports every problem of one certificate in one finding, worst first', () => {
    const bad = {
      notAfter: now - 1,
      selfSigned: true,
      keyType: 'rsa',
      keyBits: 1024,
      issuer: 'CN=api.shop.local',
    };
    expect(evidence([hello('pay.shop.local'), certificate(bad)])).toEqual([
      'server certificate expired on 2026-05-31; does not cover pay.shop.local; self-signed; rsa key of 1024 bits (CN=api.shop.local, issued by CN=api.shop.local)',
    ]);
  });

  it('reports a broken signature hash unless the certificate signed itself', () => {
    expect(evidence([certificate({ signature: 'sha1WithRSAEncryption' })])[0]).toMatch(
      /certificate signed with sha1WithRSAEncryption \(CN=/,
    );
    expect(evidence([certificate({ signature: 'md5WithRSAEncryption', selfSigned: true })])[0]).toMatch(
      /certificate self-signed \(CN=/,
    );
    expect(evidence([certificate({ keyType: 'ec', keyBits: 192 })])[0]).toMatch(
      /certificate ec key of 192 bits \(CN=/,
    );
  });

  it("judges a client's certificate (mutual TLS) on validity, not on the server's name", () => {
    expect(evidence([hello('other.local'), certificate({ selfSigned: true }, 'to-server')])).toEqual([]);
    expect(evidence([certificate({ notAfter: now - 1 }, 'to-server')])[0]).toMatch(
      /^client certificate expired/,
    );
    expect(evidence([certificate({ notAfter: now - 1 }, 'to-server')], { clients: false })).toEqual([]);
  });

  it('reports an unreadable certificate with lower confidence', () => {
    const hits = runThreat(tlsCertificate, [certificate(undefined)]);
    expect(hits).toMatchObject([
      {
        confidence: 0.6,
        evidence: 'server certificate unreadable: certificate is not valid DER X.509 (bad)',
      },
    ]);
    expect(runThreat(tlsCertificate, [certificate(undefined)], { config: { malformed: false } })).toEqual([]);
  });

  it('honours its switches and the fingerprints a team has accepted', () => {
    const selfSigned = [hello('api.shop.local'), certificate({ selfSigned: true })];
    expect(evidence(selfSigned)).toHaveLength(1);
    expect(evidence(selfSigned, { selfSigned: false })).toEqual([]);
    // As OpenSSL prints it, in either case.
    expect(evidence(selfSigned, { allowFingerprints: [Array(32).fill('cd').join(':')] })).toEqual([]);
    expect(evidence(selfSigned, { allowFingerprints: [Array(20).fill('AA').join(':')] })).toEqual([]);
    expect(evidence([hello('x.local'), certificate({})], { nameMismatch: false })).toEqual([]);
    expect(evidence([certificate({ notAfter: now - 1 })], { expired: false })).toEqual([]);
  });
});
