/**
 * HTTP/1 answers whose request is not known (after lost client octets, or on a connection seen from its middle):
 * framing that depends on the request must not let a server's answer swallow the next ones or blind the tap. A
 * response to HEAD declares a body it does not send (RFC 9110 §9.3.2); a 101 switches only to what the request's
 * Upgrade named (§7.8).
 */
import { describe, expect, it } from 'vitest';
import { http } from '#sidecar/protocols/http.ts';
import {
  ascii,
  everySplitAgrees,
  feed,
  octetsCopied,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { requests, responses, runSteps, type Step, text } from './http-gap-steps.ts';

const refused = 'HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n';
const missing = 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n';
/** Unpaired: a request, then client octets lost (how many requests they held is not known). */
const unpaired: Step[] = [['to-server', ascii('GET /a HTTP/1.1\r\n\r\n')], { gap: 'to-server' }];
const statuses = (steps: Step[]): number[] => responses(runSteps(steps)).map((r) => r.status);

describe('an HTTP/1 response whose request is not known', () => {
  it('has no body when a status line starts where it would: a HEAD answer declares one it does not send', () => {
    const answered = (head: string, after: Step[] = []): number[] =>
      statuses([
        ...unpaired,
        ['to-server', ascii('HEAD /b HTTP/1.1\r\n\r\nGET /c HTTP/1.1\r\n\r\n')],
        ['to-client', ascii(`${refused}${head}${missing}`)],
        ...after,
      ]);
    // Chunked, and neither (read to the close, the connection kept alive): each swallowed the 404 after it.
    for (const head of [
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
      'HTTP/1.1 200 OK\r\n\r\n',
      'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n',
    ])
      expect(answered(head), head).toEqual([401, 200, 404]);
    // A Content-Length: decided where the body would end, once octets reach it, or when the connection ends.
    expect(answered('HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n')).toEqual([401, 200, 404]);
    const long = 'HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n';
    expect(answered(long, [{ end: true }])).toEqual([401, 200, 404]);
    expect(answered(long, [['to-client', ascii(missing.repeat(120))]])).toHaveLength(123);
  });

  it('reads a body of known length that starts with a status line as its body: what follows it tells, not its octets', () => {
    // A download whose content is an HTTP answer (a file its sender chose): read as an answer, the Content-Length in
    // it swallowed the server's 500 after it.
    const fake = 'HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nnothing to see';
    const download = `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${fake.length}\r\n\r\n${fake}`;
    const leak = 'HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\nleak!';
    const told = (steps: Step[]) => responses(runSteps(steps)).map((r) => [r.status, text(r.body)]);
    // After lost client octets; seen from the connection's middle, the next answer in a later segment; at the end.
    expect(told([...unpaired, ['to-client', ascii(`${download}${leak}`)]])).toEqual([
      [200, fake],
      [500, 'leak!'],
    ]);
    expect(
      told([
        ['to-client', ascii(download)],
        ['to-client', ascii(leak)],
      ]),
    ).toEqual([
      [200, fake],
      [500, 'leak!'],
    ]);
    expect(told([['to-client', ascii(download)], { end: true }])).toEqual([[200, fake]]);
    const segments: Segment[] = [['to-client', ascii(`${download}${leak}`)]];
    expect(everySplitAgrees(http, segments).mismatch).toBeUndefined();
  });

  it("reads what follows the head of the connection's last answer as its body (Connection: close, HTTP/1.0)", () => {
    const fake = 'HTTP/1.1 204 No Content\r\n\r\nMZ\x90\x00';
    for (const head of ['HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n', 'HTTP/1.0 200 OK\r\n\r\n']) {
      const events = runSteps([['to-client', ascii(`${head}${fake}`)], { end: true }]);
      expect(
        responses(events).map((r) => [r.status, text(r.body), r.bodyTruncated]),
        head,
      ).toEqual([[200, fake, false]]);
    }
  });

  it('reads the body it declared when no status line starts there, whatever the segments', () => {
    // A connection seen from its middle: answers with no request.
    const segments: Segment[] = [
      ['to-client', ascii('HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nHTTP/1.1 is ')],
      ['to-client', ascii(`HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n${missing}`)],
    ];
    const answers = responses(feed(http, segments) as never);
    expect(answers.map((r) => [r.status, text(r.body)])).toEqual([
      [200, 'HTTP/1.1 is '],
      [200, ''],
      [404, ''],
    ]);
    expect(everySplitAgrees(http, segments).mismatch).toBeUndefined();
  });
});

describe('an HTTP/1 101 Switching Protocols no request asked for', () => {
  const upgrade = 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n';

  it('switches nothing when the request is known and named no Upgrade: its answer follows, and requests go on', () => {
    const events = runSteps([
      ['to-server', ascii('GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n')],
      ['to-client', ascii(`${upgrade}HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok${refused}`)],
      ['to-server', ascii('POST /c HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi')],
    ]);
    expect(responses(events).map((r) => [r.status, r.request?.target])).toEqual([
      [101, '/a'],
      [200, '/a'],
      [401, '/b'],
    ]);
    expect(requests(events).map((r) => r.path)).toEqual(['/a', '/b', '/c']);
  });

  it('after lost octets, finds HTTP again when it goes on and reads no frame of another protocol as HTTP', () => {
    const events = runSteps([
      ...unpaired,
      ['to-client', ascii(`${upgrade}${refused}`)],
      ['to-server', ascii('GET /d HTTP/1.1\r\n\r\n')],
      ['to-client', ascii(upgrade)],
      // WebSocket frames both ways (RFC 6455 §5.7): a server's unmasked "Hello", a client's masked one.
      ['to-client', Uint8Array.of(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f)],
      ['to-server', Uint8Array.of(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58)],
    ]);
    expect(events.map((e) => (e.kind === 'http-response' ? e.status : e.kind))).toEqual([
      'http-request',
      101,
      401,
      'http-request',
      101,
    ]);
  });

  it('repeated by a hostile server, is told each time and never hides what follows', () => {
    const events = runSteps([
      ['to-server', ascii('GET /a HTTP/1.1\r\n\r\n')],
      ['to-client', ascii(`${'HTTP/1.1 101 S\r\n\r\n'.repeat(1000)}${refused}`)],
      ['to-server', ascii('GET /b HTTP/1.1\r\n\r\n')],
    ]);
    expect(responses(events)).toHaveLength(1001);
    expect(responses(events).at(-1)).toMatchObject({ status: 401, request: { target: '/a' } });
    expect(requests(events).map((r) => r.path)).toEqual(['/a', '/b']);
  });

  it('repeated with no request known, costs work in proportion to the octets (each makes both sides resynchronise)', () => {
    const flood = ascii('HTTP/1.1 101 S\r\n\r\n'.repeat(3600));
    let told = 0;
    const copied = octetsCopied(() => {
      told = responses(runSteps([['to-client', flood]])).length;
    });
    expect(told).toBe(3600);
    // Marking each resynchronisation with a line feed put in front copied what was left each time: 117 MB here.
    expect(copied).toBeLessThan(4 * flood.length);
  });
});
