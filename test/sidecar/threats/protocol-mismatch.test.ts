import { describe, expect, it } from 'vitest';
import type { SshBannerEvent } from '#sidecar/events.ts';
import { protocolMismatch } from '#sidecar/threats/protocol-mismatch.ts';
import { dnsQuery, flow, httpRequest, runThreat } from './threat-factories.ts';

const ssh: SshBannerEvent = {
  kind: 'ssh-banner',
  ts: 1,
  direction: 'to-client',
  protocolVersion: '2.0',
  software: 'OpenSSH_9.6',
};
const end = { kind: 'flow-end' as const, ts: 9 };

describe('protocol-mismatch', () => {
  it('flags SSH on a flow the rules know as HTTP, once per flow', () => {
    const hits = runThreat(protocolMismatch, [ssh, ssh], {
      flow: flow({ protocol: 'ssh', expectedProtocol: 'http' }),
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.evidence).toBe('expected http on 10.0.0.9:8080, saw ssh');
  });

  it('flags unidentified bytes on an HTTP flow when it ends', () => {
    const hits = runThreat(protocolMismatch, [end], {
      flow: flow({ protocol: 'unknown', expectedProtocol: 'http', bytes: { toServer: 300, toClient: 0 } }),
    });
    expect(hits[0]?.evidence).toMatch(/saw unidentified bytes/);
  });

  it('flags a DNS port carrying something else', () => {
    const hits = runThreat(protocolMismatch, [httpRequest('/')], {
      flow: flow({ transport: 'udp', protocol: 'http', expectedProtocol: 'dns' }),
    });
    expect(hits).toHaveLength(1);
  });

  it('ignores matches, compatible upgrades, empty flows and flows without expectation', () => {
    expect(
      runThreat(protocolMismatch, [dnsQuery('a.example')], {
        flow: flow({ protocol: 'dns', expectedProtocol: 'dns' }),
      }),
    ).toEqual([]);
    expect(
      runThreat(protocolMismatch, [httpRequest('/')], {
        flow: flow({ protocol: 'http2', expectedProtocol: 'http' }),
      }),
    ).toEqual([]);
    expect(
      runThreat(protocolMismatch, [end], {
        flow: flow({ protocol: 'unknown', expectedProtocol: 'http', bytes: { toServer: 0, toClient: 0 } }),
      }),
    ).toEqual([]);
    const noHint = { ip: '10.0.0.9', port: 9999 };
    expect(runThreat(protocolMismatch, [ssh], { flow: flow({ protocol: 'ssh', server: noHint }) })).toEqual(
      [],
    );
  });

  it('accepts TLS on any flow: a mesh wraps every port in mutual TLS', () => {
    const flowOfTls = flow({
      protocol: 'tls',
      expectedProtocol: 'redis',
      bytes: { toServer: 517, toClient: 0 },
    });
    expect(runThreat(protocolMismatch, [end], { flow: flowOfTls })).toEqual([]);
  });
});

describe('protocol-mismatch without a learned rule: the port as a hint', () => {
  const on = (transport: 'tcp' | 'udp', port: number) => ({ transport, server: { ip: '10.0.0.9', port } });

  it('flags SSH on tcp/80, naming the port hint and with less confidence than a rule', () => {
    const hits = runThreat(protocolMismatch, [ssh], { flow: flow({ ...on('tcp', 80), protocol: 'ssh' }) });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.evidence).toBe('expected http2 or http on 10.0.0.9:80 (port hint), saw ssh');
    expect(hits[0]?.confidence).toBeLessThan(0.95);
  });

  it('flags unidentified bytes on udp/53 when the flow ends', () => {
    const bytes = { toServer: 200, toClient: 0 };
    const hits = runThreat(protocolMismatch, [end], {
      flow: flow({ ...on('udp', 53), protocol: 'unknown', bytes }),
    });
    expect(hits[0]?.evidence).toBe('expected dns on 10.0.0.9:53 (port hint), saw unidentified bytes');
  });

  it('judges unidentified TCP bytes against a port only when the handshake was seen (not mid-stream)', () => {
    const bytes = { toServer: 900, toClient: 700 };
    const unknownOn22 = (handshake: boolean) =>
      flow({ ...on('tcp', 22), protocol: 'unknown', bytes, handshake });
    expect(runThreat(protocolMismatch, [end], { flow: unknownOn22(true) })).toHaveLength(1);
    expect(runThreat(protocolMismatch, [end], { flow: unknownOn22(false) })).toEqual([]);
    const ruled = flow({ protocol: 'unknown', expectedProtocol: 'http', bytes, handshake: false });
    expect(runThreat(protocolMismatch, [end], { flow: ruled })).toHaveLength(1);
  });

  it('leaves the port’s own protocol, HTTP/2 on 80, undeclared ports and ports above 1023 alone', () => {
    const cases = [
      { ...on('udp', 53), protocol: 'dns' as const },
      { ...on('tcp', 22), protocol: 'ssh' as const },
      { ...on('tcp', 80), protocol: 'http2' as const },
      { ...on('tcp', 31337), protocol: 'ssh' as const },
      { ...on('tcp', 8000), protocol: 'ssh' as const },
      { ...on('udp', 80), protocol: 'unknown' as const, bytes: { toServer: 9, toClient: 0 } },
    ];
    for (const c of cases)
      expect(runThreat(protocolMismatch, [end], { flow: flow(c) }), c.protocol).toEqual([]);
  });

  it('uses no port when portHints is off, and ports above 1023 only when maxHintPort allows', () => {
    const sshOn = (port: number) => flow({ ...on('tcp', port), protocol: 'ssh' });
    expect(runThreat(protocolMismatch, [ssh], { flow: sshOn(80), config: { portHints: false } })).toEqual([]);
    expect(
      runThreat(protocolMismatch, [ssh], { flow: sshOn(8000), config: { maxHintPort: 65_535 } }),
    ).toHaveLength(1);
  });
});
