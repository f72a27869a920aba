/**
 * Test helper for http2-abuse on real HTTP/2: what a client does to a server on loopback, captured by tcpdump with the
 * kernel's own timestamps and read by the engine with the default detectors; and a raw-socket client that writes
 * frames as attack tools do, in batches, whatever the server says.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { join } from 'node:path';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { splitFindings, threatsBy } from '#test/helpers/split-findings.ts';
import { stopTcpdump, tcpdumpBuffer, tcpdumpListening } from '#test/helpers/tcpdump.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

/** Captures what `talk` does to the server on `port` of loopback, then inspects the capture: its flows, its findings. */
export const captureOn = async (port: number, talk: () => Promise<unknown>, prefix: string) => {
  const pcap = join(tempDir(prefix), 'h2.pcap');
  const tcpdump: ChildProcess = spawn('tcpdump', [
    ...tcpdumpBuffer,
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
    await Promise.race([talk(), hung]).finally(() => clearTimeout(timer));
  } finally {
    await stopTcpdump(tcpdump, 500);
  }
  const { findings } = await inspectFile(pcap, { observers: defaultObservers() });
  const flows = splitFindings(findings).flows.filter((f) => f.server.port === port);
  return { flows, threats: threatsBy(findings, 'http2-abuse') };
};

/** An HTTP/2 frame (RFC 9113 §4.1). */
export const h2Frame = (type: number, flags: number, stream: number, payload: Buffer) => {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header.writeUInt8(type, 3);
  header.writeUInt8(flags, 4);
  header.writeUInt32BE(stream, 5);
  return Buffer.concat([header, payload]);
};

/** RFC 7541 C.3.1: GET http://www.example.com/ (static-table indices and one literal). */
export const getBlock = Buffer.from('828684410f7777772e6578616d706c652e636f6d', 'hex');

/** What a raw client does first on stream 1, and how many octets of the server's it waits for before going on. */
export type Opening = { frames: Buffer; octets: number };

/** Resolves once `received` holds `octets` octets, or after 5 s. */
const awaitOctets = async (received: Buffer[], octets: number): Promise<void> => {
  for (let tries = 0; tries < 100; tries++) {
    if (received.reduce((n, chunk) => n + chunk.length, 0) >= octets) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/**
 * A raw client: the preface and an empty SETTINGS, then `opening` when given (on stream 1, waited for), then `streams`
 * client streams (1, 3, 5, ..., or from 3 after an opening), what `send` gives for each, `batch` streams a write; then
 * it reads what the server sends until the server closes or a second passes, and returns it.
 */
export const rawClient = async (
  port: number,
  streams: number,
  batch: number,
  send: (stream: number) => Buffer[],
  opening?: Opening,
) => {
  const socket = net.connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  await once(socket, 'connect');
  socket.write(
    Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), h2Frame(0x4, 0, 0, Buffer.alloc(0))]),
  );
  if (opening !== undefined) {
    socket.write(opening.frames);
    await awaitOctets(received, opening.octets);
  }
  const base = opening === undefined ? 1 : 3;
  for (let first = 0; first < streams; first += batch) {
    const frames: Buffer[] = [];
    for (let i = first; i < Math.min(first + batch, streams); i++) frames.push(...send(base + 2 * i));
    socket.write(Buffer.concat(frames));
  }
  await Promise.race([once(socket, 'close'), new Promise((resolve) => setTimeout(resolve, 1000))]);
  socket.destroy();
  return Buffer.concat(received);
};

/** The frames a server sent, as `type` or `type:code` for RST_STREAM (§6.4) and GOAWAY (§6.8), each with its count. */
export const frameCounts = (bytes: Buffer): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (let at = 0; at + 9 <= bytes.length; at += 9 + bytes.readUIntBE(at, 3)) {
    const type = bytes[at + 3] ?? 0;
    const code =
      type === 0x3 && at + 13 <= bytes.length
        ? `:${bytes.readUInt32BE(at + 9)}`
        : type === 0x7 && at + 17 <= bytes.length
          ? `:${bytes.readUInt32BE(at + 13)}`
          : '';
    const key = `${type}${code}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};
