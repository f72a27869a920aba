import { describe, expect, it } from 'vitest';
import { createStreamReassembler, type ReassemblyLimits } from '#sidecar/reassembly/stream-reassembler.ts';

const syn = 2;
const fin = 1;
const rst = 4;
const ack = 16;

/** A sink that records what the consumer sees: text for data, `[gap N]` for holes. */
const recording = (limits?: ReassemblyLimits) => {
  const seen: string[] = [];
  const reassembler = createStreamReassembler(
    {
      data: (chunk) => seen.push(Buffer.from(chunk).toString('latin1')),
      gap: (lost) => seen.push(`[gap ${lost}]`),
    },
    limits,
  );
  const send = (seq: number, text: string, flags = ack, wireLength = text.length, urgentPointer = 0) =>
    reassembler.segment(seq >>> 0, flags, Buffer.from(text, 'latin1'), wireLength, 0, urgentPointer);
  return { seen, reassembler, send, text: () => seen.join('') };
};

/** A stream opened by a SYN at 0 (data from 1), then these segments as [seq, text]: what the consumer reads. */
const streamOf = (...segments: (readonly [number, string])[]) => {
  const r = recording();
  r.send(0, '', syn);
  for (const [seq, text] of segments) r.send(seq, text);
  return r;
};

describe('stream reassembler', () => {
  it('delivers in order after a SYN, the SYN taking one sequence number (RFC 9293 section 3.4)', () => {
    const r = recording();
    r.send(1000, '', syn);
    r.send(1001, 'hello ');
    r.send(1007, 'world');
    expect(r.text()).toBe('hello world');
    expect(r.reassembler.midStream).toBe(false);
  });

  it('holds out-of-order segments until the hole fills', () => {
    const r = recording();
    r.send(0, '', syn);
    r.send(7, 'cd');
    r.send(5, 'ab');
    r.send(1, 'WXYZ');
    expect(r.text()).toBe('WXYZabcd');
    expect(r.reassembler.stats.outOfOrder).toBe(2);
    expect(r.reassembler.heldBytes).toBe(0);
  });

  it('drops whole retransmissions and trims partial ones', () => {
    const r = recording();
    r.send(0, '', syn);
    r.send(1, 'abcdef');
    r.send(1, 'abcdef');
    r.send(4, 'defgh');
    expect(r.text()).toBe('abcdefgh');
    expect(r.reassembler.stats).toMatchObject({ retransmissions: 1, overlaps: 1 });
  });

  it("keeps Linux's copy where held segments overlap, and counts conflicting bytes", () => {
    // A segment that starts earlier wins over a held one it overlaps (Linux's tcp_data_queue_ofo).
    const earlier = streamOf([5, 'EFGH'], [3, 'cdXXYYij'], [1, 'ab']);
    expect(earlier.text()).toBe('abcdXXYYij');
    expect(earlier.reassembler.stats).toMatchObject({ overlaps: 1, conflicts: 1 });
    // A held segment that starts earlier keeps its bytes; the newcomer adds only what lies beyond.
    expect(streamOf([5, 'EFG'], [6, 'XYZW'], [1, 'abcd']).text()).toBe('abcdEFGZW');
    // Same start: a longer or equal newcomer replaces the held segment, a shorter one is dropped.
    expect(streamOf([5, 'EF'], [5, 'XYZ'], [1, 'abcd']).text()).toBe('abcdXYZ');
    expect(streamOf([5, 'EFG'], [5, 'XY'], [1, 'abcd']).text()).toBe('abcdEFG');
    // A newcomer inside a held segment but starting later changes nothing; one covering two held ones replaces both.
    const covering = streamOf([6, 'F'], [8, 'H'], [5, 'efghi'], [1, 'abcd']);
    expect(covering.text()).toBe('abcdefghi');
    expect(covering.reassembler.heldBytes).toBe(0);
  });

  it('counts an overlap with the same bytes without a conflict', () => {
    const r = recording();
    r.send(0, '', syn);
    r.send(5, 'EF');
    r.send(3, 'cdEFg');
    r.send(1, 'ab');
    expect(r.text()).toBe('abcdEFg');
    expect(r.reassembler.stats).toMatchObject({ overlaps: 1, conflicts: 0 });
  });

  it('takes the urgent octet out of the stream, as Linux does with SO_OOBINLINE off', () => {
    const urg = 32;
    const r = recording();
    r.send(0, '', syn);
    // Urgent pointer 4: the octet at offset 3 ("!") is out of band.
    r.send(1, 'abc!def', ack | urg, 7, 4);
    expect(r.text()).toBe('abcdef');
    expect(r.reassembler.stats.urgentOctets).toBe(1);
    // Held out of order, then delivered: the mark waits for its octet; a later urgent pointer replaces it.
    const held = recording();
    held.send(0, '', syn);
    held.send(4, 'd#e', ack | urg, 3, 2);
    held.send(7, 'f*g', ack | urg, 3, 2);
    held.send(1, 'abc');
    expect(held.text()).toBe('abcd#efg');
    // An urgent pointer into bytes already delivered is ignored.
    const late = recording();
    late.send(0, '', syn);
    late.send(1, 'abcd');
    late.send(1, 'abcd', ack | urg, 4, 2);
    late.send(5, 'ef');
    expect(late.text()).toBe('abcdef');
  });

  it('counts a hole as the octets the receiver read there: an urgent octet in it is not one of them', () => {
    const urg = 32;
    const r = recording();
    r.send(0, '', syn);
    // Urgent pointer 6: the octet at sequence 6 is out of band, in the next segment; the snap length keeps only "de"
    // of its "de!fg". The receiver reads "defg": 2 octets lost to the capture, not 3.
    r.send(1, 'abc', ack | urg, 3, 6);
    r.send(4, 'de', ack, 5);
    r.send(9, 'hi');
    expect(r.seen).toEqual(['abc', 'de', '[gap 2]', 'hi']);
    expect(r.reassembler.stats.gapBytes).toBe(3);
  });

  it('follows sequence numbers across 2^32', () => {
    const r = recording();
    const isn = 0xfffffff0;
    r.send(isn, '', syn);
    r.send(isn + 1, 'x'.repeat(10));
    r.send((isn + 21) >>> 0, 'z'.repeat(5));
    r.send((isn + 11) >>> 0, 'y'.repeat(10));
    expect(r.text()).toBe(`${'x'.repeat(10)}${'y'.repeat(10)}${'z'.repeat(5)}`);
    expect(r.reassembler.stats.gaps).toBe(0);
  });

  it('skips a hole when too many separate segments are held and no acknowledgement was seen, and marks it', () => {
    const r = recording({ maxSegments: 2, maxBytes: 1 << 20, maxRunBytes: 4096 });
    r.send(0, '', syn);
    r.send(1, 'a');
    r.send(5, 'e');
    r.send(7, 'g');
    r.send(9, 'i');
    expect(r.seen).toEqual(['a', '[gap 3]', 'e']);
    expect(r.reassembler.stats).toMatchObject({ gaps: 1, gapBytes: 3 });
  });

  it('keeps the hole the receiver waits for and drops the segment furthest ahead, as Linux prunes its queue', () => {
    const r = recording({ maxSegments: 2, maxBytes: 1 << 20, maxRunBytes: 4096 });
    r.send(0, '', syn);
    r.send(1, 'a');
    r.reassembler.acknowledged(2); // the receiver has "a" and waits for octet 2
    r.send(5, 'e');
    r.send(7, 'g');
    r.send(9, 'i');
    expect(r.seen).toEqual(['a']);
    expect(r.reassembler.stats).toMatchObject({ gaps: 0, pruned: 1 });
    r.send(2, 'bcd');
    r.send(6, 'f');
    expect(r.text()).toBe('abcdefg');
    r.send(8, 'hi'); // the sender retransmits what was pruned
    expect(r.text()).toBe('abcdefghi');
    expect(r.reassembler.stats.gaps).toBe(0);
  });

  it('gives up a hole the receiver acknowledged past: the capture lost those bytes, not the receiver', () => {
    // Up to 8 segments may wait for a hole the receiver waits for too; past a lost one, only 2.
    const r = recording({ maxSegments: 8, maxSegmentsPastLoss: 2, maxBytes: 1 << 20, maxRunBytes: 4096 });
    r.send(0, '', syn);
    r.send(1, 'a');
    r.reassembler.acknowledged(2);
    r.send(5, 'e');
    r.reassembler.acknowledged(6); // it had "bcd": the capture missed them
    r.send(7, 'g');
    r.send(9, 'i');
    expect(r.seen).toEqual(['a', '[gap 3]', 'e']);
    expect(r.reassembler.stats).toMatchObject({ gaps: 1, gapBytes: 3, pruned: 0 });
  });

  it('judges acknowledgements in sequence space: an older ACK does not move the receiver back', () => {
    const r = recording({ maxSegments: 1, maxBytes: 1 << 20, maxRunBytes: 4096 });
    r.send(0, '', syn);
    r.send(1, 'a');
    r.reassembler.acknowledged(4);
    r.reassembler.acknowledged(2);
    r.send(5, 'e');
    r.send(7, 'g');
    expect(r.seen).toEqual(['a', '[gap 3]', 'e']);
  });

  it('joins contiguous held segments instead of giving up the hole (tiny segments sent ahead of it)', () => {
    /** "a", then "i" to "e" one octet at a time, last to first, ahead of the hole at 2..4: two segments may be held. */
    const tinyLastToFirst = (maxRunBytes: number) => {
      const r = recording({ maxSegments: 2, maxBytes: 1 << 20, maxRunBytes });
      r.send(0, '', syn);
      r.send(1, 'a');
      for (let seq = 9; seq >= 5; seq--) r.send(seq, 'abcdefghi'[seq - 1] as string);
      return r;
    };
    const joined = tinyLastToFirst(4096);
    joined.send(2, 'bcd');
    expect(joined.text()).toBe('abcdefghi');
    expect(joined.reassembler.stats.gaps).toBe(0);
    // Joined runs stop at maxRunBytes: then the bound applies again.
    expect(tinyLastToFirst(2).reassembler.stats.gaps).toBe(1);
  });

  it('delivers held bytes with gaps on flush', () => {
    const r = recording();
    r.send(0, '', syn);
    r.send(1, 'a');
    r.send(10, 'j');
    r.reassembler.flush();
    expect(r.seen).toEqual(['a', '[gap 8]', 'j']);
  });

  it('picks up a stream mid-way without a SYN', () => {
    const r = recording();
    r.send(123456, 'GET / HTTP/1.1');
    r.send(123470, '\r\n');
    expect(r.text()).toBe('GET / HTTP/1.1\r\n');
    expect(r.reassembler.midStream).toBe(true);
  });

  it('turns bytes cut by the snap length into a gap', () => {
    const r = recording();
    r.send(0, '', syn);
    r.send(1, 'abc', ack, 10);
    r.send(11, 'k');
    expect(r.seen).toEqual(['abc', '[gap 7]', 'k']);
  });

  it('closes on a FIN reached in order (even when it arrived early) and on RST', () => {
    const r = recording();
    r.send(0, '', syn);
    r.send(4, 'de', fin | ack);
    expect(r.reassembler.closed).toBe(false);
    r.send(1, 'abc');
    expect(r.text()).toBe('abcde');
    expect(r.reassembler.closed).toBe(true);
    const s = recording();
    s.send(0, 'x');
    s.send(1, '', rst);
    expect(s.reassembler.closed).toBe(true);
  });

  it('keeps data sent on a SYN (TCP Fast Open, RFC 7413)', () => {
    const r = recording();
    r.send(99, 'early', syn);
    r.send(105, '!');
    expect(r.text()).toBe('early!');
  });
});
