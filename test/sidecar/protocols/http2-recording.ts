/** Test helper: a node:http2 (nghttp2) server and client on loopback, through the recording relay. */
import { once } from 'node:events';
import nodeHttp2, {
  type ClientHttp2Session,
  type ClientSessionOptions,
  type ClientSessionRequestOptions,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type SecureServerOptions,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { recordClient } from './loopback-recorder.ts';

/**
 * Serves each stream with `onStream` while `talk` drives a client through the relay; returns what crossed. `options`
 * go to the server and the client (limits such as `settings.maxHeaderListSize`).
 */
export const recordHttp2 = async (
  onStream: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void,
  talk: (client: ClientHttp2Session) => Promise<unknown>,
  options: { server?: SecureServerOptions; client?: ClientSessionOptions } = {},
): Promise<Segment[]> => {
  const server = nodeHttp2.createServer(options.server ?? {});
  server.on('stream', onStream);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const chunks = await recordClient((server.address() as AddressInfo).port, async (port) => {
      const client = nodeHttp2.connect(`http://127.0.0.1:${port}`, options.client ?? {});
      try {
        await talk(client);
      } finally {
        client.close();
      }
    });
    return chunks.map((c): Segment => [c.direction, c.bytes]);
  } finally {
    server.close();
  }
};

/** Sends one request (with `body`, if any) and reads its answer to the end. */
export const http2Ask = async (
  client: ClientHttp2Session,
  headers: OutgoingHttpHeaders,
  body?: string,
  options?: ClientSessionRequestOptions,
): Promise<void> => {
  const request = client.request(headers, options);
  request.end(body);
  request.resume();
  await once(request, 'end');
};
