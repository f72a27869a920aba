import { describe, expect, it } from 'vitest';
import { cipherSuiteName, cipherSuiteText } from '#sidecar/protocols/tls-cipher-names.ts';
import { cipherVerdict } from '#sidecar/protocols/tls-cipher-strength.ts';

/** The suites nDPI 4.2's ndpi_is_safe_ssl_cipher calls insecure (RC4) or weak, after Qualys' SSL Labs grading. */
const ndpiInsecure = [0xc011, 0x0005, 0x0004];
const ndpiWeak = [
  0x009d, 0x003d, 0x0035, 0x0084, 0x009c, 0x003c, 0x002f, 0x0041, 0xc012, 0x0016, 0x000a, 0x0096, 0x0007,
];

describe('cipher suite names and strength', () => {
  it('names suites as the IANA registry does, and the unnamed by value', () => {
    expect(cipherSuiteName(0x1301)).toBe('TLS_AES_128_GCM_SHA256');
    expect(cipherSuiteName(0xc02f)).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    expect(cipherSuiteName(0x0034)).toBe('TLS_DH_anon_WITH_AES_128_CBC_SHA');
    expect(cipherSuiteText(0xfafa)).toBe('0xfafa');
  });

  it('judges every suite nDPI calls insecure or weak at least weak, RC4 insecure', () => {
    expect(ndpiInsecure.map((v) => cipherVerdict(v)?.strength)).toEqual(['insecure', 'insecure', 'insecure']);
    expect(
      ndpiWeak.filter((v) => cipherVerdict(v)?.strength === 'strong').map((v) => cipherSuiteName(v)),
    ).toEqual([]);
  });

  it('keeps TLS 1.3 and forward-secret AEAD suites strong, and judges no signalling value', () => {
    for (const v of [0x1301, 0x1302, 0x1303, 0xc02b, 0xc030, 0xcca8, 0xcca9, 0x009e])
      expect([v, cipherVerdict(v)?.strength]).toEqual([v, 'strong']);
    expect(cipherVerdict(0x00ff)).toBeUndefined();
    expect(cipherVerdict(0x5600)).toBeUndefined();
    expect(cipherVerdict(0xfafa)).toBeUndefined();
  });

  it('gives the reason a suite is not strong', () => {
    expect(cipherVerdict(0x0000)).toMatchObject({ strength: 'insecure', why: 'no encryption' });
    expect(cipherVerdict(0x0003)).toMatchObject({ strength: 'insecure', why: 'export grade' });
    expect(cipherVerdict(0x0009)).toMatchObject({ strength: 'insecure', why: 'single DES' });
    expect(cipherVerdict(0xc00e)).toMatchObject({ strength: 'weak', why: 'no forward secrecy' });
    expect(cipherVerdict(0x008c)).toMatchObject({ strength: 'weak', why: 'no forward secrecy' });
  });
});
