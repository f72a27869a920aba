/** EPMD from Debian's Erlang/OTP 25 bytes (erlang-messages.ts): strict detection both ways, each request's answer. */
import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { epmd } from '#sidecar/protocols/epmd.ts';
import {
  epmdAlive2,
  epmdAlive2Answer,
  epmdKill,
  epmdKillAnswer,
  epmdNames,
  epmdNamesLines,
  epmdNamesPort,
  epmdPort2,
  epmdPortPlease,
} from '#test/fixtures/protocols/erlang-messages.ts';
import {
  ascii,
  concat,
  contractCheck,
  everySplitAgrees,
  hex,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { itRejectsForeignBytes } from './ndpi-flow-checks.ts';

const ops = (events: unknown[]) =>
  (events as OperationEvent[]).map((e) => [e.direction, e.operation, e.detail]);

/** Every event of a connection, the ones the daemon's close tells included. */
const run = (segments: [OperationEvent['direction'], Uint8Array][]) => {
  const parser = epmd.createParser();
  const events = segments.flatMap(([direction, bytes], i) => parser.parse(bytes, direction, i));
  return ops([...events, ...(parser.end?.() ?? [])]);
};

describe('epmd detection', () => {
  it('matches each whole request and waits on its prefixes', () => {
    for (const request of [epmdAlive2, epmdPortPlease, epmdNames, epmdKill]) {
      expect(epmd.detect(request, 'to-server')).toBe('match');
      expect(epmd.detect(request.subarray(0, 2), 'to-server')).toBe('need-more');
    }
    expect(epmd.detect(hex('000173 61'), 'to-server')).toBe('no-match');
    expect(epmd.detect(hex('00016e'), 'to-server')).toBe('match');
    expect(epmd.detect(hex('000164'), 'to-server')).toBe('match');
  });

  it('refuses a length that is not what follows, an unknown tag, a bad body', () => {
    // More octets than the length says, fewer, an unknown tag, `n` with a body.
    expect(epmd.detect(concat(epmdPortPlease, hex('00')), 'to-server')).toBe('no-match');
    expect(epmd.detect(hex('00037a61'), 'to-server')).toBe('need-more');
    expect(epmd.detect(hex('00027b61'), 'to-server')).toBe('no-match');
    expect(epmd.detect(hex('00026e61'), 'to-server')).toBe('no-match');
    // ALIVE2_REQ of node type 1, of protocol 1, with a name holding `@`, with an extra length past the end.
    expect(epmd.detect(hex('000e7818eb0100000600050001610000'), 'to-server')).toBe('no-match');
    expect(epmd.detect(hex('000e7818eb4d01000600050001610000'), 'to-server')).toBe('no-match');
    expect(epmd.detect(hex('000e7818eb4d00000600050001400000'), 'to-server')).toBe('no-match');
    expect(epmd.detect(hex('000e7818eb4d00000600050001610001'), 'to-server')).toBe('no-match');
    expect(epmd.detect(ascii('GET / HTTP/1.1\r\n'), 'to-server')).toBe('no-match');
  });

  it("matches the daemon's port answer and node list, not a short answer alone", () => {
    expect(epmd.detect(epmdPort2, 'to-client')).toBe('match');
    expect(epmd.detect(epmdNamesPort, 'to-client')).toBe('need-more');
    expect(epmd.detect(concat(epmdNamesPort, epmdNamesLines), 'to-client')).toBe('match');
    expect(epmd.detect(concat(epmdNamesPort, ascii('name a at port 6379\nnot a line\n')), 'to-client')).toBe(
      'no-match',
    );
    expect(epmd.detect(concat(epmdNamesPort, ascii('hello')), 'to-client')).toBe('no-match');
    expect(epmd.detect(epmdAlive2Answer, 'to-client')).toBe('no-match');
  });

  itRejectsForeignBytes(epmd, []);
});

describe('epmd requests and answers', () => {
  it('tells a registration and its result', () => {
    expect(
      run([
        ['to-server', epmdAlive2],
        ['to-client', epmdAlive2Answer],
      ]),
    ).toEqual([
      ['to-server', 'register', 'name=a port=6379 versions=5-6'],
      ['to-client', 'registered', 'result=0 creation=1795910908'],
    ]);
  });

  it("tells a port request with the node's port, and a failed one", () => {
    expect(
      run([
        ['to-server', epmdPortPlease],
        ['to-client', epmdPort2],
      ]),
    ).toEqual([
      ['to-server', 'port-please', 'name=a'],
      ['to-client', 'port', 'name=a port=6379'],
    ]);
    expect(
      run([
        ['to-server', hex('00047a7a7a7a')],
        ['to-client', hex('7701')],
      ]),
    ).toEqual([
      ['to-server', 'port-please', 'name=zzz'],
      ['to-client', 'port-failed', 'name=zzz result=1'],
    ]);
  });

  it('tells the node list when the daemon closes, and a kill with its answer', () => {
    expect(
      run([
        ['to-server', epmdNames],
        ['to-client', epmdNamesPort],
        ['to-client', concat(epmdNamesLines, ascii('name rabbit at port 25672\n'))],
      ]),
    ).toEqual([
      ['to-server', 'names', undefined],
      ['to-client', 'names', 'a=6379 rabbit=25672'],
    ]);
    expect(
      run([
        ['to-server', epmdKill],
        ['to-client', epmdKillAnswer],
      ]),
    ).toEqual([
      ['to-server', 'kill', undefined],
      ['to-client', 'kill', 'NO'],
    ]);
  });

  it('reads requests and answers split anywhere, and survives random input', () => {
    expect(
      everySplitAgrees(epmd, [
        ['to-server', epmdAlive2],
        ['to-client', epmdAlive2Answer],
      ]).mismatch,
    ).toBeUndefined();
    expect(
      everySplitAgrees(epmd, [
        ['to-server', epmdPortPlease],
        ['to-client', epmdPort2],
      ]).mismatch,
    ).toBeUndefined();
    expect(contractCheck(epmd, ['to-server', epmdAlive2]).randomMatches).toBe(0);
    expect(contractCheck(epmd, ['to-client', epmdPort2]).randomMatches).toBe(0);
  });
});
