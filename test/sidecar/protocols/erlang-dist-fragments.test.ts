/**
 * Fragmented distribution messages (erlang-fragments.ts builds them from Debian's OTP 25 packets and from a rex call
 * encoded as OTP 25 encodes it): read whole as the unfragmented message, sequences apart when they interleave, and
 * within bounds whatever the fragment ids say.
 */
import { describe, expect, it } from 'vitest';
import type { OperationEvent, ProtocolEvent } from '#sidecar/events.ts';
import { erlangDist } from '#sidecar/protocols/erlang-dist.ts';
import {
  type Fragments,
  firstFragment,
  maxMessage,
  maxOpen,
  nextFragment,
} from '#sidecar/protocols/erlang-dist-fragments.ts';
import { createAtomCache } from '#sidecar/protocols/erlang-dist-header.ts';
import {
  continuation,
  cutsEvery,
  fragments,
  framed,
  messageOf,
  rexMessage,
  wholePacket,
} from '#test/fixtures/protocols/erlang-fragments.ts';
import { handshakeD, spawnOsCmd } from '#test/fixtures/protocols/erlang-messages.ts';
import type { Segment } from '#test/fixtures/protocols/protocol-harness.ts';

/** The operations told after d's handshake for `packets` sent to a, the connection's end included. */
const told = (...packets: Uint8Array[]): (string | undefined)[][] => {
  const parser = erlangDist.createParser();
  const segments = [...handshakeD, ...packets.map((p): Segment => ['to-server', p])];
  const events: ProtocolEvent[] = segments.flatMap(([direction, bytes], i) =>
    parser.parse(bytes, direction, i),
  );
  events.push(...(parser.end?.() ?? []));
  return events
    .filter((e): e is OperationEvent => e.kind === 'operation')
    .slice(5)
    .map((e) => [e.operation, e.detail]);
};

const spawn = messageOf(spawnOsCmd);
/** Where the spawn request's control message ends and its argument list `[Ref, os, cmd, ["id"]]` starts. */
const afterControl = 128;
const calls = (ops: (string | undefined)[][]) => ops.filter(([op]) => op?.startsWith('call ') === true);

describe('fragmented erlang distribution messages', () => {
  it("reads rpc:call's spawn request cut anywhere into two or three fragments as the whole packet", () => {
    const whole = told(spawnOsCmd);
    expect(whole).toEqual([
      ['spawn-request', undefined],
      ['call os:cmd', 'id'],
    ]);
    // The first fragment must hold the atom cache header (here one octet: no references). Cut after the control
    // message, the first fragment alone is a spawn of erpc:execute_call, os:cmd is in the second.
    expect(told(fragments(spawn, [afterControl], 7n)[0] as Uint8Array)).toEqual([
      ['spawn-request', undefined],
      ['spawn erpc:execute_call', undefined],
    ]);
    for (let cut = 1; cut < spawn.length; cut++)
      expect(told(...fragments(spawn, [cut], 7n)), `${cut}`).toEqual(whole);
    for (let cut = 1; cut + 40 < spawn.length; cut += 3)
      expect(told(...fragments(spawn, [cut, cut + 40], 7n)), `${cut}`).toEqual(whole);
    // One octet a fragment: 186 fragments gathered into one buffer.
    const octets = Array.from({ length: spawn.length - 1 }, (_, i) => i + 1);
    expect(told(...fragments(spawn, octets, 7n))).toEqual(whole);
  });

  it('finds os:cmd behind a 150 000-octet binary, in the last of three 64 KiB fragments', () => {
    const message = rexMessage(150_000, 'touch /tmp/pwned');
    const parts = fragments(message, cutsEvery(message, 65_536), 0x48_0000_0093n);
    expect(parts).toHaveLength(3);
    expect(told(...parts)).toEqual([
      ['reg-send', undefined],
      ['registered-name', 'rex'],
      ['call os:cmd', 'touch /tmp/pwned'],
    ]);
    // Unfragmented, as a hand-written peer may send it: the same.
    expect(told(wholePacket(message))).toEqual(told(...parts));
  });

  it('gathers interleaved sequences apart, and tells each message when its last fragment comes', () => {
    const [a1, a2, a3] = fragments(rexMessage(100_000, 'touch /tmp/a'), [60_000, 90_000], 1n);
    const [b1, b2] = fragments(spawn, [20], 2n);
    const [c1, c2] = fragments(rexMessage(10, 'touch /tmp/c'), [30], 3n);
    const ops = told(...([a1, b1, c1, a2, c2, b2, a3] as Uint8Array[]));
    expect(calls(ops)).toEqual([
      ['call os:cmd', 'touch /tmp/c'],
      ['call os:cmd', 'id'],
      ['call os:cmd', 'touch /tmp/a'],
    ]);
  });

  it('reads a message missing a fragment, or whose connection ends, as far as it came, once', () => {
    const message = rexMessage(100_000, 'id');
    const [first, second, third] = fragments(message, [50_000, 100_000], 5n);
    // The second never comes: the third ends the message early, the call past the gap is not read, and the second
    // coming late belongs to no message.
    expect(told(first as Uint8Array, third as Uint8Array, second as Uint8Array)).toEqual([
      ['reg-send', undefined],
      ['registered-name', 'rex'],
    ]);
    // A repeated fragment is a gap too.
    expect(calls(told(first as Uint8Array, second as Uint8Array, second as Uint8Array))).toEqual([]);
    // The connection ends before the last: what came is read (the spawn request, not yet its arguments).
    expect(told(fragments(spawn, [afterControl], 5n)[0] as Uint8Array)).toEqual([
      ['spawn-request', undefined],
      ['spawn erpc:execute_call', undefined],
    ]);
    // A continuation of a sequence never opened, and one after a loss, are dropped.
    expect(told(fragments(spawn, [20], 5n)[1] as Uint8Array)).toEqual([]);
    const parser = erlangDist.createParser();
    for (const [direction, bytes] of handshakeD) parser.parse(bytes, direction, 0);
    parser.parse(fragments(spawn, [20], 5n)[0] as Uint8Array, 'to-server', 1);
    parser.gap('to-server', 100);
    expect(parser.end?.()).toEqual([]);
  });

  it('reads a message up to 1 MiB, whole or in fragments, and one past it as far as the bound', () => {
    const near = rexMessage(maxMessage - 200, 'id');
    const past = rexMessage(maxMessage + 10, 'id');
    expect(near.length).toBeLessThan(maxMessage);
    expect(calls(told(...fragments(near, cutsEvery(near, 65_536), 9n)))).toEqual([['call os:cmd', 'id']]);
    expect(calls(told(wholePacket(near)))).toEqual([['call os:cmd', 'id']]);
    for (const packets of [fragments(past, cutsEvery(past, 65_536), 9n), [wholePacket(past)]])
      expect(told(...packets)).toEqual([
        ['reg-send', undefined],
        ['registered-name', 'rex'],
      ]);
  });

  it('never holds past the bounds whatever the fragment ids say, and survives hostile fragments', () => {
    const open: Fragments = new Map();
    const cache = createAtomCache();
    const sequence = 0xffff_ffff_ffff_ffffn;
    const head = fragments(spawn, [20], sequence, sequence)[0]?.subarray(4) as Uint8Array;
    expect(firstFragment(open, head, cache)).toEqual([]);
    const chunk = new Uint8Array(100_000);
    let read = 0;
    for (let id = sequence - 1n; id > sequence - 40n; id--) {
      read += nextFragment(open, continuation(sequence, id, chunk).subarray(4)).length;
      const held = [...open.values()].reduce((sum, gathering) => sum + gathering.bytes.length, 0);
      expect(held).toBeLessThanOrEqual(maxMessage);
    }
    // Read once, at the bound; the continuations after it belong to no message.
    expect(read).toBe(1);
    expect(open.size).toBe(0);
    // A newer sequence pushes out the oldest when maxOpen are open; the same id again replaces its message.
    const firsts = Array.from({ length: maxOpen + 1 }, (_, i) =>
      fragments(spawn, [20], BigInt(i))[0]?.subarray(4),
    );
    const pushed = firsts.map((b) => firstFragment(open, b as Uint8Array, cache).length);
    expect(pushed).toEqual([...Array(maxOpen).fill(0), 1]);
    expect([...open.keys()]).toEqual([1n, 2n, 3n, 4n]);
    expect(firstFragment(open, firsts[1] as Uint8Array, cache)).toHaveLength(1);
    expect(open.size).toBe(maxOpen);
    // A fragment count of 0 or 1 is a whole message; fragments too short for their ids are dropped.
    expect(told(...fragments(spawn, [], 1n, 0n))).toEqual(told(spawnOsCmd));
    expect(told(Uint8Array.of(0, 0, 0, 5, 131, 69, 0, 0, 0), Uint8Array.of(0, 0, 0, 3, 131, 70, 1))).toEqual(
      [],
    );
  });

  it('never throws on random octets after 131 69 and 131 70, sequence ids colliding', () => {
    let seed = 17;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % 256;
    };
    const packets = Array.from({ length: 400 }, (_, i) => {
      const body = Uint8Array.from({ length: 18 + (i % 60) }, random);
      body.set([131, i % 3 === 0 ? 69 : 70, 0, 0, 0, 0, 0, 0, 0], 0);
      body[9] = (body[9] as number) % 8;
      return framed(body);
    });
    expect(() => told(...packets)).not.toThrow();
  });
});
