/** The first-octet candidate table never changes a verdict: no-match is final for longer prefixes, on real sessions. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DetectionInput, detectAskingEvery, detectProtocol } from '#sidecar/engine/detect-protocol.ts';
import { candidateTable, maxMaskedProtocols } from '#sidecar/engine/detection-candidates.ts';
import type { Direction } from '#sidecar/events.ts';
import { protocols } from '#sidecar/protocols/index.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { seededRandom } from '#test/helpers/random.ts';

type Sample = { name: string; transport: 'tcp' | 'udp'; direction: Direction; bytes: Uint8Array };

const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));

/** The first message of each direction of the benchmark's real sessions (bench/fixtures/sessions.json). */
const sessionSamples = (): Sample[] => {
  const file = join(import.meta.dirname, '../../../bench/fixtures/sessions.json');
  const { sessions } = JSON.parse(readFileSync(file, 'utf8')) as {
    sessions: { label: string; transport: 'tcp' | 'udp'; messages: { fromClient: boolean; hex: string }[] }[];
  };
  return sessions.flatMap((session) =>
    [true, false].flatMap((fromClient) => {
      const first = session.messages.find((m) => m.fromClient === fromClient);
      return first === undefined
        ? []
        : [
            {
              name: session.label,
              transport: session.transport,
              direction: fromClient ? ('to-server' as const) : ('to-client' as const),
              bytes: fromHex(first.hex),
            },
          ];
    }),
  );
};

/** The DNS fixtures hold UDP datagrams; the others TCP streams. */
const udpFixture = (name: string): boolean => name.startsWith('ndpi-dns');

/** The first segment of each direction of the nDPI stream fixtures (test/fixtures/protocols/ndpi-*.json). */
const fixtureSamples = (): Sample[] => {
  const dir = join(import.meta.dirname, '../../fixtures/protocols');
  return readdirSync(dir)
    .filter((name) => name.startsWith('ndpi-') && name.endsWith('.json'))
    .flatMap((name) => {
      const { flows } = JSON.parse(readFileSync(join(dir, name), 'utf8')) as {
        flows: { segments: [string, string][] }[];
      };
      return flows.flatMap((flow, index) =>
        ['c', 's'].flatMap((side) => {
          const first = flow.segments.find(([who]) => who === side);
          return first === undefined
            ? []
            : [
                {
                  name: `${name}#${index}`,
                  transport: udpFixture(name) ? ('udp' as const) : ('tcp' as const),
                  direction: side === 'c' ? ('to-server' as const) : ('to-client' as const),
                  bytes: fromHex(first[1]),
                },
              ];
        }),
      );
    });
};

/** Prefix lengths the detector refuses although it does not refuse the whole sample. */
const refusedPrefixes = (protocol: Protocol, sample: Sample): string[] => {
  if (protocol.detect(sample.bytes, sample.direction) === 'no-match') return [];
  // A UDP datagram is a whole message (a cut one may be refused): only its first octet counts there.
  const longest = sample.transport === 'udp' ? 2 : Math.min(sample.bytes.length, 96);
  const refused: string[] = [];
  for (let length = 1; length < longest; length++)
    if (protocol.detect(sample.bytes.subarray(0, length), sample.direction) === 'no-match')
      refused.push(`${protocol.id} refuses ${length} octets of ${sample.name} (${sample.direction})`);
  return refused;
};

const samples = [...sessionSamples(), ...fixtureSamples()];

const inputOf = (sample: Sample, other: Uint8Array = new Uint8Array()): DetectionInput => ({
  transport: sample.transport,
  toServer: sample.direction === 'to-server' ? sample.bytes : other,
  toClient: sample.direction === 'to-server' ? other : sample.bytes,
  refused: new Uint8Array(protocols.length),
  fullToServer: false,
  fullToClient: false,
});

describe('detection candidates', () => {
  it('has real samples to check', () => {
    expect(samples.length).toBeGreaterThan(100);
    expect(
      samples.filter((s) => detectProtocol(protocols, inputOf(s)).verdict === 'match').length,
    ).toBeGreaterThan(80);
  });

  it('no detector refuses a TCP prefix of bytes it does not refuse whole (the refusal cache and the table rely on it)', () => {
    const broken = samples.flatMap((sample) =>
      protocols.flatMap((protocol) => refusedPrefixes(protocol, sample)),
    );
    expect(broken).toEqual([]);
  });

  it('gives the same verdict as asking every detector, on real samples, their prefixes and random bytes', () => {
    const random = seededRandom(0xde7ec7);
    const inputs: DetectionInput[] = samples.flatMap((sample) => [
      inputOf(sample),
      inputOf({ ...sample, bytes: sample.bytes.subarray(0, 1 + random.int(sample.bytes.length)) }),
      inputOf(sample, random.bytes(1 + random.int(64))),
    ]);
    for (let i = 0; i < 3000; i++)
      inputs.push({
        transport: i % 3 === 0 ? 'udp' : 'tcp',
        toServer: random.bytes(random.int(200)),
        toClient: random.bytes(random.int(200)),
        refused: new Uint8Array(protocols.length),
        fullToServer: i % 2 === 0,
        fullToClient: i % 5 === 0,
      });
    for (const input of inputs) {
      const viaTable = detectProtocol(protocols, { ...input, refused: new Uint8Array(protocols.length) });
      const viaEvery = detectAskingEvery(protocols, { ...input, refused: new Uint8Array(protocols.length) });
      expect(viaTable).toEqual(viaEvery);
    }
  });

  it('keeps that verdict past 64 detectors, where the masks take a third word', () => {
    // Detectors that refuse everything first, so the real ones sit across three words, past index 63.
    const silent = Array.from(
      { length: Math.min(30, maxMaskedProtocols - protocols.length) },
      (_, i): Protocol => ({
        id: 'unknown',
        transport: i % 2 === 0 ? 'tcp' : 'udp',
        ports: [],
        encrypted: false,
        detect: () => 'no-match',
        createParser: () => ({ parse: () => [], gap: () => undefined }),
      }),
    );
    const wide = [...silent, ...protocols];
    expect(wide.length).toBeGreaterThan(32);
    expect(silent.length).toBeLessThan(32);
    expect(wide.length).toBeLessThanOrEqual(maxMaskedProtocols);
    expect(wide.length).toBeGreaterThan(64);
    expect(candidateTable(wide)?.words).toBe(3);
    const random = seededRandom(0x64);
    const inputs = samples.flatMap((sample) => [
      inputOf(sample),
      inputOf(sample, random.bytes(1 + random.int(64))),
    ]);
    let matches = 0;
    for (const input of inputs) {
      const viaTable = detectProtocol(wide, { ...input, refused: new Uint8Array(wide.length) });
      expect(viaTable).toEqual(detectAskingEvery(wide, { ...input, refused: new Uint8Array(wide.length) }));
      const narrow = detectProtocol(protocols, { ...input, refused: new Uint8Array(protocols.length) });
      expect(viaTable).toEqual(
        narrow.verdict === 'match' ? { verdict: 'match', index: narrow.index + silent.length } : narrow,
      );
      if (viaTable.verdict === 'match' && viaTable.index >= 64) matches += 1;
    }
    expect(matches).toBeGreaterThan(20);
    const tooWide = Array.from(
      { length: Math.ceil(maxMaskedProtocols / silent.length) },
      () => silent,
    ).flat();
    expect(candidateTable([...tooWide, ...protocols])).toBeUndefined();
  });

  it('narrows the field: a TLS record start or an HTTP method meets few detectors', () => {
    const table = candidateTable(protocols);
    // To-server masks: `words` words at (first octet) * words.
    const bits = (word: number) => word.toString(2).replaceAll('0', '').length;
    const words = table?.words ?? 0;
    const count = (octet: number) =>
      Array.from({ length: words }, (_, w) => bits(table?.tcp[octet * words + w] ?? 0)).reduce(
        (a, b) => a + b,
        0,
      );
    expect(table).toBeDefined();
    expect(count(0x16)).toBeLessThan(protocols.length / 2);
    expect(count('G'.charCodeAt(0))).toBeLessThan(protocols.length / 2);
    expect(count(0x16)).toBeGreaterThan(0);
  });
});
