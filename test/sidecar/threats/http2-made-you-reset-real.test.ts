/**
 * MadeYouReset (CVE-2025-8671) on real HTTP/2 servers, captured on loopback by tcpdump and read by the engine with the
 * default detectors. A raw-socket client sends each request whole (HEADERS with END_STREAM) and then a frame that is
 * an error on its stream, as the researchers' tools do. nghttpd (the nghttp2 library's own server) resets each stream
 * whose window a WINDOW_UPDATE pushes past 2^31-1 with FLOW_CONTROL_ERROR (RFC 9113 §6.9.1) and keeps the connection:
 * the tap reports the server's resets, as the client opened the connection's window to 2^31-1 first so its frames
 * alone prove nothing; after a 40 KiB download, with the server's resets past the 32 KiB of its side the tap parses,
 * the client's frames alone are reported (http2-window-overflow.ts). node:http2 ends the connection at the first such
 * frame (GOAWAY), yet a client
 * that wrote 300 zero WINDOW_UPDATEs is reported from its own frames. A burst of plain requests that nghttpd partly
 * refuses (REFUSED_STREAM past its 100 concurrent streams) is not reported.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import nodeHttp2 from 'node:http2';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasCommand, isRoot } from '#test/helpers/netns.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';
import { captureOn, frameCounts, getBlock, h2Frame, rawClient } from './http2-capture.ts';

const missing = ['tcpdump', 'nghttpd'].filter((command) => !hasCommand(command));
const unavailable = !isRoot
  ? 'needs root for tcpdump (runs as root in CI)'
  : missing.length > 0
    ? `missing ${missing.join(', ')} (installed by .ci/run)`
    : undefined;

const freePort = async (): Promise<number> => {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
};

/** Resolves once `port` accepts a connection, or rejects after 5 s. */
const accepting = async (port: number): Promise<void> => {
  for (let tries = 0; tries < 50; tries++) {
    const socket = net.connect(port, '127.0.0.1');
    const ok = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
    });
    socket.destroy();
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listens on ${port}`);
};

/**
 * nghttpd serving a directory in cleartext (prior knowledge) while `talk` runs; stopped after, whatever happens. The
 * directory holds `files`.
 */
const withNghttpd = async <T>(
  talk: (port: number) => Promise<T>,
  files: Record<string, Buffer> = {},
): Promise<T> => {
  const port = await freePort();
  const www = tempDir('meshward-h2-www-');
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(www, name), bytes);
  const server: ChildProcess = spawn('nghttpd', ['--no-tls', '-a', '127.0.0.1', '-d', www, `${port}`]);
  try {
    await accepting(port);
    return await talk(port);
  } finally {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = once(server, 'exit');
      server.kill();
      await exited;
    }
  }
};

const get = (stream: number) => h2Frame(0x1, 0x5, stream, getBlock);
const windowUpdate = (stream: number, increment: number) => {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(increment);
  return h2Frame(0x8, 0, stream, payload);
};

describe.skipIf(unavailable !== undefined)(
  `MadeYouReset on real servers${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('nghttpd resets 300 overflowed windows, the connection’s opened to 2^31-1 first: reported from its resets', async () => {
      let answer = Buffer.alloc(0);
      const { flows, threats } = await withNghttpd((port) =>
        captureOn(
          port,
          async () => {
            // The connection's window opened to 2^31-1 first: as much DATA as could cover 32,767 of the streams'
            // windows, so the client's frames alone prove nothing (http2-window-overflow.ts); the server's resets do.
            answer = await rawClient(port, 300, 10, (stream) => [
              ...(stream === 1 ? [windowUpdate(0, 0x7fffffff - 65_535)] : []),
              get(stream),
              windowUpdate(stream, 0x7fffffff),
            ]);
          },
          'meshward-h2-myr-',
        ),
      );
      // FLOW_CONTROL_ERROR is 3 (§7).
      expect(frameCounts(answer)['3:3']).toBeGreaterThanOrEqual(128);
      expect(flows.map((f) => f.protocol)).toEqual(['http2']);
      expect(flows[0]?.l7?.operations).toContain('http2 server-resets');
      expect(threats.map((t) => t.evidence)).toEqual([
        expect.stringMatching(
          /^server reset \d+ of the client's first \d+ streams for the client's errors \(FLOW_CONTROL_ERROR ×\d+\), in [\d.]+ s \(MadeYouReset, CVE-2025-8671\)$/,
        ),
      ]);
    }, 30_000);

    it('nghttpd resets 300 overflowed windows after a 40 KiB download: reported, its resets read too', async () => {
      // GET /big (RFC 7541: :path without indexing, :authority as in getBlock), END_STREAM | END_HEADERS. 40 KiB fit
      // in the default windows (65,535), so the client grants nothing; the server's side passes 32 KiB before the
      // attack, and its FLOW_CONTROL_ERROR resets after it are read since answers are read to the end (ADR 58).
      const big = Buffer.concat([Buffer.from('82860404', 'hex'), Buffer.from('/big'), getBlock.subarray(3)]);
      let answer = Buffer.alloc(0);
      const { flows, threats } = await withNghttpd(
        (port) =>
          captureOn(
            port,
            async () => {
              answer = await rawClient(
                port,
                300,
                10,
                (stream) => [get(stream), windowUpdate(stream, 0x7fffffff)],
                { frames: h2Frame(0x1, 0x5, 1, big), octets: 40 * 1024 },
              );
            },
            'meshward-h2-myr-late-',
          ),
        { big: Buffer.alloc(40 * 1024, 0x61) },
      );
      expect(frameCounts(answer)['0']).toBeGreaterThanOrEqual(3); // DATA of the download
      expect(frameCounts(answer)['3:3']).toBeGreaterThanOrEqual(128);
      expect(flows.map((f) => f.protocol)).toEqual(['http2']);
      expect(flows[0]?.l7?.operations).toContain('http2 server-resets');
      // Whichever count reaches its threshold first tells: the client's frames or the server's resets of them.
      expect(threats.map((t) => t.evidence)).toEqual([
        expect.stringMatching(
          /^(client sent \d+ frames that are stream errors on the \d+ streams it opened \(window past 2\^31-1 ×\d+\)|server reset \d+ of the client's first \d+ streams for the client's errors \(FLOW_CONTROL_ERROR ×\d+\)), in [\d.]+ s \(MadeYouReset, CVE-2025-8671\)$/,
        ),
      ]);
    }, 30_000);

    it('node:http2 ends the connection at a zero WINDOW_UPDATE; 300 written at once are reported from the client’s frames', async () => {
      const server = nodeHttp2.createServer();
      server.on('stream', (stream) => {
        stream.on('error', () => undefined);
        if (!stream.closed) stream.respond({ ':status': 200 });
        if (!stream.closed) stream.end('ok\n');
      });
      server.on('session', (session) => session.on('error', () => undefined));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const port = (server.address() as AddressInfo).port;
      let answer = Buffer.alloc(0);
      try {
        const { threats } = await captureOn(
          port,
          async () => {
            answer = await rawClient(port, 300, 300, (stream) => [get(stream), windowUpdate(stream, 0)]);
          },
          'meshward-h2-myr-node-',
        );
        expect(Object.keys(frameCounts(answer)).some((key) => key.startsWith('7:'))).toBe(true); // GOAWAY
        expect(threats.map((t) => t.evidence)).toEqual([
          expect.stringMatching(
            /^client sent \d+ frames that are stream errors on the \d+ streams it opened \(WINDOW_UPDATE of 0 ×\d+\), in [\d.]+ s \(MadeYouReset, CVE-2025-8671\)$/,
          ),
        ]);
      } finally {
        server.close();
      }
    }, 30_000);

    it('leaves alone a burst of 300 plain requests of which nghttpd refuses some (REFUSED_STREAM)', async () => {
      let answer = Buffer.alloc(0);
      const { flows, threats } = await withNghttpd((port) =>
        captureOn(
          port,
          async () => {
            // In one write: nghttpd takes the first streams up to its limit of 100 at once and refuses most others.
            answer = await rawClient(port, 300, 300, (stream) => [get(stream)]);
          },
          'meshward-h2-refused-',
        ),
      );
      // REFUSED_STREAM is 7 (§7): the server turned some streams away, and answered the rest (HEADERS, type 1).
      expect(frameCounts(answer)['3:7']).toBeGreaterThan(0);
      expect(frameCounts(answer)['1']).toBeGreaterThanOrEqual(100);
      expect(flows.map((f) => f.protocol)).toEqual(['http2']);
      expect(threats).toEqual([]);
    }, 30_000);
  },
);
