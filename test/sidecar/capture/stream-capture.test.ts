import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCapture } from '#sidecar/capture/read-capture.ts';
import { streamCapture } from '#sidecar/capture/stream-capture.ts';
import { corpusDir } from '#test/helpers/corpus.ts';
import { buildPcap, buildPcapng } from './build-capture.ts';

const collect = async (chunks: Uint8Array[]) => {
  const records: { ts: number; length: number; first: number | undefined; offset: number }[] = [];
  const problems: unknown[] = [];
  for await (const batch of streamCapture(Readable.from(chunks))) {
    for (const r of batch.records)
      records.push({ ts: r.ts, length: r.data.length, first: r.data[0], offset: r.offset });
    problems.push(...batch.problems);
  }
  return { records, problems };
};

const split = (bytes: Uint8Array, size: number): Uint8Array[] => {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.slice(at, at + size));
  return chunks;
};

const sample = (seed: number) =>
  Array.from({ length: 20 }, (_, i) => ({
    ts: 1_600_000_000_000 + i * 10,
    data: new Uint8Array(40 + ((i * seed) % 200)).fill(i),
  }));

describe('streamCapture', () => {
  const files = {
    pcap: buildPcap({ packets: sample(7) }),
    'pcap big-endian ns': buildPcap({ little: false, nano: true, packets: sample(13) }),
    pcapng: buildPcapng({ interfaces: [{ linkType: 1 }], packets: sample(17), unknownBlocks: 1 }),
    'pcapng big-endian': buildPcapng({
      little: false,
      interfaces: [{ linkType: 1, tsresol: 9 }],
      packets: sample(3),
    }),
  };
  for (const [name, file] of Object.entries(files)) {
    it(`gives the same records as the whole-buffer reader for ${name} split into 1..64-byte chunks`, async () => {
      const expected = readCapture(file).records.map((r) => ({
        ts: r.ts,
        length: r.data.length,
        first: r.data[0],
        offset: r.offset,
      }));
      expect(expected).toHaveLength(20);
      for (const size of [1, 2, 3, 5, 16, 64]) {
        const { records, problems } = await collect(split(file, size));
        expect(problems).toEqual([]);
        expect(records).toEqual(expected);
      }
    });
  }

  it('keeps reading after a corrupt record header split across chunks', async () => {
    const file = buildPcap({ packets: sample(7) });
    const corrupt = file.slice();
    new DataView(corrupt.buffer).setUint32(24 + 8, 0xfffffff0, true);
    const { records, problems } = await collect(split(corrupt, 7));
    expect(records).toHaveLength(19);
    expect(problems).toEqual([expect.objectContaining({ offset: 24, fatal: false })]);
  });

  // Records of up to 64 KiB (loopback and GRO captures) straddle chunk boundaries farther than the first bridge reaches.
  const large = (seed: number) =>
    Array.from({ length: 60 }, (_, i) => ({
      ts: 1_600_000_000_000 + i,
      data: new Uint8Array(i % 3 === 0 ? 65_000 - ((i * seed) % 900) : 60 + ((i * seed) % 1500)).fill(i),
    }));
  const sameRecords = (bytes: Uint8Array) =>
    readCapture(bytes).records.map((r) => ({
      ts: r.ts,
      length: r.data.length,
      first: r.data[0],
      offset: r.offset,
    }));

  for (const [name, file] of Object.entries({
    pcap: buildPcap({ packets: large(7) }),
    pcapng: buildPcapng({ interfaces: [{ linkType: 1 }], packets: large(11) }),
  })) {
    it(`gives the same records for ${name} with 64 KiB records split into large chunks`, async () => {
      const expected = sameRecords(file);
      expect(expected).toHaveLength(60);
      for (const size of [1500, 2047, 2049, 17_000, 65_536, 100_003, 1 << 20]) {
        const { records, problems } = await collect(split(file, size));
        expect(problems).toEqual([]);
        expect(records).toEqual(expected);
      }
    });
  }

  it('finds the next record after a corrupt header when a 64 KiB record lies between them', async () => {
    const file = buildPcap({ packets: large(5) });
    const corrupt = file.slice();
    // The first record (65,000 bytes) gets an impossible length: the reader resyncs at the second record.
    new DataView(corrupt.buffer).setUint32(24 + 8, 0xfffffff0, true);
    for (const size of [3000, 70_001]) {
      const { records, problems } = await collect(split(corrupt, size));
      expect(records).toEqual(sameRecords(file).slice(1));
      expect(problems).toEqual([expect.objectContaining({ offset: 24, fatal: false })]);
    }
  });

  it('reads a real pcapng capture from a file stream', async () => {
    const path = `${corpusDir('ndpi')}/http.pcapng`;
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch {
      return;
    }
    const { records, problems } = await collect(split(bytes, 4093));
    expect(problems).toEqual([]);
    expect(records.length).toBe(readCapture(bytes).records.length);
  });
});
