import { describe, expect, it } from 'vitest';
import type { FileDataEvent } from '#sidecar/events.ts';
import { fileHeadBytes, ftpData } from '#sidecar/protocols/ftp-data.ts';
import { seededRandom } from '#test/helpers/random.ts';

const octets = (length: number, from = 0) => Uint8Array.from({ length }, (_, i) => (from + i) & 0xff);

describe('ftp-data reader', () => {
  it('is never detected from bytes: only an announcement labels a data connection', () => {
    const random = seededRandom(21);
    for (let i = 0; i < 200; i++)
      expect(ftpData.detect(random.bytes(1 + random.int(600)), 'to-client')).toBe('no-match');
  });

  it(`tells the first ${fileHeadBytes} octets once, across chunks, and nothing after`, () => {
    const parser = ftpData.createParser();
    expect(parser.parse(octets(300), 'to-client', 1)).toEqual([]);
    const events = parser.parse(octets(700, 300), 'to-client', 2) as FileDataEvent[];
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'file-data', direction: 'to-client', ts: 2, truncated: false });
    expect(events[0]?.head).toEqual(octets(fileHeadBytes));
    expect(parser.parse(octets(100), 'to-client', 3)).toEqual([]);
    expect(parser.end?.()).toEqual([]);
  });

  it('tells a short file at the end, each direction apart, once', () => {
    const parser = ftpData.createParser();
    parser.parse(new TextEncoder().encode('#!/bin/sh\necho hi\n'), 'to-server', 5);
    const events = parser.end?.() as FileDataEvent[];
    expect(events.map((e) => [e.direction, new TextDecoder().decode(e.head), e.ts])).toEqual([
      ['to-server', '#!/bin/sh\necho hi\n', 5],
    ]);
    expect(parser.end?.()).toEqual([]);
  });

  it('marks octets kept before a gap as truncated, and tells nothing for a file whose start was lost', () => {
    const parser = ftpData.createParser();
    parser.parse(octets(100), 'to-client', 1);
    parser.gap('to-client');
    expect(parser.parse(octets(600), 'to-client', 2)).toEqual([]);
    parser.gap('to-server');
    expect(parser.parse(octets(600), 'to-server', 3)).toEqual([]);
    const events = parser.end?.() as FileDataEvent[];
    expect(events.map((e) => [e.direction, e.head.length, e.truncated])).toEqual([['to-client', 100, true]]);
  });

  it('copies what it keeps: the capture buffer may be reused after a chunk', () => {
    const parser = ftpData.createParser();
    const chunk = octets(fileHeadBytes);
    const [event] = parser.parse(chunk, 'to-client', 1) as FileDataEvent[];
    chunk.fill(0);
    expect(event?.head).toEqual(octets(fileHeadBytes));
  });

  it('takes random chunks and gaps in any order without throwing', () => {
    const random = seededRandom(0xf7d);
    const oneParser = () => {
      const parser = ftpData.createParser();
      for (let i = 0; i < 10; i++) {
        const direction = random.int(2) === 0 ? 'to-server' : 'to-client';
        if (random.int(5) === 0) parser.gap(direction);
        else parser.parse(random.bytes(random.int(700)), direction, i);
      }
      return (parser.end?.() ?? []) as FileDataEvent[];
    };
    for (let round = 0; round < 200; round++)
      for (const event of oneParser()) expect(event.head.length).toBeLessThanOrEqual(fileHeadBytes);
  });
});
