/**
 * Octets the capture lost, through the whole engine (ADR 34): the snap length cuts a request body and a response
 * body; the reassembler knows how many octets each hole held and the HTTP/1 parser skips them in frame. Each cut
 * message reaches the observers with what was seen of it, and the answers after stay paired with their requests.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { type Endpoints, tcpConversation } from './conversation.ts';

const web: Endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 80 };

/** What observers are told of each HTTP message: kind, path or status, its request, cut or not. */
const told = (event: ProtocolEvent) => {
  if (event.kind === 'http-request') return ['request', event.path, event.bodyTruncated];
  if (event.kind === 'http-response')
    return ['response', event.status, event.request?.target, event.bodyTruncated];
  return [event.kind];
};

describe('HTTP/1 bodies cut by the snap length, through the engine', () => {
  it('are told with what was seen, and the requests and answers after them stay paired', () => {
    const records = tcpConversation(web, [
      {
        from: 'client',
        data: 'POST /upload HTTP/1.1\r\nHost: shop\r\nContent-Length: 20\r\n\r\n0123456789abcdefghij',
      },
      { from: 'client', data: 'GET /b HTTP/1.1\r\nHost: shop\r\n\r\n' },
      {
        from: 'server',
        data: `HTTP/1.1 500 Internal Server Error\r\nContent-Length: 30\r\n\r\n${'e'.repeat(30)}`,
      },
      { from: 'server', data: 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n' },
    ]);
    // The handshake takes three records: the POST's and the 500's last octets are cut off (snap length), not sent.
    for (const [at, cut] of [
      [3, 10],
      [5, 20],
    ] as const) {
      const record = records[at];
      if (record !== undefined)
        records[at] = { ...record, data: record.data.subarray(0, record.data.length - cut) };
    }
    const events: ProtocolEvent[] = [];
    const engine = createEngine({ observers: [{ onEvent: (_flow, event) => events.push(event) }] });
    for (const record of records) engine.push(record);
    engine.flush();
    expect(events.map(told)).toEqual([
      ['request', '/upload', true],
      ['request', '/b', false],
      ['response', 500, '/upload', true],
      ['response', 404, '/b', false],
    ]);
  });
});
