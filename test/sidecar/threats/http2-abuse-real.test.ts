/**
 * http2-abuse on real HTTP/2: node:http2 (nghttp2) as server and client on loopback, captured by tcpdump with the
 * kernel's own timestamps and read by the engine with the default detectors. The attacks are the ones the CVEs name:
 * streams opened and cancelled in the same write, as the published Rapid Reset tools do (a raw socket: node:http2's
 * own client writes the cancel when it gets to it, and on a busy machine the server has often answered by then), and
 * PINGs sent with the library's own call without waiting (a ping flood). A client as browsers and gRPC behave
 * (requests answered, a few cancelled, a keepalive PING) is not reported.
 */
import { once } from 'node:events';
import nodeHttp2, { type ClientHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { hasCommand, isRoot } from '#test/helpers/netns.ts';
import { captureOn, getBlock, h2Frame, rawClient } from './http2-capture.ts';

const unavailable = !isRoot
  ? 'needs root for tcpdump (runs as root in CI)'
  : hasCommand('tcpdump')
    ? undefined
    : 'tcpdump missing (installed by .ci/run)';

/** Serves every stream with a short answer; captures what `talk` does to it on loopback; inspects the capture. */
const captured = async (talk: (port: number) => Promise<unknown>, prefix: string) => {
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
  try {
    return await captureOn(port, () => talk(port), prefix);
  } finally {
    server.close();
  }
};

/** A node:http2 client session for `talk`, closed when it is done. */
const session = async (port: number, talk: (client: ClientHttp2Session) => Promise<void>) => {
  const client = nodeHttp2.connect(`http://127.0.0.1:${port}`, { maxOutstandingPings: 1000 });
  client.on('error', () => undefined);
  await once(client, 'connect');
  await talk(client);
  client.close();
  await once(client, 'close');
};

/**
 * Rapid Reset as its tools send it: the preface, then `streams` GETs each followed by its RST_STREAM (CANCEL) in the
 * same write, ten streams a write.
 */
const rapidReset = (port: number, streams: number) =>
  rawClient(port, streams, 10, (stream) => [
    h2Frame(0x1, 0x5, stream, getBlock),
    h2Frame(0x3, 0, stream, Buffer.from('00000008', 'hex')),
  ]);

/** Opens a stream and cancels it at once, as a browser leaving a page or a gRPC client past its deadline does. */
const openAndCancel = (client: ClientHttp2Session) =>
  new Promise<void>((resolve) => {
    const request = client.request({ ':path': '/' });
    request.on('error', () => undefined);
    request.on('close', () => resolve());
    request.close(nodeHttp2.constants.NGHTTP2_CANCEL);
  });

const ask = (client: ClientHttp2Session) =>
  new Promise<void>((resolve, reject) => {
    const request = client.request({ ':path': '/items/1' });
    request.on('error', reject);
    request.resume();
    request.on('end', () => resolve());
  });

describe.skipIf(unavailable !== undefined)(
  `http2-abuse on node:http2 traffic${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('reports Rapid Reset: 300 streams opened and cancelled before the answer', async () => {
      const { flows, threats } = await captured((port) => rapidReset(port, 300), 'meshward-h2-reset-');
      expect(flows.map((f) => f.protocol)).toEqual(['http2']);
      expect(flows[0]?.l7?.operations).toContain('http2 resets');
      expect(
        threats,
        JSON.stringify({ ops: flows[0]?.l7?.operations, notes: flows[0]?.notes, flows: flows.length }),
      ).toHaveLength(1);
      expect(threats[0]?.evidence).toMatch(
        /^client reset \d+ of the \d+ streams it opened before the server answered, in [\d.]+ s \(Rapid Reset, CVE-2023-44487\)/,
      );
    }, 30_000);

    it('reports a ping flood: 300 PINGs sent without waiting for their answers', async () => {
      const { threats } = await captured(
        (port) =>
          session(port, async (client) => {
            const pings: Promise<void>[] = [];
            for (let i = 0; i < 300; i++)
              pings.push(new Promise((resolve) => client.ping(Buffer.alloc(8, i), () => resolve())));
            await Promise.all(pings);
          }),
        'meshward-h2-ping-',
      );
      expect(threats.map((t) => t.evidence)).toEqual([
        expect.stringMatching(/^client sent 256 PING frames in [\d.]+ s \(CVE-2019-9512 ping flood\)/),
      ]);
    }, 30_000);

    it('leaves an ordinary client alone: 300 answered requests, 20 cancelled, 2 keepalive PINGs', async () => {
      const { flows, threats } = await captured(
        (port) =>
          session(port, async (client) => {
            for (let i = 0; i < 300; i++) await ask(client);
            for (let i = 0; i < 20; i++) await openAndCancel(client);
            for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => client.ping(() => resolve()));
          }),
        'meshward-h2-ok-',
      );
      expect(flows.map((f) => f.protocol)).toEqual(['http2']);
      expect(threats).toEqual([]);
    }, 60_000);
  },
);
