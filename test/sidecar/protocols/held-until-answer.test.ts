/** Octets held until an answer decides: each direction's bound, losses held in place and joined, replay, discard. */
import { describe, expect, it } from 'vitest';
import type { Direction } from '#sidecar/events.ts';
import {
  createHeldUntilAnswer,
  type HeldUntilAnswer,
  heldBytes,
} from '#sidecar/protocols/held-until-answer.ts';
import { ascii } from '#test/fixtures/protocols/protocol-harness.ts';

type Replayed = [Direction, string | number | undefined, number?];

/** What `open` replays, in order: a chunk as its text and time, a loss as its count. */
const replay = (held: HeldUntilAnswer): Replayed[] => {
  const seen: Replayed[] = [];
  held.open({
    parse: (chunk, direction, ts) => seen.push([direction, Buffer.from(chunk).toString('latin1'), ts]),
    gap: (direction, lost) => seen.push([direction, lost]),
  });
  return seen;
};

describe('createHeldUntilAnswer', () => {
  it('replays chunks of both directions in the order they came, each with its time', () => {
    const held = createHeldUntilAnswer();
    held.hold(ascii('GET '), 'to-server', 1);
    held.hold(ascii('220 '), 'to-client', 2);
    held.hold(ascii('/ HTTP/1.1'), 'to-server', 3);
    expect(replay(held)).toEqual([
      ['to-server', 'GET ', 1],
      ['to-client', '220 ', 2],
      ['to-server', '/ HTTP/1.1', 3],
    ]);
    expect(held.empty()).toBe(true);
  });

  it('keeps a copy: the caller may reuse its buffer', () => {
    const held = createHeldUntilAnswer();
    const buffer = ascii('abc');
    held.hold(buffer, 'to-server', 1);
    buffer.fill(0x78);
    expect(replay(held)).toEqual([['to-server', 'abc', 1]]);
  });

  it("holds each direction's first heldBytes, the rest a loss in its place, the other direction unbounded by it", () => {
    const held = createHeldUntilAnswer();
    held.hold(new Uint8Array(heldBytes - 2).fill(0x61), 'to-server', 1);
    held.hold(ascii('bcdef'), 'to-server', 2);
    held.hold(ascii('server'), 'to-client', 3);
    held.hold(ascii('ghi'), 'to-server', 4);
    expect(held.size('to-server')).toBe(heldBytes);
    expect(held.octets('to-server').subarray(-2)).toEqual(ascii('bc'));
    expect(held.octets('to-client')).toEqual(ascii('server'));
    const seen = replay(held);
    // The octets past the bound, in two chunks with the other direction's between, are one loss of 3 + 3.
    expect(seen.slice(1)).toEqual([
      ['to-server', 'bc', 2],
      ['to-server', 6],
      ['to-client', 'server', 3],
    ]);
  });

  it('joins a loss to the last one of its direction while no octets of that direction came between', () => {
    const held = createHeldUntilAnswer();
    held.hold(ascii('a'), 'to-server', 1);
    held.lose('to-server', 4);
    held.lose('to-client', 2);
    held.lose('to-server', 5);
    held.hold(ascii('b'), 'to-server', 2);
    held.lose('to-server', 1);
    expect(replay(held)).toEqual([
      ['to-server', 'a', 1],
      ['to-server', 9],
      ['to-client', 2],
      ['to-server', 'b', 2],
      ['to-server', 1],
    ]);
  });

  it('makes a loss of unknown length of any loss it joins', () => {
    const held = createHeldUntilAnswer();
    held.lose('to-server', 4);
    held.lose('to-server', undefined);
    held.lose('to-server', 3);
    expect(replay(held)).toEqual([['to-server', undefined]]);
  });

  it('drops what it held when discarded, and holds anew after', () => {
    const held = createHeldUntilAnswer();
    held.hold(new Uint8Array(heldBytes).fill(0x61), 'to-server', 1);
    held.lose('to-server', 7);
    held.discard();
    expect(held.empty()).toBe(true);
    expect(held.size('to-server')).toBe(0);
    held.hold(ascii('x'), 'to-server', 2);
    expect(replay(held)).toEqual([['to-server', 'x', 2]]);
  });

  it('lets the reader hold again while it replays: what it holds then waits for the next answer', () => {
    const held = createHeldUntilAnswer();
    held.hold(ascii('CONNECT'), 'to-server', 1);
    held.hold(ascii('early'), 'to-server', 2);
    const read: string[] = [];
    held.open({
      // The first chunk asks again: the reader holds what follows it for the next answer.
      parse: (chunk, direction, ts) => {
        const text = Buffer.from(chunk).toString('latin1');
        if (read.push(text) > 1) held.hold(chunk, direction, ts);
      },
      gap: () => undefined,
    });
    expect(read).toEqual(['CONNECT', 'early']);
    expect(replay(held)).toEqual([['to-server', 'early', 2]]);
  });
});
