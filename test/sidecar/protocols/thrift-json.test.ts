/** Thrift's JSON protocol: detection from the array's opening, message ends past strings, answers' outcomes. */
import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { thrift } from '#sidecar/protocols/thrift.ts';
import { detectJson, jsonEnd } from '#sidecar/protocols/thrift-json.ts';
import { malformed, needMore } from '#sidecar/protocols/thrift-struct.ts';
import {
  ascii,
  concat,
  everySplitAgrees,
  feed,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { i32 } from '#test/fixtures/protocols/thrift-messages.ts';

const C = (text: string): Segment => ['to-server', ascii(text)];
const S = (text: string): Segment => ['to-client', ascii(text)];
const framed = (text: string): Uint8Array => concat(i32(text.length), ascii(text));
const lines = (events: unknown[]): string[] =>
  (events as OperationEvent[]).map(
    (e) => `${e.direction === 'to-server' ? 'C' : 'S'} ${e.operation} ${e.detail}`,
  );

const call = '[1,"Calculator:add",1,7,{"1":{"i32":2},"2":{"i32":3}}]';

describe('thrift TJSONProtocol', () => {
  it('matches a call from the client once its struct opens, and waits on every prefix before', () => {
    expect(thrift.detect(ascii(call), 'to-server')).toBe('match');
    expect(thrift.detect(framed(call), 'to-server')).toBe('match');
    for (let n = 1; n < call.indexOf('{') + 1; n += 1)
      expect(detectJson(ascii(call.slice(0, n)), 0, 'to-server'), call.slice(0, n)).toBe('need-more');
    expect(thrift.detect(ascii('[1,"add",2,7,{"0":{"i32":5}}]'), 'to-client')).toBe('match');
    expect(thrift.detect(ascii('[1,"add",-3,7,{}]'), 'to-server')).toBe('no-match');
  });

  it('refuses JSON that is not a Thrift message, and a call from the server', () => {
    for (const text of [
      '[{"jsonrpc":"2.0","method":"add"}]',
      '[1,2,3]',
      '[2,"add",1,7,{}]',
      '[1,"add me",1,7,{}]',
      '[1,"add",1,x,{}]',
      '[1,"add",1,7,[]]',
      '[1,"",1,7,{}]',
    ])
      expect(thrift.detect(ascii(text), 'to-server'), text).toBe('no-match');
    expect(thrift.detect(ascii(call), 'to-client')).toBe('no-match');
  });

  it('ends a message at its closing bracket, past brackets and escaped quotes in strings', () => {
    const text = '[1,"log",4,1,{"1":{"str":"a ] } \\" [ {"}}]';
    expect(jsonEnd(ascii(`${text}[1,`), 0, 1024)).toBe(text.length);
    expect(jsonEnd(ascii(text.slice(0, -1)), 0, 1024)).toBe(needMore);
    expect(jsonEnd(ascii(`[1,"x",1,1,{"1":{"str":"${'y'.repeat(100)}"}}]`), 0, 64)).toBe(malformed);
  });

  it('pairs answers with calls, unframed and framed, whatever the split', () => {
    const segments = [
      C(call),
      S('[1,"add",2,7,{"0":{"i32":5}}]'),
      C('[1,"Calculator:divide",1,8,{"1":{"i32":1},"2":{"i32":0}}]'),
      S('[1,"divide",2,8,{"1":{"rec":{"1":{"str":"division by zero"}}}}]'),
      C('[1,"nosuch",1,9,{}]'),
      S('[1,"nosuch",3,9,{"1":{"str":"Unknown function nosuch"},"2":{"i32":1}}]'),
    ];
    const told = [
      'C Calculator/add call json unframed',
      'S Calculator/add ok',
      'C Calculator/divide call json unframed',
      'S error Calculator/divide exception field 1: division by zero',
      'C nosuch call json unframed',
      'S error nosuch TApplicationException UNKNOWN_METHOD: Unknown function nosuch',
    ];
    expect(lines(feed(thrift, segments))).toEqual(told);
    expect(everySplitAgrees(thrift, segments).mismatch).toBeUndefined();
    const asFramed = segments.map(([d, b]): Segment => [d, concat(i32(b.length), b)]);
    expect(lines(feed(thrift, asFramed))).toEqual(told.map((l) => l.replace('json unframed', 'json framed')));
  });

  it('tells nothing of a message whose JSON does not parse, and goes on with the next frame', () => {
    const broken = '[1,"add",1,7,{"1":{"i32":2,}}]';
    expect(
      lines(
        feed(thrift, [
          ['to-server', framed(broken)],
          ['to-server', framed(call)],
        ]),
      ),
    ).toEqual(['C Calculator/add call json framed']);
  });
});
