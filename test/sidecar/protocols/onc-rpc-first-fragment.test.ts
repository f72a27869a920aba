/**
 * onc-rpc detection of a TCP flow whose first record comes in fragments (RFC 5531 §11: a mark without the
 * last-fragment bit): taken when the first fragment holds a CALL's whole header, and refused otherwise, with the
 * false-positive discipline of the rest of its detection (random input, first octet below 0x80 so every input reaches
 * the fragment's test). The fragments are built by hand (onc-rpc-builder.ts): libnfs and the kernel write one.
 */
import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { oncRpc } from '#sidecar/protocols/onc-rpc.ts';
import {
  authSys,
  record,
  rpcCall,
  rpcReply,
  word,
  xdrString,
} from '#test/fixtures/protocols/onc-rpc-builder.ts';
import { concat, engineLabel, feed, prng, randomBytes } from '#test/fixtures/protocols/protocol-harness.ts';

const write = rpcCall(
  40,
  [100003, 3, 7],
  authSys(1000, 1000, 'pod'),
  concat(xdrString('fh'), new Uint8Array(4096)),
);
/** The first fragment: the header, credential, verifier and 32 octets of arguments; the last: the rest. */
const firstLength = write.length - 4096 + 32 - 8;
const first = record(write.subarray(0, firstLength), false);
const rest = record(write.subarray(firstLength));

describe('onc-rpc first fragments', () => {
  it('matches a first fragment holding a CALL header, and asks for more until its header is in', () => {
    expect(oncRpc.detect(first, 'to-server')).toBe('match');
    expect(oncRpc.detect(concat(first, rest), 'to-server')).toBe('match');
    // The mark and the call's header up to its arguments (a file handle, then 4096 octets).
    const header = 4 + write.length - 4104;
    expect(oncRpc.detect(first.subarray(0, header), 'to-server')).toBe('match');
    expect(oncRpc.detect(first.subarray(0, header - 4), 'to-server')).toBe('need-more');
    expect(oncRpc.detect(first.subarray(0, 20), 'to-server')).toBe('need-more');
    expect(
      engineLabel([
        ['to-server', first.subarray(0, 30)],
        ['to-server', first.subarray(30)],
      ]),
    ).toBe('onc-rpc');
    expect(
      (feed(oncRpc, [['to-server', concat(first, rest)]]) as OperationEvent[]).map((e) => e.operation),
    ).toEqual(['nfs3 WRITE']);
  });

  it('refuses a first fragment that holds a reply, cuts its header, or is not whole words', () => {
    expect(oncRpc.detect(record(rpcReply(40, 0, word(0, 0, 0, 0, 0, 0)), false), 'to-server')).toBe(
      'no-match',
    );
    expect(oncRpc.detect(record(write.subarray(0, 40), false), 'to-server')).toBe('no-match');
    const odd = concat(word(firstLength + 2), write.subarray(0, firstLength + 2));
    expect(oncRpc.detect(odd, 'to-server')).toBe('no-match');
    const wrongVersion = Uint8Array.from(first);
    wrongVersion[15] = 3;
    expect(oncRpc.detect(wrongVersion, 'to-server')).toBe('no-match');
  });

  it('takes none of 200,000 random inputs whose first octet is below 0x80', () => {
    const next = prng(0xf4a9);
    let taken = 0;
    for (let i = 0; i < 200_000; i++) {
      const bytes = randomBytes(next, 16 + Math.floor(next() * 200));
      bytes[0] = (bytes[0] ?? 0) & 0x7f;
      if (oncRpc.detect(bytes, i % 2 === 0 ? 'to-server' : 'to-client') === 'match') taken++;
    }
    expect(taken).toBe(0);
  });
});
