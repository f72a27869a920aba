import { describe, expect, it } from 'vitest';
import type { TlsClientHelloEvent, TlsServerHelloEvent } from '#sidecar/events.ts';
import { weakTls } from '#sidecar/threats/weak-tls.ts';
import { flow, runThreat } from './threat-factories.ts';

const serverHello = (version: string): TlsServerHelloEvent => ({
  kind: 'tls-server-hello',
  ts: 1,
  direction: 'to-client',
  version,
  cipherSuite: 0x2f,
  ja3s: '769,47,',
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
});
