/** The reader of a tunnel's inner protocol on its own: what it holds before a verdict, and its depth bound. */
import { describe, expect, it } from 'vitest';
import { protocols } from '#sidecar/protocols/index.ts';
import { createTunnelInner, tunnelPrefixBytes } from '#sidecar/protocols/tunnel-inner.ts';
import { ascii } from '#test/fixtures/protocols/protocol-harness.ts';

describe('createTunnelInner', () => {
  it('tells a parser the octets of a full prefix it did not hold as lost, after what it held', () => {
    const tunnel = createTunnelInner('http', { tunnelDepth: 0, protocols });
    // A server that says nothing until the client has sent more than the prefix: held, then told as lost.
    expect(tunnel.parse(new Uint8Array(tunnelPrefixBytes + 10).fill(0x41), 'to-server', 1)).toEqual([]);
    const events = tunnel.parse(ascii('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), 'to-client', 2);
    expect(events).toMatchObject([
      {
        kind: 'operation',
        protocol: 'http',
        operation: 'tunnel http',
        detail: 'http',
        direction: 'to-client',
        ts: 2,
      },
      { kind: 'http-response', status: 200 },
    ]);
  });

  it('reads nothing past the depth bound', () => {
    const tunnel = createTunnelInner('http', { tunnelDepth: 2, protocols });
    expect(tunnel.parse(ascii('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), 'to-server', 1)).toEqual([]);
  });
});
