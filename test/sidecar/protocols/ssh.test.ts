import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent, SshKexInitEvent } from '#sidecar/events.ts';
import { ssh } from '#sidecar/protocols/ssh.ts';
import { weakSsh } from '#sidecar/threats/weak-ssh.ts';
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
import { corpusDir } from '#test/helpers/corpus.ts';
import { startRecorder } from './loopback-recorder.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';
import { freePort, isRoot, startServer } from './real-server.ts';

const banners = (events: readonly unknown[]) =>
  (events as ProtocolEvent[]).flatMap((e) => (e.kind === 'ssh-banner' ? [e.software] : []));

/** The HASSH-C and HASSH-S pairs nDPI printed for a capture of the corpus (../shared/corpus/ndpi). */
const ndpiHassh = (capture: string): (string | undefined)[][] =>
  readFileSync(`${corpusDir('ndpi')}/${capture}.out`, 'utf8')
    .split('\n')
    .filter((line) => line.includes('[HASSH-C: '))
    .map((line) => [/\[HASSH-C: (\w+)\]/.exec(line)?.[1], /\[HASSH-S: (\w+)\]/.exec(line)?.[1]]);

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
    expect(banners(feed(ssh, flow?.segments ?? []))).toEqual(['OpenSSH_5.3', 'OpenSSH_5.6']);
  });

  it("reads both KEXINITs into the HASSH values nDPI's authors recorded for ssh.pcap", () => {
    const expected = ndpiHassh('ssh.pcap');
    expect(expected).toHaveLength(2);
    const ours = ndpiFlows('ssh').map((flow) => {
      const events = feed(ssh, flow.segments) as { kind: string; direction: string; hassh?: string }[];
      const hassh = (direction: string) =>
        events.find((e) => e.kind === 'ssh-kexinit' && e.direction === direction)?.hassh?.toUpperCase();
      return [hassh('to-server'), hassh('to-client')];
    });
    expect(ours.sort()).toEqual(expected.sort());
  });

  it('reads a KEXINIT split anywhere, after a banner in the same segment, and gives up on a malformed one', () => {
    const list = (names: string) => concat(hex(names.length.toString(16).padStart(8, '0')), ascii(names));
    const payload = concat(
      hex('14'),
      new Uint8Array(16),
      list('curve25519-sha256,diffie-hellman-group1-sha1'),
      list('ssh-ed25519'),
      list('aes128-ctr'),
      list('aes128-ctr,arcfour'),
      list('hmac-sha2-256'),
      list('hmac-sha2-256'),
      list('none'),
      list('none'),
      list(''),
      list(''),
      hex('00 00000000'),
    );
    const padding = 8 - ((payload.length + 5) % 8) + 4;
    const packet = concat(
      hex((payload.length + padding + 1).toString(16).padStart(8, '0')),
      Uint8Array.of(padding),
      payload,
      new Uint8Array(padding),
    );
    const segments: Segment[] = [['to-server', concat(ascii('SSH-2.0-Test_1.0\r\n'), packet)]];
    const events = feed(ssh, segments) as { kind: string; hasshAlgorithms?: string; ciphers?: unknown }[];
    expect(events.map((e) => e.kind)).toEqual(['ssh-banner', 'ssh-kexinit']);
    expect(events[1]).toMatchObject({
      hasshAlgorithms: 'curve25519-sha256,diffie-hellman-group1-sha1;aes128-ctr;hmac-sha2-256;none',
      ciphers: { toServer: ['aes128-ctr'], toClient: ['aes128-ctr', 'arcfour'] },
    });
    expect(everySplitAgrees(ssh, segments).mismatch).toBeUndefined();
    const broken = Uint8Array.from(packet);
    broken[4] = 0xff; // padding longer than the packet
    expect(
      (feed(ssh, [['to-server', concat(ascii('SSH-2.0-Test_1.0\r\n'), broken)]]) as ProtocolEvent[]).map(
        (e) => e.kind,
      ),
    ).toEqual(['ssh-banner']);
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
    // sshd insists on its privilege separation directory, which lives on /run and is gone after a reboot.
    mkdirSync('/run/sshd', { recursive: true });
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
    const software = banners(feed(ssh, segments));
    expect(software).toHaveLength(2);
    expect(software.every((s) => s.startsWith('OpenSSH_'))).toBe(true);
    // Both KEXINITs, and OpenSSH 9.2's own defaults negotiate nothing weak and accept nothing weak.
    const kexinits = (feed(ssh, segments) as ProtocolEvent[]).filter(
      (e): e is SshKexInitEvent => e.kind === 'ssh-kexinit',
    );
    expect(kexinits.map((e) => e.direction).sort()).toEqual(['to-client', 'to-server']);
    const state = weakSsh.initialState();
    const config = weakSsh.config.parse({});
    const hits = kexinits.flatMap((e) => weakSsh.inspect({ ...e, ts: 1 }, state, { config }));
    expect(hits).toEqual([]);
  });
});
