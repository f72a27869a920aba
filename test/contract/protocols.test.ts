/** Contract every registered protocol meets: hostile and random input never throws, results are deterministic. */
import { describe, expect, it } from 'vitest';
import { candidateTable, maxMaskedProtocols } from '#sidecar/engine/detection-candidates.ts';
import type { Direction } from '#sidecar/events.ts';
import { protocols } from '#sidecar/protocols/index.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { seededRandom } from '#test/helpers/random.ts';

const directions: Direction[] = ['to-server', 'to-client'];

const feed = (protocol: Protocol, chunks: Uint8Array[]) => {
  const parser = protocol.createParser();
  const events = chunks.flatMap((chunk, index) =>
    parser.parse(chunk, directions[index % 2] ?? 'to-server', 1000 + index),
  );
  // A loss of known length (ADR 34) and one of unknown length; the events they return are the flow's too.
  events.push(...(parser.gap('to-server', 7) ?? []), ...(parser.gap('to-client') ?? []));
  events.push(...parser.parse(chunks[0] ?? new Uint8Array(), 'to-server', 5000));
  return events;
};

describe.each(protocols.map((protocol) => [protocol.id, protocol] as const))(
  'protocol contract: %s',
  (_id, protocol) => {
    it('declares its facts', () => {
      // kebab-case, as every id in the project (`onc-rpc`; `ftp-data`, announced, not detected).
      expect(protocol.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(['tcp', 'udp', 'both']).toContain(protocol.transport);
      expect(Array.isArray(protocol.ports)).toBe(true);
    });

    it('never matches empty input', () => {
      for (const direction of directions)
        expect(protocol.detect(new Uint8Array(), direction)).not.toBe('match');
    });

    it('detects deterministically and rarely matches random bytes', () => {
      const random = seededRandom(0x5eed + protocol.id.length);
      let matches = 0;
      const trials = 3000;
      for (let i = 0; i < trials; i += 1) {
        const bytes = random.bytes(16 + random.int(512));
        const direction = directions[i % 2] ?? 'to-server';
        const verdict = protocol.detect(bytes, direction);
        expect(protocol.detect(bytes, direction)).toBe(verdict);
        if (verdict === 'match') matches += 1;
      }
      expect(matches / trials).toBeLessThan(0.005);
    });

    it('parses random, truncated and empty chunks without throwing, deterministically and boundedly', () => {
      const random = seededRandom(0xc0ffee + protocol.id.length);
      for (let round = 0; round < 200; round += 1) {
        const chunks = Array.from({ length: 1 + random.int(6) }, () => random.bytes(random.int(700)));
        const first = feed(protocol, chunks);
        const second = feed(protocol, chunks);
        expect(second).toEqual(first);
        expect(first.length).toBeLessThan(1000);
      }
      expect(() => feed(protocol, [new Uint8Array()])).not.toThrow();
    });
  },
);

describe('protocol registry', () => {
  it('fits the first-octet candidate table (a registry past it asks every detector about every flow)', () => {
    expect(protocols.length).toBeLessThanOrEqual(maxMaskedProtocols);
    expect(candidateTable(protocols)).toBeDefined();
  });

  it('has unique ids per transport (syslog has one entry per framing: a datagram, a stream)', () => {
    const keys = protocols.flatMap((p) =>
      p.transport === 'both' ? [`${p.id}/tcp`, `${p.id}/udp`] : [`${p.id}/${p.transport}`],
    );
    expect(new Set(keys).size).toBe(keys.length);
  });
});
