import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { streamCapture } from '#sidecar/capture/stream-capture.ts';
import { superviseCapture } from '#sidecar/tap/supervise-capture.ts';
import { tcpdumpArgs } from '#sidecar/tap/tcpdump-args.ts';

const isRoot = process.getuid?.() === 0;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends UDP datagrams to a closed port on loopback until stopped; each is one packet tcpdump sees. */
const udpTraffic = (port: number) => {
  const socket = createSocket('udp4');
  const timer = setInterval(() => socket.send('meshward-supervisor-test', port, '127.0.0.1'), 20);
  return () => {
    clearInterval(timer);
    socket.close();
  };
};

const until = async (check: () => boolean, timeoutMs = 8_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await wait(20);
  }
};

describe('superviseCapture with a real tcpdump', () => {
  it.skipIf(!isRoot)(
    'restarts tcpdump with backoff after it is killed, and the new stream is read from its header',
    async () => {
      const port = 40_000 + Math.floor(Math.random() * 20_000);
      const perStart: number[] = [];
      const pids: (number | undefined)[] = [];
      const delays: number[] = [];
      const exits: (string | null)[] = [];
      const heard: (number | undefined)[] = [];
      const controller = new AbortController();
      const supervisor = superviseCapture({
        start: () =>
          spawn('tcpdump', tcpdumpArgs({ iface: 'lo', snaplen: 256, filter: `udp dst port ${port}` }), {
            stdio: ['ignore', 'pipe', 'pipe'],
          }),
        consume: async (stdout) => {
          const index = perStart.push(0) - 1;
          for await (const batch of streamCapture(stdout))
            perStart[index] = (perStart[index] ?? 0) + batch.records.length;
        },
        backoff: { baseMs: 100, maxMs: 1_000 },
        random: () => 0,
        sleep: async (ms, signal) => {
          delays.push(ms);
          if (!signal.aborted) await wait(ms);
        },
        onStart: (pid) => pids.push(pid),
        onListening: (pid) => heard.push(pid),
        onExit: (event) => exits.push(event.signal),
      });
      const stopTraffic = udpTraffic(port);
      const running = supervisor.run(controller.signal);
      try {
        await until(() => (perStart[0] ?? 0) >= 5);
        supervisor.current()?.kill('SIGKILL');
        await until(() => (perStart[1] ?? 0) >= 5);
        supervisor.current()?.kill('SIGKILL');
        await until(() => (perStart[2] ?? 0) >= 5);
        expect(supervisor.listening()).toBe(true);
      } finally {
        controller.abort();
        stopTraffic();
        await running;
      }
      expect(pids).toHaveLength(3);
      expect(new Set(pids).size).toBe(3);
      // Each run announced when tcpdump was really listening, and not after it died.
      expect(heard).toEqual(pids);
      expect(supervisor.listening()).toBe(false);
      // tcpdump handles the SIGTERM of a stop and exits by itself (no signal in its exit status).
      expect(exits).toEqual(['SIGKILL', 'SIGKILL', null]);
      // Two quick deaths in a row: the second restart waits twice as long (jitter pinned to its floor).
      expect(delays.slice(0, 2)).toEqual([50, 100]);
      expect(supervisor.stats()).toMatchObject({ starts: 3, restarts: 2 });
    },
  );

  it('keeps trying, with growing delays, when the capture program cannot start at all', async () => {
    const delays: number[] = [];
    const controller = new AbortController();
    const supervisor = superviseCapture({
      start: () => spawn('/nonexistent/tcpdump', [], { stdio: ['ignore', 'pipe', 'pipe'] }),
      consume: async (stdout) => {
        for await (const _ of stdout) {
          // drain
        }
      },
      backoff: { baseMs: 100, maxMs: 400 },
      random: () => 0.999_999,
      sleep: async (ms) => {
        delays.push(ms);
        if (delays.length === 5) controller.abort();
      },
    });
    await supervisor.run(controller.signal);
    expect(delays).toEqual([100, 200, 400, 400, 400]);
  });
});
