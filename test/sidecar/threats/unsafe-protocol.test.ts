import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { unsafeProtocol } from '#sidecar/threats/unsafe-protocol.ts';
import { flow, runThreat } from './threat-factories.ts';

const login: OperationEvent = {
  kind: 'operation',
  ts: 1,
  direction: 'to-server',
  protocol: 'telnet',
  operation: 'login',
  detail: 'admin',
};

describe('unsafe-protocol', () => {
  it('reports a Telnet flow as one finding, loopback included, from its first event to its end', () => {
    const telnet = flow({ protocol: 'telnet', client: { ip: '127.0.0.1', port: 40000 } });
    const runner = createThreatRunner({ policyDir: false, threats: [unsafeProtocol] });
    runner.onEvent(telnet, login);
    runner.onEvent(telnet, { ...login, ts: 2, operation: 'password', detail: 'user=admin' });
    runner.onFlowEnd(telnet);
    const findings = runner.drain(10_000);
    expect(findings.map((f) => [f.evidence, f.count])).toEqual([
      ['Telnet: a remote shell without encryption, every keystroke readable on the path (use SSH)', 3],
    ]);
  });

  it('leaves other protocols alone unless the policy lists them', () => {
    const ftp = flow({ protocol: 'ftp' });
    const pass = { ...login, protocol: 'ftp' as const, operation: 'PASS' };
    expect(runThreat(unsafeProtocol, [pass], { flow: ftp })).toEqual([]);
    expect(
      runThreat(unsafeProtocol, [pass, { kind: 'flow-end', ts: 2 }], {
        flow: ftp,
        config: { protocols: ['telnet', 'ftp'] },
      }).map((h) => h.evidence),
    ).toEqual(['FTP: files and passwords without encryption (use SFTP or FTPS)']);
  });

  it('judges a protocol that may turn to TLS at its end: an FTP session that did (AUTH TLS) is not in the clear', () => {
    const config = { protocols: ['ftp'] };
    const ftp = (tls: boolean) => flow({ protocol: 'ftp', tls });
    const end = { kind: 'flow-end' as const, ts: 5 };
    const user = { ...login, protocol: 'ftp' as const, operation: 'USER' };
    expect(runThreat(unsafeProtocol, [user], { flow: ftp(false), config })).toEqual([]);
    expect(runThreat(unsafeProtocol, [user, end], { flow: ftp(false), config }).map((h) => h.ts)).toEqual([
      5,
    ]);
    expect(runThreat(unsafeProtocol, [user, end], { flow: ftp(true), config })).toEqual([]);
  });

  it("leaves a listed NATS session alone whose server's INFO, read in the clear, turned it to TLS", () => {
    const config = { protocols: ['nats'] };
    const nats = (tls: boolean) => flow({ protocol: 'nats', tls });
    const info = { ...login, direction: 'to-client' as const, protocol: 'nats' as const, operation: 'INFO' };
    const end = { kind: 'flow-end' as const, ts: 5 };
    expect(runThreat(unsafeProtocol, [info, end], { flow: nats(true), config })).toEqual([]);
    expect(runThreat(unsafeProtocol, [info, end], { flow: nats(false), config }).map((h) => h.ts)).toEqual([
      5,
    ]);
  });
});
