import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ssh } from '#sidecar/protocols/ssh.ts';
import {
  ascii,
  concat,
  contractCheck,
  detectFlow,
  everySplitAgrees,
  feed,
  hex,
  ndpiFlows,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { startRecorder } from './loopback-recorder.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';
import { freePort, isRoot, startServer } from './real-server.ts';

// RFC 4253 §4.2: SSH-protoversion-softwareversion SP comments CR LF; then binary packets (here a KEXINIT start).
const serverBanner = ascii('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n');
const clientBanner = concat(ascii('SSH-2.0-PuTTY_Release_0.78\r\n'), hex('000003cc 0a 14'));

describe('ssh detect', () => {
  it('matches 2.0, 1.99 and 1.5 banners in either direction', () => {
    expect(ssh.detect(serverBanner, 'to-client')).toBe('match');
    expect(ssh.detect(clientBanner, 'to-server')).toBe('match');
    expect(ssh.detect(ascii('SSH-1.99-Cisco-1.25\r\n'), 'to-client')).toBe('match');
    expect(ssh.detect(ascii('SSH-1.5-x\n'), 'to-server')).toBe('match');
  });

  it('needs more on prefixes, rejects bad versions, spaces in the software version and over-long lines', () => {
    for (const prefix of ['S', 'SSH', 'SSH-2', 'SSH-2.0-Open'])
      expect(ssh.detect(ascii(prefix), 'to-client')).toBe('need-more');
    expect(ssh.detect(ascii('SSH-3.0-x\r\n'), 'to-client')).toBe('no-match');
    expect(ssh.detect(ascii('SSH-2.0-\r\n'), 'to-client')).toBe('no-match');
    expect(ssh.detect(ascii(`SSH-2.0-${'a'.repeat(300)}`), 'to-client')).toBe('no-match');
    expect(ssh.detect(ascii('ssh-2.0-x\r\n'), 'to-client')).toBe('no-match');
  });

  itRejectsForeignBytes(ssh, ['ssh']);
});

describe('ssh parser', () => {
  const exchange: Segment[] = [
    ['to-client', serverBanner],
    ['to-server', clientBanner],
  ];

  it('emits one banner per side with protocol and software versions', () => {
    expect(feed(ssh, exchange)).toEqual([
      { kind: 'ssh-banner', direction: 'to-client', protocolVersion: '2.0', software: 'OpenSSH_9.2p1' },
      { kind: 'ssh-banner', direction: 'to-server', protocolVersion: '2.0', software: 'PuTTY_Release_0.78' },
    ]);
    expect(everySplitAgrees(ssh, exchange).mismatch).toBeUndefined();
  });

  it('decodes nDPI ssh.pcap (OpenSSH 5.3 server, 5.6 client)', () => {
    const [flow] = ndpiFlows('ssh');
    expect(flow && detectFlow(ssh, flow.segments)).toBe(true);
    expect(feed(ssh, flow?.segments ?? []).map((e) => (e as { software: string }).software)).toEqual([
      'OpenSSH_5.3',
      'OpenSSH_5.6',
    ]);
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(ssh, 3, 0x6bc8)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(ssh, ['to-client', serverBanner]).randomMatches).toBe(0);
  });
});

describe('ssh on real traffic: the OpenSSH client against sshd on loopback', () => {
  it.skipIf(!isRoot)('identifies both banners (needs root to run sshd with the host keys)', async () => {
    const port = await freePort();
    const sshd = await startServer(
      '/usr/sbin/sshd',
      ['-D', '-e', '-p', String(port), '-o', 'ListenAddress=127.0.0.1', '-o', 'PidFile=none'],
      port,
    );
    const recorder = await startRecorder(port);
    const client = spawn(
      'ssh',
      [
        '-p',
        String(recorder.port),
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        'nobody@127.0.0.1',
        'true',
      ],
      { stdio: 'ignore' },
    );
    await once(client, 'exit');
    await recorder.close();
    await sshd.stop();
    const segments = recorder.chunks.map((c): Segment => [c.direction, c.bytes]);
    expect(detectFlow(ssh, segments)).toBe(true);
    const software = feed(ssh, segments).map((e) => (e as { software: string }).software);
    expect(software).toHaveLength(2);
    expect(software.every((s) => s.startsWith('OpenSSH_'))).toBe(true);
  });
});
