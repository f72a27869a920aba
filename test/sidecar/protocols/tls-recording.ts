/** Test helper: one real TLS connection (node:tls, OpenSSL) through the loopback recorder; what each side sent. */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import nodeTls from 'node:tls';
import { type RecordedChunk, startRecorder } from './loopback-recorder.ts';

/**
 * Serves `server` options on loopback, connects a client asking for `api.shop.local` (certificates unchecked) with
 * `client` options, reads the server's goodbye and returns the recorded chunks.
 */
export const recordTlsConnection = async (
  server: nodeTls.TlsOptions,
  client: nodeTls.ConnectionOptions = {},
): Promise<RecordedChunk[]> => {
  const listener = nodeTls.createServer(server, (socket) => socket.end('bye'));
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const recorder = await startRecorder((listener.address() as AddressInfo).port);
  const socket = nodeTls.connect({
    port: recorder.port,
    host: '127.0.0.1',
    servername: 'api.shop.local',
    rejectUnauthorized: false,
    ...client,
  });
  socket.resume();
  await once(socket, 'end');
  socket.destroy();
  await recorder.close();
  listener.close();
  return recorder.chunks;
};
