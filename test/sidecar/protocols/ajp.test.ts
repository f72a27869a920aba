/**
 * AJP13 from mod_proxy_ajp's and Tomcat 10's own bytes (ajp-packets.ts): detection both ways, requests told as HTTP's
 * (method, path, query, headers, body, attributes) with their answers, control packets, hostile input.
 */
import { describe, expect, it } from 'vitest';
import type { HttpRequestEvent, HttpResponseEvent, ProtocolEvent } from '#sidecar/events.ts';
import { ajp } from '#sidecar/protocols/ajp.ts';
import { readForwardRequest } from '#sidecar/protocols/ajp-forward-request.ts';
import {
  ajpString,
  bodyPacket,
  forwardRequest,
  fromContainer,
  toContainer,
} from '#test/fixtures/protocols/ajp-encode.ts';
import {
  cping,
  cpong,
  endClose,
  endReuse,
  forbidden403,
  getIndex,
  getMissing,
  ghostcat,
  helloChunk,
  notFound404,
  ok200,
  postForm,
  postFormBody,
} from '#test/fixtures/protocols/ajp-packets.ts';
import {
  concat,
  contractCheck,
  engineLabel,
  everySplitAgrees,
  feed,
  hex,
  octetsCopied,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { itRejectsForeignBytes } from './ndpi-flow-checks.ts';

const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const requests = (events: unknown[]) =>
  (events as ProtocolEvent[])
    .filter((e): e is HttpRequestEvent => e.kind === 'http-request')
    .map((e) => [e.method, e.target, e.path, e.query, text(e.body)]);
const answers = (events: unknown[]) =>
  (events as ProtocolEvent[])
    .filter((e): e is HttpResponseEvent => e.kind === 'http-response')
    .map((e) => [e.status, text(e.body).slice(0, 20), e.request?.target]);

/** A connection as Apache and Tomcat held it: a CPING, a GET, a form POST, a 404, each answered. */
const session: Segment[] = [
  ['to-server', cping],
  ['to-client', cpong],
  ['to-server', getIndex],
  ['to-client', concat(ok200, helloChunk, endReuse)],
  ['to-server', postForm],
  ['to-server', postFormBody],
  ['to-client', ok200],
  ['to-client', helloChunk],
  ['to-client', endReuse],
  ['to-server', getMissing],
  ['to-client', notFound404],
  ['to-client', endReuse],
];

describe('ajp detection', () => {
  it("matches the proxy's first packets and the container's, and waits on their prefixes", () => {
    for (const packet of [cping, getIndex, postForm, ghostcat])
      expect(ajp.detect(packet, 'to-server'), text(packet.subarray(0, 8))).toBe('match');
    for (const packet of [cpong, ok200, helloChunk, endReuse, endClose, notFound404])
      expect(ajp.detect(packet, 'to-client')).toBe('match');
    for (let n = 0; n < getIndex.length; n++)
      expect(ajp.detect(getIndex.subarray(0, n), 'to-server')).not.toBe('no-match');
    for (let n = 0; n < ok200.length; n++)
      expect(ajp.detect(ok200.subarray(0, n), 'to-client')).not.toBe('no-match');
  });

  it('refuses the wrong magic, an unknown prefix code, a malformed request and a data packet first', () => {
    expect(ajp.detect(cping, 'to-client')).toBe('no-match');
    expect(ajp.detect(cpong, 'to-server')).toBe('no-match');
    expect(ajp.detect(hex('123400010b'), 'to-server')).toBe('no-match');
    expect(ajp.detect(hex('123400020a00'), 'to-server')).toBe('no-match');
    expect(ajp.detect(postFormBody, 'to-server')).toBe('no-match');
    // A method code past MKACTIVITY (27), a string without its NUL, is_ssl 2, bytes after the 0xFF terminator.
    expect(ajp.detect(forwardRequest({ method: 28, uri: '/' }), 'to-server')).toBe('no-match');
    const noNul = concat(hex('12340010 02 02'), hex('0008'), Buffer.from('HTTP/1.1X'));
    expect(ajp.detect(noNul, 'to-server')).toBe('no-match');
    const request = forwardRequest({ method: 2, uri: '/' });
    const ssl = Uint8Array.from(request);
    ssl[request.length - 4] = 2;
    expect(ajp.detect(ssl, 'to-server')).toBe('no-match');
    expect(ajp.detect(toContainer(concat(request.subarray(4), hex('00'))), 'to-server')).toBe('no-match');
    expect(ajp.detect(fromContainer(hex('0401f4')), 'to-client')).toBe('need-more');
    expect(ajp.detect(fromContainer(hex('040063 0000 00 0000')), 'to-client')).toBe('no-match');
    expect(ajp.detect(hex('414200020502'), 'to-client')).toBe('no-match');
    expect(ajp.detect(new TextEncoder().encode('ABORT everything\r\n'), 'to-client')).toBe('no-match');
  });

  it('is the label the whole registry gives them, on a port that says nothing', () => {
    expect(engineLabel([['to-server', cping]])).toBe('ajp');
    expect(engineLabel([['to-server', ghostcat]])).toBe('ajp');
    expect(engineLabel([['to-client', concat(ok200, helloChunk, endReuse)]])).toBe('ajp');
    expect(engineLabel(session)).toBe('ajp');
  });

  itRejectsForeignBytes(ajp, ['ajp']);
});

describe('ajp requests and answers', () => {
  it('tells each forwarded request as HTTP would, with its answer, as Apache and Tomcat sent them', () => {
    const events = feed(ajp, session);
    expect(requests(events)).toEqual([
      ['GET', '/index.html?lang=en', '/index.html', 'lang=en', ''],
      ['POST', '/index.html', '/index.html', '', 'name=alice&q=1'],
      ['GET', '/missing', '/missing', '', ''],
    ]);
    expect(answers(events)).toEqual([
      [200, 'hello from tomcat\n', '/index.html?lang=en'],
      [200, 'hello from tomcat\n', '/index.html'],
      [404, '', '/missing'],
    ]);
    const [get] = events as HttpRequestEvent[];
    expect(get).toBeDefined();
    expect((events as ProtocolEvent[]).filter((e) => e.kind === 'operation').map((e) => e.operation)).toEqual(
      ['cping', 'cpong'],
    );
    const first = (events as ProtocolEvent[]).find((e): e is HttpRequestEvent => e.kind === 'http-request');
    expect(first?.version).toBe('1.1');
    expect(first?.headers).toEqual([
      ['host', '127.0.0.1:8080'],
      ['user-agent', 'curl/7.88.1'],
      ['accept', '*/*'],
    ]);
    expect(first?.attributes).toEqual([
      ['query_string', 'lang=en'],
      ['AJP_REMOTE_PORT', '35718'],
      ['AJP_LOCAL_ADDR', '127.0.0.1'],
    ]);
  });

  it('reads the same events however the octets are cut', () => {
    expect(everySplitAgrees(ajp, session).mismatch).toBeUndefined();
  });

  it("keeps the Ghostcat request's include attributes, and Tomcat's refusal", () => {
    const events = feed(ajp, [
      ['to-server', ghostcat],
      ['to-client', concat(forbidden403, endClose)],
    ]) as ProtocolEvent[];
    const request = events.find((e): e is HttpRequestEvent => e.kind === 'http-request');
    expect(request?.attributes).toEqual([
      ['javax.servlet.include.request_uri', '/'],
      ['javax.servlet.include.path_info', '/WEB-INF/web.xml'],
      ['javax.servlet.include.servlet_path', '/'],
    ]);
    expect(answers(events)).toEqual([[403, '', '/asdf']]);
  });

  it('reads WebDAV methods, a stored method, string header names, every attribute kind, and never keeps a secret', () => {
    const read = readForwardRequest(
      forwardRequest({
        method: 0xff,
        uri: '/dav/x',
        headers: [
          ['X-Custom', 'v'],
          [0xa009, 'JSESSIONID=1'],
        ],
        attributes: [
          [0x0d, 'BREW'],
          [0x03, 'alice'],
          [0x0c, 'hunter2'],
          ['a', 'b'],
        ],
      }).subarray(4),
    );
    expect(read).toMatchObject({
      method: 'BREW',
      uri: '/dav/x',
      headers: [
        ['x-custom', 'v'],
        ['cookie', 'JSESSIONID=1'],
      ],
      attributes: [
        ['stored_method', 'BREW'],
        ['remote_user', 'alice'],
        ['secret', ''],
        ['a', 'b'],
      ],
    });
    expect(JSON.stringify(read)).not.toContain('hunter2');
    expect(readForwardRequest(forwardRequest({ method: 8, uri: '/' }).subarray(4))).toMatchObject({
      method: 'PROPFIND',
    });
    expect(readForwardRequest(forwardRequest({ method: 27, uri: '/' }).subarray(4))).toMatchObject({
      method: 'MKACTIVITY',
    });
    const nullUri = concat(hex('02 02'), ajpString('HTTP/1.1'), ajpString(null));
    expect(readForwardRequest(nullUri)).toBe('bad');
  });

  it('reads a body sent in several packets, one of unknown length to its empty packet, and bounds it at 64 KiB', () => {
    const chunked = forwardRequest({ method: 4, uri: '/up', headers: [['Transfer-Encoding', 'chunked']] });
    const parts = Array.from({ length: 10 }, () => bodyPacket(new Uint8Array(8000).fill(0x61)));
    const events = feed(ajp, [
      ['to-server', chunked],
      ...parts.map((p): Segment => ['to-server', p]),
      ['to-server', bodyPacket(new Uint8Array(0))],
      ['to-server', forwardRequest({ method: 2, uri: '/next' })],
    ]) as HttpRequestEvent[];
    expect(events.map((e) => [e.path, e.body.length, e.bodyTruncated])).toEqual([
      ['/up', 64 * 1024, true],
      ['/next', 0, false],
    ]);
  });

  it('tells a request whose body never came when its answer ends, or at the flow end', () => {
    const post = forwardRequest({ method: 4, uri: '/p', headers: [[0xa008, '20000']] });
    const answered = feed(ajp, [
      ['to-server', post],
      ['to-client', concat(ok200, endReuse)],
    ]);
    expect(requests(answered)).toEqual([['POST', '/p', '/p', '', '']]);
    const parser = ajp.createParser();
    parser.parse(post, 'to-server', 1);
    parser.parse(bodyPacket(Buffer.from('a=1')), 'to-server', 2);
    expect(requests(parser.end?.() ?? [])).toEqual([['POST', '/p', '/p', '', 'a=1']]);
  });

  it('joins a packet trickled an octet at a time once, not at every octet', () => {
    const body = bodyPacket(new Uint8Array(60_000).fill(0x61));
    const post = forwardRequest({ method: 4, uri: '/p', headers: [[0xa008, '60000']] });
    let told: unknown[] = [];
    const copied = octetsCopied(() => {
      const parser = ajp.createParser();
      parser.parse(post, 'to-server', 1);
      for (let i = 0; i < body.length; i++) told = parser.parse(body.subarray(i, i + 1), 'to-server', 2);
    });
    expect(requests(told)).toEqual([['POST', '/p', '/p', '', 'a'.repeat(60_000)]]);
    expect(copied).toBeLessThan(4 * body.length);
  });

  it('tells a SHUTDOWN once, stops a direction at a wrong magic, and survives random and truncated input', () => {
    const events = feed(ajp, [
      ['to-server', hex('1234000107 1234000107')],
      ['to-server', hex('ffff')],
      ['to-server', getIndex],
    ]) as ProtocolEvent[];
    expect(events.map((e) => (e.kind === 'operation' ? e.operation : e.kind))).toEqual(['shutdown']);
    expect(contractCheck(ajp, ['to-server', getIndex]).randomMatches).toBe(0);
    expect(contractCheck(ajp, ['to-client', ok200]).randomMatches).toBe(0);
  });
});
