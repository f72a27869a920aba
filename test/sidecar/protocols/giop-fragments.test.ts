/**
 * GIOP fragments (CORBA 3.0, §15.4.9) put back together by the parser: 1.1 and 1.2 requests cut into a first
 * message and two Fragments in both byte orders, 1.2 fragments of two requests interleaved, a Fragment continuing
 * nothing, and a message whose fragments run past what is kept.
 */
import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { giop } from '#sidecar/protocols/giop.ts';
import { giopFragment, giopRequest, oneName } from '#test/fixtures/protocols/giop-builder.ts';
import { feed, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';

const ops = (events: unknown[]) => (events as OperationEvent[]).map((e) => [e.operation, e.detail ?? '']);

/** `whole` cut after `first` body octets: the message with the more-fragments flag, then Fragments of the rest. */
const fragmented = (
  whole: Uint8Array,
  minor: 1 | 2,
  little: boolean,
  first: number,
  id: number,
): Uint8Array[] => {
  const head = Uint8Array.from(whole.subarray(0, 12 + first));
  head[6] = (head[6] ?? 0) | 2;
  const view = new DataView(head.buffer);
  view.setUint32(8, first, little);
  const rest = [...whole.subarray(12 + first)];
  const half = Math.ceil(rest.length / 16) * 8;
  return [
    head,
    giopFragment(minor, little, id, rest.slice(0, half), true),
    giopFragment(minor, little, id, rest.slice(half)),
  ];
};

describe('giop fragments', () => {
  const request = (minor: 1 | 2, little: boolean) =>
    giopRequest(minor, little, {
      id: 11,
      operation: 'rebind',
      key: 'NameService',
      args: oneName('long-name-here'),
    });

  it('puts a 1.1 and a 1.2 request back together from its fragments, whatever the byte order', () => {
    for (const minor of [1, 2] as const)
      for (const little of [false, true]) {
        const parts = fragmented(request(minor, little), minor, little, minor === 2 ? 36 : 32, 11);
        const events = feed(
          giop,
          parts.map((p): Segment => ['to-server', p]),
        );
        expect(ops(events), `1.${minor} ${little}`).toEqual([
          ['rebind NameService', `GIOP 1.${minor} id=11 name=long-name-here`],
        ]);
      }
  });

  it('keeps interleaved 1.2 fragments of two requests apart', () => {
    const a = fragmented(request(2, false), 2, false, 36, 11);
    const other = giopRequest(2, false, {
      id: 12,
      operation: 'resolve',
      key: 'NameService',
      args: oneName('b'),
    });
    const b = fragmented(other, 2, false, 36, 12);
    const order = [a[0], b[0], b[1], a[1], a[2], b[2]] as Uint8Array[];
    expect(
      ops(
        feed(
          giop,
          order.map((p): Segment => ['to-server', p]),
        ),
      ).map(([o, d]) => `${o} ${d}`),
    ).toEqual([
      'rebind NameService GIOP 1.2 id=11 name=long-name-here',
      'resolve NameService GIOP 1.2 id=12 name=b',
    ]);
  });

  it('ignores a fragment that continues nothing, and bounds what one message keeps', () => {
    expect(feed(giop, [['to-server', giopFragment(2, false, 99, [1, 2, 3, 4])]])).toEqual([]);
    // Cut where the request's header ends (44 body octets: 56 from the start), so the arguments are all fragments.
    const parts: Segment[] = [
      ['to-server', fragmented(request(2, false), 2, false, 44, 11)[0] as Uint8Array],
    ];
    const chunk = new Array(8192).fill(0x41);
    for (let i = 0; i < 40; i++) parts.push(['to-server', giopFragment(2, false, 11, chunk, true)]);
    parts.push(['to-server', giopFragment(2, false, 11, chunk)]);
    const [event] = feed(giop, parts) as OperationEvent[];
    expect([event?.operation, event?.detail]).toEqual(['rebind NameService', 'GIOP 1.2 id=11']);
    expect(event?.serialized?.length).toBe(64 * 1024 + 12 - 56);
    expect(event?.serialized?.every((octet) => octet === 0x41)).toBe(true);
  });
});
