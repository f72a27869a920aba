/**
 * uninspected-body on events as the parsers make them: a body cut at the 64 KiB kept, WebSocket messages past it or
 * not inflated, the media types it reads as text (and a team's own), once a connection. The padding-evasion test
 * drives it through the whole engine from a capture.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { HttpRequestEvent, WebsocketMessageEvent } from '#sidecar/events.ts';
import { uninspectedBody } from '#sidecar/threats/uninspected-body.ts';
import { protobufText } from '#test/fixtures/protocols/protobuf-encode.ts';
import { httpRequest, runThreat } from './threat-factories.ts';

const cut = (type: string | undefined, length = 70_000): HttpRequestEvent => ({
  ...httpRequest('/import', {
    headers: type === undefined ? [] : [['Content-Type', type]],
    body: 'a'.repeat(65_536),
  }),
  headers: [
    ['Host', 'shop.example'],
    ...(type === undefined ? [] : ([['Content-Type', type]] as [string, string][])),
    ['Content-Length', String(length)],
  ],
  bodyTruncated: true,
});

const message = (
  overrides: Partial<WebsocketMessageEvent>,
  text: string | null = 'hello',
): WebsocketMessageEvent => ({
  kind: 'websocket-message',
  ts: 1_000,
  direction: 'to-server',
  opcode: 'text',
  length: 100,
  compressed: false,
  forwarding: undefined,
  ...(text === null ? {} : { text }),
  ...overrides,
});

describe('uninspected-body', () => {
  it('reports a text body cut at the 64 KiB kept, naming its length, type and path', () => {
    const [hit] = runThreat(uninspectedBody, [cut('application/json; charset=utf-8')]);
    expect(hit).toMatchObject({ threat: 'uninspected-body', severity: 'low' });
    expect(hit?.evidence).toBe(
      'POST /import (application/json): its body (70000 octets) passes the 65536 octets kept; the rest was not judged',
    );
  });

  it('a form or JSON body read on past the bound (ADR 46): reported only when values were left unread, counted', () => {
    const read = (unread: number): HttpRequestEvent => ({
      ...cut('application/x-www-form-urlencoded'),
      later: { kind: 'form', values: [['q', '1']], unread },
    });
    expect(runThreat(uninspectedBody, [read(0)])).toEqual([]);
    const [hit] = runThreat(uninspectedBody, [read(7)]);
    expect(hit?.evidence).toBe(
      "POST /import (application/x-www-form-urlencoded): its body (70000 octets) passes the 65536 octets kept; past them 1 form fields were kept for judging and 7 were not (the 65536 characters kept were full, or a long value's middle was not padding); the rest was not judged",
    );
  });

  it('a compressed JSON body that decodes past 64 KiB: not reported when its later strings were all read', () => {
    const compressed = (json: string): HttpRequestEvent => ({
      ...httpRequest('/import', { headers: [['Content-Type', 'application/json']] }),
      headers: [
        ['Content-Type', 'application/json'],
        ['Content-Encoding', 'gzip'],
      ],
      body: new Uint8Array(gzipSync(json)),
    });
    expect(
      runThreat(uninspectedBody, [compressed(JSON.stringify({ pad: 'x'.repeat(100_000), q: 'a' }))]),
    ).toEqual([]);
    const words = Array.from({ length: 20_000 }, (_, i) => `w${i}`).join(' ');
    const [hit] = runThreat(uninspectedBody, [compressed(JSON.stringify({ pad: words, q: 'a' }))]);
    expect(hit?.evidence).toMatch(
      /its gzip body decodes to \d+ octets, past the 65536 judged; past them 2 JSON strings were kept for judging and 1 were not/,
    );
  });

  it('reads form, XML, text/*, +json and untyped bodies as text; files are not reported by default', () => {
    for (const type of [
      'application/x-www-form-urlencoded',
      'text/plain',
      'application/problem+json',
      undefined,
    ])
      expect(runThreat(uninspectedBody, [cut(type)]), String(type)).toHaveLength(1);
    for (const type of ['multipart/form-data; boundary=x', 'application/octet-stream', 'image/png'])
      expect(runThreat(uninspectedBody, [cut(type)]), type).toEqual([]);
  });

  it('a gRPC body past the bound: reported when its reader on left fields unread, or nothing read it on', () => {
    const later = (unread: number): HttpRequestEvent => ({
      ...cut('application/grpc'),
      later: { kind: 'grpc', values: [['$.2', 'a']], unread },
    });
    expect(runThreat(uninspectedBody, [later(0)])).toEqual([]);
    expect(runThreat(uninspectedBody, [later(3)])[0]?.evidence).toMatch(
      /\(application\/grpc\): its body passes the 65536 octets kept; past them 1 gRPC text fields were kept for judging and 3 were not/,
    );
    expect(runThreat(uninspectedBody, [cut('application/grpc-web-text')])[0]?.evidence).toMatch(
      /\(application\/grpc-web-text\): its body passes the 65536 octets kept and was not read on/,
    );
  });

  it('reports compressed gRPC messages not inflated: after 1 MiB of padding, or in an encoding not read', () => {
    const frame = (message: Uint8Array): Uint8Array => {
      const out = new Uint8Array(5 + message.length);
      out[0] = 1;
      new DataView(out.buffer).setUint32(1, message.length);
      out.set(message, 5);
      return out;
    };
    const padding = frame(gzipSync(Uint8Array.from(protobufText(1, 'p'.repeat(1024 * 1024 - 10)))));
    const attack = frame(gzipSync(Uint8Array.from(protobufText(1, "1' OR '1'='1"))));
    const grpc = (encoding: string, ...messages: Uint8Array[]): HttpRequestEvent => ({
      ...httpRequest('/shop.Catalog/Search', { method: 'POST' }),
      headers: [
        ['Content-Type', 'application/grpc'],
        ['grpc-encoding', encoding],
      ],
      body: Uint8Array.from(Buffer.concat(messages)),
    });
    const [padded] = runThreat(uninspectedBody, [grpc('gzip', padding, attack)]);
    expect(padded?.evidence).toBe(
      'POST /shop.Catalog/Search (application/grpc): 1 compressed message was not inflated (past the 1 MiB inflated for one body); the rest was not judged',
    );
    const [zstd] = runThreat(uninspectedBody, [grpc('zstd', attack, attack)]);
    expect(zstd?.evidence).toMatch(
      '2 compressed messages were not inflated (grpc-encoding zstd is not read)',
    );
    // Read to the end: nothing to report, as for any gRPC body by default.
    expect(runThreat(uninspectedBody, [grpc('gzip', attack, attack)])).toEqual([]);
  });

  it('reports a compressed form whose later parts no reader reached, whatever the list; not one decoded whole', () => {
    const form = 'multipart/form-data; boundary=x';
    const coded = (encoding: string, event = cut(form)): HttpRequestEvent => ({
      ...event,
      headers: [...event.headers, ['Content-Encoding', encoding]],
    });
    // Cut at the 64 KiB kept, compressed: the parser's tail reads no compressed boundary.
    const [hit] = runThreat(uninspectedBody, [coded('gzip')]);
    expect(hit?.evidence).toBe(
      'POST /import (multipart/form-data): its gzip body passes the 65536 octets kept, compressed: the parts after them were not read; the rest was not judged',
    );
    // Whole but in a coding not decoded; whole and decoded (its later parts are read, http-inputs.ts); plain.
    const whole = { ...cut(form), bodyTruncated: false, body: new Uint8Array(gzipSync('--x--\r\n')) };
    expect(runThreat(uninspectedBody, [coded('zstd', { ...whole, body: Uint8Array.of(1, 2) })])).toHaveLength(
      1,
    );
    expect(runThreat(uninspectedBody, [coded('gzip', whole)])).toEqual([]);
    expect(runThreat(uninspectedBody, [coded('identity')])).toEqual([]);
  });

  it("a team's own list: multipart uploads reported, JSON not", () => {
    const config = { contentTypes: ['multipart/form-data'] };
    expect(runThreat(uninspectedBody, [cut('multipart/form-data; boundary=x')], { config })).toHaveLength(1);
    expect(runThreat(uninspectedBody, [cut('application/json')], { config })).toEqual([]);
  });

  it('once a connection, and nothing for a whole body or a response', () => {
    expect(runThreat(uninspectedBody, [cut('application/json'), cut('application/json')])).toHaveLength(1);
    const whole = httpRequest('/x', { headers: [['Content-Type', 'application/json']], body: '{"a":1}' });
    expect(runThreat(uninspectedBody, [whole])).toEqual([]);
    expect(runThreat(uninspectedBody, [{ ...cut('application/json'), direction: 'to-client' }])).toEqual([]);
  });

  it('WebSocket: a text message past the 64 KiB kept, or a compressed one not inflated; not a short one', () => {
    const [long] = runThreat(uninspectedBody, [message({ length: 70_000 })]);
    expect(long?.evidence).toBe(
      'WebSocket: a text message of 70000 octets passes the 65536 kept; the rest was not judged',
    );
    const lost = message({ compressed: true, length: 300_000 }, null);
    expect(runThreat(uninspectedBody, [lost])).toHaveLength(1);
    expect(runThreat(uninspectedBody, [message({}), message({ opcode: 'binary', length: 70_000 })])).toEqual(
      [],
    );
  });

  it('rejects an entry that is not a media type, naming it', () => {
    for (const entry of ['', 'json', 'application/', 'text/html; charset=utf-8']) {
      const parsed = uninspectedBody.config.safeParse({ contentTypes: [entry] });
      expect(parsed.error?.issues[0]?.message, entry).toMatch(`${JSON.stringify(entry)} is not a media type`);
      expect(parsed.error?.issues[0]?.path).toEqual(['contentTypes', 0]);
    }
    expect(
      uninspectedBody.config.parse({ contentTypes: ['application/vnd.api+json', '*+cbor', 'none'] }),
    ).toBeTruthy();
  });
});
