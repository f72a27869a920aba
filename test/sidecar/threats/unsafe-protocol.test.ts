import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
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
  it('reports a Telnet flow once, loopback included', () => {
    const telnet = flow({ protocol: 'telnet', client: { ip: '127.0.0.1', port: 40000 } });
    const hits = runThreat(unsafeProtocol, [login, login], { flow: telnet });
    expect(hits.map((h) => h.evidence)).toEqual([
      'Telnet: a remote shell without encryption, every keystroke readable on the path (use SSH)',
    ]);
  });

  it('leaves other protocols alone unless the policy lists them', () => {
    const ftp = flow({ protocol: 'ftp' });
    const pass = { ...login, protocol: 'ftp' as const, operation: 'PASS' };
    expect(runThreat(unsafeProtocol, [pass], { flow: ftp })).toEqual([]);
    expect(
      runThreat(unsafeProtocol, [pass], { flow: ftp, config: { protocols: ['telnet', 'ftp'] } }).map(
        (h) => h.evidence,
      ),
    ).toEqual(['FTP: files and passwords without encryption (use SFTP or FTPS)']);
  });
});
