import { describe, expect, it } from 'vitest';
import { createHpackDecoder } from '#sidecar/protocols/hpack-decoder.ts';
import { hpackHuffman } from '#sidecar/protocols/hpack-huffman.ts';
import { hex, prng, randomBytes } from '#test/fixtures/protocols/protocol-harness.ts';

// Header blocks from RFC 7541 Appendix C (C.3/C.4 requests, C.5/C.6 responses), decoded in sequence
// by one decoder so that the dynamic table built by each block is used by the next.
const requests = [
  [':method', 'GET'],
  [':scheme', 'http'],
  [':path', '/'],
  [':authority', 'www.example.com'],
];
const second = [...requests, ['cache-control', 'no-cache']];
const third = [
  [':method', 'GET'],
  [':scheme', 'https'],
  [':path', '/index.html'],
  [':authority', 'www.example.com'],
  ['custom-key', 'custom-value'],
];
const response1 = [
  [':status', '302'],
  ['cache-control', 'private'],
  ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'],
  ['location', 'https://www.example.com'],
];
const response2 = [[':status', '307'], ...response1.slice(1)];
const response3 = [
  [':status', '200'],
  ['cache-control', 'private'],
  ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'],
  ['location', 'https://www.example.com'],
  ['content-encoding', 'gzip'],
  ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1'],
];

/** C.5/C.6 run with a 256-octet table: a size update (§6.3, `3fe101` = 256) sets it first. */
const resize256 = '3fe101';

describe('HPACK decoder (RFC 7541 Appendix C)', () => {
  it('C.3: requests without Huffman coding, with the dynamic table', () => {
    const d = createHpackDecoder();
    expect(d.decode(hex('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d'))).toEqual(requests);
    expect(d.decode(hex('8286 84be 5808 6e6f 2d63 6163 6865'))).toEqual(second);
    expect(d.decode(hex('8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65'))).toEqual(
      third,
    );
  });

  it('C.4: requests with Huffman coding', () => {
    const d = createHpackDecoder();
    expect(d.decode(hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff'))).toEqual(requests);
    expect(d.decode(hex('8286 84be 5886 a8eb 1064 9cbf'))).toEqual(second);
    expect(d.decode(hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf'))).toEqual(third);
  });

  it('C.5: responses without Huffman coding, with evictions from a 256-octet table', () => {
    const d = createHpackDecoder();
    const c51 =
      '4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d';
    const c53 =
      '88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31';
    expect(d.decode(hex(resize256 + c51))).toEqual(response1);
    expect(d.decode(hex('4803 3330 37c1 c0bf'))).toEqual(response2);
    expect(d.decode(hex(c53))).toEqual(response3);
  });

  it('C.6: responses with Huffman coding', () => {
    const d = createHpackDecoder();
    const c61 =
      '4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3';
    const c63 =
      '88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07';
    expect(d.decode(hex(resize256 + c61))).toEqual(response1);
    expect(d.decode(hex('4883 640e ffc1 c0bf'))).toEqual(response2);
    expect(d.decode(hex(c63))).toEqual(response3);
  });

  it('rejects malformed blocks: index 0, unknown index, truncated string, oversized integer, huge table', () => {
    const d = () => createHpackDecoder();
    expect(d().decode(hex('80'))).toBeUndefined();
    expect(d().decode(hex('be'))).toBeUndefined(); // index 62 with an empty dynamic table
    expect(d().decode(hex('4005 6162'))).toBeUndefined(); // name literal says 5 octets, 2 follow
    expect(d().decode(hex('ff ff ff ff ff ff 7f'))).toBeUndefined(); // §5.1 integer over 2^28
    expect(d().decode(hex('3f e1 ff 7f'))).toBeUndefined(); // table size update far over our limit
  });

  it('keeps every field of a block within 64 KiB decoded, however many: the 301st is there (ADR 30)', () => {
    // Literal without indexing, new name (§6.2.2): 0x00, name length, name, value length, value.
    const field = (name: string, value: string) => [
      0,
      name.length,
      ...Buffer.from(name),
      value.length,
      ...Buffer.from(value),
    ];
    const filler = Array.from({ length: 300 }, (_, i) => field(`x-filler-${i}`, 'a'));
    const block = Uint8Array.from([...filler.flat(), ...field('user-agent', 'attack')]);
    const headers = createHpackDecoder().decode(block);
    expect(headers).toHaveLength(301);
    expect(headers?.at(-1)).toEqual(['user-agent', 'attack']);
  });

  it('cuts the field across 64 KiB decoded and drops those after, which one octet each reach through a table entry', () => {
    const decoder = createHpackDecoder();
    // A size update to 64 KiB (§6.3), then a 60 000-octet value added to the table (§6.2.1, name x-big).
    const big = 'b'.repeat(60_000);
    const insert = Uint8Array.from([
      0x3f,
      0xe1,
      0xff,
      0x03,
      0x40,
      5,
      ...Buffer.from('x-big'),
      0x7f,
      0xe1,
      0xd3,
      0x03,
      ...Buffer.from(big),
    ]);
    const first = decoder.decode(insert);
    expect(first).toEqual([['x-big', big]]);
    // Index 62 (the new entry) a thousand times: 60 MB decoded from 1000 octets; only what fits in 64 KiB is kept,
    // the second with the 5462 octets of its value left of it (65 536 - 60 037 - 37).
    const repeated = decoder.decode(new Uint8Array(1000).fill(0xbe));
    expect(repeated).toEqual([
      ['x-big', big],
      ['x-big', big.slice(0, 5462)],
    ]);
    expect(decoder.listSize).toBe(1000 * 60_037);
  });

  it('never throws on random blocks', () => {
    const next = prng(7541);
    for (let i = 0; i < 2000; i += 1) {
      const d = createHpackDecoder();
      expect(() => d.decode(randomBytes(next, 1 + Math.floor(next() * 64)))).not.toThrow();
    }
  });
});

describe('HPACK Huffman (RFC 7541 §5.2)', () => {
  it('decodes the Appendix C.4.1 string and sizes truncated output correctly', () => {
    const decoded = hpackHuffman(hex('f1e3 c2e5 f23a 6ba0 ab90 f4ff'), 4);
    expect(Buffer.from(decoded?.bytes ?? []).toString()).toBe('www.');
    expect(decoded?.length).toBe(15);
  });

  it('rejects padding over 7 bits, padding that is not all ones, and EOS', () => {
    expect(hpackHuffman(hex('ff'), 16)).toBeUndefined(); // 8 bits of padding
    expect(hpackHuffman(hex('00'), 16)).toBeUndefined(); // '0' (00000) then 000 padding
    expect(hpackHuffman(hex('ffff fffc'), 16)).toBeUndefined(); // EOS (30 ones) inside the string
    expect(Buffer.from(hpackHuffman(hex('07'), 16)?.bytes ?? []).toString()).toBe('0'); // 00000 + 111
  });
});
