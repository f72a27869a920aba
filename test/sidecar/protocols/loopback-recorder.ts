/** Test helper: a loopback TCP relay that records the bytes each way, so real clients and servers make fixtures. */
import { once } from 'node:events';
import net from 'node:net';
import type { Direction } from '#sidecar/events.ts';

/** `connection` counts the relayed connections from 0, in the order they were accepted. */
export type RecordedChunk = { direction: Direction; bytes: Uint8Array; connection: number };

export type Recorder = {
  port: number;
  /** Chunks in arrival order over every connection relayed so far. */
  chunks: RecordedChunk[];
  close(): Promise<void>;
};

/** Starts a relay on an ephemeral loopback port that forwards to `targetPort`. */
export const startRecorder = async (targetPort: number): Promise<Recorder> => {
  const chunks: RecordedChunk[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((client) => {
    const connection = connections++;
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('data', (data: Buffer) => {
      chunks.push({ direction: 'to-server', bytes: Uint8Array.from(data), connection });
      upstream.write(data);
    });
    upstream.on('data', (data: Buffer) => {
      chunks.push({ direction: 'to-client', bytes: Uint8Array.from(data), connection });
      client.write(data);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    chunks,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
};

/** Runs `client` against a recorder in front of `targetPort`, then closes it: what crossed, both ways. */
export const recordClient = async (
  targetPort: number,
  client: (port: number) => Promise<unknown>,
): Promise<RecordedChunk[]> => {
  const recorder = await startRecorder(targetPort);
  await client(recorder.port);
  await recorder.close();
  return recorder.chunks;
};

/** Concatenates the recorded bytes of one direction. */
export const directionBytes = (chunks: readonly RecordedChunk[], direction: Direction): Uint8Array =>
  Uint8Array.from(Buffer.concat(chunks.filter((c) => c.direction === direction).map((c) => c.bytes)));
