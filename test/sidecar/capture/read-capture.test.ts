import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeProblem } from '#sidecar/capture/capture-problem.ts';
import { readCapture } from '#sidecar/capture/read-capture.ts';
import { corpusDir } from '#test/helpers/corpus.ts';
import { buildPcap, buildPcapng } from './build-capture.ts';

const frame = (fill: number, length: number) => new Uint8Array(length).fill(fill);
const packets = [
  { ts: 1_700_000_000_123.456, data: frame(1, 60) },
  { ts: 1_700_000_001_000.5, data: frame(2, 61) },
  { ts: 1_700_000_002_999.999, data: frame(3, 1514), originalLength: 9000 },
];

describe('readCapture: classic pcap', () => {
  for (const little of [true, false]) {
    for (const nano of [false, true]) {
      it(`reads ${little ? 'little' : 'big'}-endian ${nano ? 'nanosecond' : 'microsecond'} files`, () => {
        const { records, problems } = readCapture(buildPcap({ little, nano, linkType: 113, packets }));
        expect(problems).toEqual([]);
        expect(records.map((r) => [r.linkType, r.data.length, r.data[0], r.originalLength])).toEqual([
          [113, 60, 1, 60],
          [113, 61, 2, 61],
          [113, 1514, 3, 9000],
        ]);
        // Microsecond files keep 3 decimals of a millisecond, nanosecond files 6 (within float precision).
        expect(records[0]?.ts).toBeCloseTo(packets[0]?.ts ?? 0, nano ? 3 : 2);
        expect(records[2]?.ts).toBeCloseTo(packets[2]?.ts ?? 0, nano ? 3 : 2);
      });
    }
  }

  it('names the byte offset of a corrupt record header and keeps the records after it', () => {
    const file = buildPcap({ packets });
    // Record 2 starts at 24 + 16 + 60 = 100; its captured length (offset 8 in the record header) becomes huge.
    const corrupt = file.slice();
    new DataView(corrupt.buffer).setUint32(108, 0x7fffffff, true);
    const { records, problems } = readCapture(corrupt);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ offset: 100, fatal: false });
    expect(describeProblem('x.pcap', problems[0] as never)).toContain('byte offset 100');
    expect(records.map((r) => r.data[0])).toEqual([1, 3]);
  });

  it('reports a capture cut in the middle of a record as fatal at the record offset', () => {
    const file = buildPcap({ packets }).subarray(0, 24 + 16 + 60 + 16 + 30);
    const { records, problems } = readCapture(file);
    expect(records).toHaveLength(1);
    expect(problems).toEqual([expect.objectContaining({ offset: 100, fatal: true })]);
  });

  it('rejects a file that is not a capture, naming offset 0 and the bytes it starts with', () => {
    const { records, problems } = readCapture(new TextEncoder().encode('GET / HTTP/1.1\r\n'));
    expect(records).toEqual([]);
    expect(problems[0]).toMatchObject({ offset: 0, fatal: true });
    expect(problems[0]?.reason).toContain('474554202f');
  });
});

describe('readCapture: pcapng', () => {
  for (const little of [true, false]) {
    it(`reads ${little ? 'little' : 'big'}-endian sections with per-interface link type and resolution`, () => {
      const file = buildPcapng({
        little,
        interfaces: [{ linkType: 1 }, { linkType: 276, tsresol: 9 }],
        unknownBlocks: 2,
        packets: [
          { ts: 1_700_000_000_123.456, data: frame(1, 60), iface: 0 },
          { ts: 1_000_000.000_001, data: frame(2, 63), iface: 1 },
        ],
      });
      const { records, problems } = readCapture(file);
      expect(problems).toEqual([]);
      expect(records.map((r) => [r.linkType, r.data.length, r.data[62] ?? r.data[0]])).toEqual([
        [1, 60, 1],
        [276, 63, 2],
      ]);
      expect(records[0]?.ts).toBeCloseTo(1_700_000_000_123.456, 2);
      expect(records[1]?.ts).toBeCloseTo(1_000_000.000_001, 6);
    });
  }

  it('reads simple packet blocks', () => {
    // A simple packet block's captured length is the original length (section 4.4), so no cut frames here.
    const whole = packets.map((p) => ({ ts: p.ts, data: p.data }));
    const file = buildPcapng({ interfaces: [{ linkType: 101 }], simple: true, packets: whole });
    const { records, problems } = readCapture(file);
    expect(problems).toEqual([]);
    expect(records.map((r) => [r.linkType, r.data.length])).toEqual([
      [101, 60],
      [101, 61],
      [101, 1514],
    ]);
  });

  it('skips a packet for an undeclared interface and a corrupt block, naming their offsets', () => {
    const file = buildPcapng({
      interfaces: [{ linkType: 1 }],
      packets: [...packets, { ts: 1, data: frame(9, 8), iface: 4 }],
    });
    // SHB is 28 bytes, IDB 24; the first EPB starts at 52 and its block length word at 56.
    const corrupt = file.slice();
    new DataView(corrupt.buffer).setUint32(56, 13, true);
    const { records, problems } = readCapture(corrupt);
    expect(records.map((r) => r.data[0])).toEqual([2, 3]);
    expect(problems.map((p) => [p.offset, p.fatal])).toEqual([
      [52, false],
      [file.length - 40, false],
    ]);
    expect(problems[1]?.reason).toContain('undeclared interface 4');
  });
});

const corpus = corpusDir('ndpi');
const corpusFiles = (() => {
  try {
    return readdirSync(corpus).filter((name) => /\.(pcap|pcapng|cap)$/.test(name));
  } catch {
    return [];
  }
})();

describe('readCapture: nDPI test captures (real files)', () => {
  it.skipIf(corpusFiles.length === 0)(
    'reads every capture with no problems (corpus missing: skipped)',
    () => {
      let total = 0;
      for (const name of corpusFiles) {
        const { records, problems } = readCapture(readFileSync(`${corpus}/${name}`));
        expect({ name, problems }).toEqual({ name, problems: [] });
        expect(records.length, name).toBeGreaterThan(0);
        for (const record of records) expect(record.ts, name).toBeGreaterThan(0);
        total += records.length;
      }
      expect(total).toBeGreaterThan(1000);
    },
  );
});
