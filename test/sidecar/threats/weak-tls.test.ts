import { describe, expect, it } from 'vitest';
import type { TlsClientHelloEvent, TlsServerHelloEvent } from '#sidecar/events.ts';
import { weakTls } from '#sidecar/threats/weak-tls.ts';
import { flow, runThreat } from './threat-factories.ts';

/** TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (0xc02f) unless another suite is given. */
const serverHello = (version: string, cipherSuite = 0xc02f): TlsServerHelloEvent => ({
  kind: 'tls-server-hello',
  ts: 1,
  direction: 'to-client',
  version,
  cipherSuite,
  ja3s: `769,${cipherSuite},`,
  ja3sHash: '',
});
const clientHello = (version: string): TlsClientHelloEvent => ({
  kind: 'tls-client-hello',
  ts: 1,
  direction: 'to-server',
  version,
  recordVersion: 'TLS1.0',
  alpn: [],
  ja3: '',
  ja3Hash: '',
  ja4: '',
});
const tls = { flow: flow({ protocol: 'tls' }) };

describe('weak-tls', () => {
  it.each(['SSLv3', 'SSL3.0', 'TLS1.0', 'TLS 1.1', 'SSLv2'])('flags a server negotiating %s', (version) => {
    expect(runThreat(weakTls, [serverHello(version)], tls)[0]?.evidence).toBe(`server negotiated ${version}`);
  });

  it('flags a client whose best offer is TLS 1.0, unless clients are switched off', () => {
    expect(runThreat(weakTls, [clientHello('TLS1.0')], tls)).toHaveLength(1);
    expect(runThreat(weakTls, [clientHello('TLS1.0')], { ...tls, config: { clients: false } })).toEqual([]);
  });

  it.each(['TLS1.2', 'TLS1.3'])('does not flag %s', (version) => {
    expect(runThreat(weakTls, [serverHello(version), clientHello(version)], tls)).toEqual([]);
  });

  it.each([
    [0x2f, 'TLS_RSA_WITH_AES_128_CBC_SHA (weak: no forward secrecy)'],
    [0x0a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA (weak: 64-bit block cipher)'],
    [0xc012, 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA (weak: 64-bit block cipher)'],
    [0x05, 'TLS_RSA_WITH_RC4_128_SHA (insecure: RC4)'],
    [0x3b, 'TLS_RSA_WITH_NULL_SHA256 (insecure: no encryption)'],
    [0x34, 'TLS_DH_anon_WITH_AES_128_CBC_SHA (insecure: no server authentication)'],
  ])('flags a server choosing cipher suite %d', (suite, why) => {
    expect(runThreat(weakTls, [serverHello('TLS1.2', suite)], tls).map((h) => h.evidence)).toEqual([
      `server negotiated TLS1.2 with ${why}`,
    ]);
  });

  it('reports a weak version and a weak suite in one finding, and honours the ciphers switch', () => {
    expect(runThreat(weakTls, [serverHello('TLS1.0', 0x2f)], tls).map((h) => h.evidence)).toEqual([
      'server negotiated TLS1.0 with TLS_RSA_WITH_AES_128_CBC_SHA (weak: no forward secrecy)',
    ]);
    const only = (ciphers: string, suite: number) =>
      runThreat(weakTls, [serverHello('TLS1.2', suite)], { ...tls, config: { ciphers } });
    expect(only('insecure', 0x2f)).toEqual([]);
    expect(only('insecure', 0x05)).toHaveLength(1);
    expect(only('off', 0x05)).toEqual([]);
  });

  it.each([0xc02b, 0xc030, 0xcca8, 0x009e, 0x1301, 0x1303, 0xfafa])(
    'leaves strong or unnamed suite 0x%s alone',
    (suite) => {
      expect(runThreat(weakTls, [serverHello('TLS1.2', suite)], tls)).toEqual([]);
    },
  );
});
