/** HTTP/1.0 and 1.1 (RFC 9112): a request line or a status line; requests, responses, tunnels, h2c upgrades. */
import type { Direction } from '../events.ts';
import { createHttpConnection } from './http-connection.ts';
import { detectRequestLine, detectStatusLine } from './http-detect.ts';
import type { Detection, Protocol } from './protocol.ts';

export const http: Protocol = {
  id: 'http',
  transport: 'tcp',
  ports: [80, 8080, 8000, 3128],
  encrypted: false,
  detect: (bytes: Uint8Array, direction: Direction): Detection =>
    direction === 'to-server' ? detectRequestLine(bytes) : detectStatusLine(bytes),
  createParser: createHttpConnection,
};
