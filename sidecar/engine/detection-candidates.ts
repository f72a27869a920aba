/**
 * Which detectors can still match a direction, from its first octet alone: a table built once per registry by asking
 * each detector about every single octet. A detector's `no-match` is final for every longer prefix (the tri-state
 * contract the engine's refusal cache already relies on), so a detector that refuses the first octet alone is never
 * asked about that direction again. Most flows then meet two or three detectors instead of all of them.
 */
import type { Direction } from '../events.ts';
import type { Protocol } from '../protocols/protocol.ts';

/** Registries larger than this fall back to asking every detector (four 32-bit words per mask). */
export const maxMaskedProtocols = 128;

/**
 * Per transport: 512 masks of `words` 32-bit words (one per 32 detectors of the registry), at
 * [(direction * 256 + first octet) * words + word]; bit b of word w set when detector 32 * w + b may match.
 */
export type CandidateTable = { tcp: Uint32Array; udp: Uint32Array; words: number };

const directions: readonly Direction[] = ['to-server', 'to-client'];

/** A detector that throws on one octet is kept as a candidate: only a clean `no-match` excludes it. */
const refusesOctet = (protocol: Protocol, octet: Uint8Array, direction: Direction): boolean => {
  try {
    return protocol.detect(octet, direction) === 'no-match';
  } catch {
    return false;
  }
};

const buildFor = (protocols: readonly Protocol[], transport: 'tcp' | 'udp', words: number): Uint32Array => {
  const masks = new Uint32Array(512 * words);
  const octet = new Uint8Array(1);
  protocols.forEach((protocol, index) => {
    if (protocol.transport !== 'both' && protocol.transport !== transport) return;
    directions.forEach((direction, side) => {
      for (let first = 0; first < 256; first++) {
        octet[0] = first;
        const at = (side * 256 + first) * words + (index >>> 5);
        if (!refusesOctet(protocol, octet, direction)) masks[at] = (masks[at] ?? 0) | (1 << (index & 31));
      }
    });
  });
  return masks;
};

const built = new WeakMap<readonly Protocol[], CandidateTable>();

/** The registry's table, built on first use; undefined for a registry too large for its masks. */
export const candidateTable = (protocols: readonly Protocol[]): CandidateTable | undefined => {
  if (protocols.length > maxMaskedProtocols) return undefined;
  let table = built.get(protocols);
  if (table === undefined) {
    const words = Math.max(1, Math.ceil(protocols.length / 32));
    table = { tcp: buildFor(protocols, 'tcp', words), udp: buildFor(protocols, 'udp', words), words };
    built.set(protocols, table);
  }
  return table;
};

/** Word `word` of the detectors that may match a direction starting with these bytes (none for an empty one). */
export const candidatesOf = (
  table: CandidateTable,
  masks: Uint32Array,
  bytes: Uint8Array,
  side: 0 | 1,
  word: number,
): number =>
  bytes.length === 0 ? 0 : (masks[(side * 256 + (bytes[0] as number)) * table.words + word] as number);
