/**
 * Refusals deep in a keep-alive connection (ADR 58), through the engine with the threat runner: one connection first
 * carries a 40 KiB answer, then 25 refused logins within a second. Before, a connection's answers were read for its
 * first 32 KiB only, and none of these refusals was counted. HTTP/1.1 (a body of known length, and chunked) and
 * HTTP/2 with prior knowledge (401s, and gRPC UNAUTHENTICATED in trailers); a scanner's 404s after the page, for
 * web-scanner; the same connections answered 200 are left alone.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { ascii, concat, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Endpoints, type Message, segments, tcpConversation } from '../engine/conversation.ts';
import { frame, getBlock, preface } from '../protocols/http2-frames.ts';

const web: Endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 8080 };

const page = new Uint8Array(40 * 1024).fill(0x61);

/** A 40 KiB page sent with a Content-Length, or in chunks of 4 KiB. */
const largeAnswer = (chunked: boolean): Uint8Array => {
  if (!chunked) return concat(ascii(`HTTP/1.1 200 OK\r\nContent-Length: ${page.length}\r\n\r\n`), page);
  const chunks = [];
  for (let at = 0; at < page.length; at += 4096)
    chunks.push(ascii('1000\r\n'), page.subarray(at, at + 4096), ascii('\r\n'));
  return concat(
    ascii('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'),
    ...chunks,
    ascii('0\r\n\r\n'),
  );
};

const login = (i: number) =>
  `POST /login HTTP/1.1\r\nHost: shop.test\r\nContent-Length: 21\r\n\r\nuser=ann&pass=guess${String(i).padStart(2, '0')}`;

/** The page, then 25 logins answered `status` on the same connection. */
const http1 = (status: number, chunked = false): Message[] => [
  { from: 'client', data: 'GET /catalogue HTTP/1.1\r\nHost: shop.test\r\n\r\n' },
  ...segments('server', largeAnswer(chunked)),
  ...Array.from({ length: 25 }, (_, i): Message[] => [
    { from: 'client', data: login(i) },
    { from: 'server', data: `HTTP/1.1 ${status} Whatever\r\nContent-Length: 0\r\n\r\n` },
  ]).flat(),
];

/** `:status` as a literal without indexing, its name the static table's eighth entry (RFC 7541 §6.2.2). */
const status = (code: number) => concat(hex('08 03'), ascii(String(code)));
/** A trailer `grpc-status`, a literal without indexing with a new name (RFC 7541 §6.2.2). */
const grpcStatus = (code: number) =>
  concat(hex('00 0b'), ascii('grpc-status'), hex('02'), ascii(String(code)));

/** Prior knowledge: the page on stream 1 (DATA of 16 KiB at most), then 25 streams answered `answer(stream)`. */
const http2 = (answer: (stream: number) => Uint8Array): Message[] => {
  const data = [0, 16_384, 32_768].map((at) =>
    frame(0x0, at === 32_768 ? 1 : 0, 1, page.subarray(at, Math.min(at + 16_384, page.length))),
  );
  return [
    { from: 'client', data: concat(preface, frame(0x4, 0, 0), frame(0x1, 0x5, 1, getBlock)) },
    ...segments('server', concat(frame(0x4, 0, 0), frame(0x1, 0x4, 1, hex('88')), ...data)),
    ...Array.from({ length: 25 }, (_, i): Message[] => [
      { from: 'client', data: frame(0x1, 0x5, 3 + 2 * i, getBlock) },
      { from: 'server', data: answer(3 + 2 * i) },
    ]).flat(),
  ];
};

const refused = (stream: number) => frame(0x1, 0x5, stream, status(401));
const unauthenticated = (stream: number) =>
  concat(frame(0x1, 0x4, stream, hex('88')), frame(0x1, 0x5, stream, grpcStatus(16)));
const served = (stream: number) => frame(0x1, 0x5, stream, hex('88'));

const threatsOf = (messages: readonly Message[]) => {
  const engine = createEngine({ observers: [createThreatRunner({ policyDir: false })] });
  for (const record of tcpConversation(web, messages)) engine.push(record);
  return splitFindings(engine.flush()).threats.map((t) => [t.threat, t.evidence]);
};

describe('refusals after a large answer on one keep-alive connection', () => {
  it('counts HTTP/1.1 refusals after a 40 KiB page, sent with a length or chunked', () => {
    for (const chunked of [false, true])
      expect(threatsOf(http1(401, chunked))).toEqual([
        ['http-auth-brute-force', '20 refused requests within 60000 ms (401 ×20)'],
      ]);
  });

  it('counts HTTP/2 401s and gRPC UNAUTHENTICATED trailers after a 40 KiB answer', () => {
    expect(threatsOf(http2(refused))).toEqual([
      ['http-auth-brute-force', '20 refused requests within 60000 ms (401 ×20)'],
    ]);
    expect(threatsOf(http2(unauthenticated))).toEqual([
      ['http-auth-brute-force', '20 refused requests within 60000 ms (grpc UNAUTHENTICATED ×20)'],
    ]);
  });

  it('finds a scanner’s forced browsing after a 40 KiB page', () => {
    const probes = Array.from({ length: 60 }, (_, i): Message[] => [
      { from: 'client', data: `GET /backup-${i}.zip HTTP/1.1\r\nHost: shop.test\r\n\r\n` },
      { from: 'server', data: 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n' },
    ]).flat();
    const page: Message = { from: 'client', data: 'GET /catalogue HTTP/1.1\r\nHost: shop.test\r\n\r\n' };
    const found = threatsOf([page, ...segments('server', largeAnswer(false)), ...probes]);
    expect(found).toEqual([['web-scanner', expect.stringMatching(/forced browsing|distinct paths/)]]);
  });

  it('finds nothing on the same connections answered 200', () => {
    expect(threatsOf(http1(200))).toEqual([]);
    expect(threatsOf(http1(200, true))).toEqual([]);
    expect(threatsOf(http2(served))).toEqual([]);
  });
});
