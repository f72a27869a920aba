import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { tcpdumpArgs } from '#sidecar/tap/tcpdump-args.ts';

const isRoot = process.getuid?.() === 0;

/**
 * Runs tcpdump with the tap's arguments under a capability bounding set like the injected container's
 * (`capabilities: {drop: [ALL], add: [...]}`), until it captures one packet or fails.
 */
const captureWith = (caps: string[]) =>
  new Promise<{ code: number | null; stderr: string; bytes: number }>((resolve) => {
    const args = tcpdumpArgs({ iface: 'lo', snaplen: 128, filter: 'udp dst port 9' });
    const child = spawn(
      'setpriv',
      [`--bounding-set=-all,${caps.map((cap) => `+${cap}`).join(',')}`, 'tcpdump', '-c', '1', ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let bytes = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const socket = createSocket('udp4');
    const timer = setInterval(() => socket.send('x', 9, '127.0.0.1'), 50);
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', (code) => {
      clearInterval(timer);
      clearTimeout(kill);
      socket.close();
      resolve({ code, stderr, bytes });
    });
  });

describe('tcpdump with the tap container capabilities', () => {
  it('builds a packet-buffered, name-free, bounded capture to stdout', () => {
    expect(tcpdumpArgs({ iface: 'any', snaplen: 65535, filter: 'not port 1' })).toEqual([
      '-i',
      'any',
      '-U',
      '-n',
      '-s',
      '65535',
      '-B',
      '4096',
      '-w',
      '-',
      'not port 1',
    ]);
  });

  it.skipIf(!isRoot)(
    'fails with only NET_RAW and NET_ADMIN: Debian tcpdump drops root to user tcpdump and needs SETUID/SETGID',
    async () => {
      const result = await captureWith(['net_raw', 'net_admin']);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/Couldn't change to 'tcpdump' uid/);
    },
  );

  it.skipIf(!isRoot)('captures with NET_RAW, NET_ADMIN, SETUID and SETGID', async () => {
    const result = await captureWith(['net_raw', 'net_admin', 'setuid', 'setgid']);
    expect(result.code).toBe(0);
    expect(result.bytes).toBeGreaterThan(24);
  });
});
