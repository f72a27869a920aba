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
    expect(runThreat(protocolMismatch, [ssh], { flow: flow({ protocol: 'ssh' }) })).toEqual([]);
  });
});
