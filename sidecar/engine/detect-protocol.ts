/** Runs every registered detector, in registry order, on the client→server and server→client prefixes; first match wins. */
import type { Direction } from '../events.ts';
import type { Detection, Protocol } from '../protocols/protocol.ts';
import { candidatesOf, candidateTable } from './detection-candidates.ts';

export type DetectionVerdict =
  | { verdict: 'match'; index: number }
  | { verdict: 'need-more' }
  /** Every applicable detector refused every direction that has bytes. */
  | { verdict: 'no-match' };

export type DetectionInput = {
  transport: 'tcp' | 'udp';
  toServer: Uint8Array;
  toClient: Uint8Array;
  /** Per protocol: bit 1/2 = already refused to-server/to-client (updated here); empty to ask again every time. */
  refused: Uint8Array;
  /** A direction whose prefix is full: need-more there counts as no-match. */
  fullToServer: boolean;
  fullToClient: boolean;
};

const bitOf = (direction: Direction): number => (direction === 'to-server' ? 1 : 2);

/** A detector that throws is a bug in it, not in the traffic: it counts as no-match. */
const safeDetect = (protocol: Protocol, bytes: Uint8Array, direction: Direction): Detection => {
  try {
    return protocol.detect(bytes, direction);
  } catch {
    return 'no-match';
  }
};

const ask = (
  protocol: Protocol,
  index: number,
  bytes: Uint8Array,
  direction: Direction,
  full: boolean,
  input: DetectionInput,
): Detection => {
  const bit = bitOf(direction);
  if (bytes.length === 0 || ((input.refused[index] ?? 0) & bit) !== 0) return 'no-match';
  const result = safeDetect(protocol, bytes, direction);
  if (result === 'no-match' || (result === 'need-more' && full)) {
    if (index < input.refused.length) input.refused[index] = (input.refused[index] ?? 0) | bit;
    return 'no-match';
  }
  return result;
};

/**
 * One detector on the directions it may match (`up`, `down`): 'match' as soon as one matches (the other is then not
 * asked), 'need-more' when either wants more, else 'no-match'.
 */
const askSides = (
  protocol: Protocol,
  index: number,
  input: DetectionInput,
  up: boolean,
  down: boolean,
): Detection => {
  const toServer = up
    ? ask(protocol, index, input.toServer, 'to-server', input.fullToServer, input)
    : 'no-match';
  if (toServer === 'match') return 'match';
  const toClient = down
    ? ask(protocol, index, input.toClient, 'to-client', input.fullToClient, input)
    : 'no-match';
  if (toClient === 'match') return 'match';
  return toServer === 'need-more' || toClient === 'need-more' ? 'need-more' : 'no-match';
};

const needMore: DetectionVerdict = { verdict: 'need-more' };
const noMatch: DetectionVerdict = { verdict: 'no-match' };

/** Every applicable detector, in registry order (registries too large for the candidate masks; tests compare). */
export const detectAskingEvery = (
  protocols: readonly Protocol[],
  input: DetectionInput,
): DetectionVerdict => {
  let waiting = false;
  for (let index = 0; index < protocols.length; index++) {
    const protocol = protocols[index] as Protocol;
    if (protocol.transport !== 'both' && protocol.transport !== input.transport) continue;
    const detection = askSides(protocol, index, input, true, true);
    if (detection === 'match') return { verdict: 'match', index };
    waiting ||= detection === 'need-more';
  }
  return waiting ? needMore : noMatch;
};

/**
 * Only the detectors that do not refuse a direction's first octet (detection-candidates.ts), in registry order:
 * the verdict is the same as asking all of them, since the others would say no-match.
 */
export const detectProtocol = (protocols: readonly Protocol[], input: DetectionInput): DetectionVerdict => {
  const table = candidateTable(protocols);
  if (table === undefined) return detectAskingEvery(protocols, input);
  const masks = input.transport === 'tcp' ? table.tcp : table.udp;
  let waiting = false;
  for (let word = 0; word < table.words; word++) {
    const upMask = candidatesOf(table, masks, input.toServer, 0, word);
    const downMask = candidatesOf(table, masks, input.toClient, 1, word);
    let pending = upMask | downMask;
    while (pending !== 0) {
      const bitIndex = 31 - Math.clz32(pending & -pending);
      pending &= pending - 1;
      const index = word * 32 + bitIndex;
      const protocol = protocols[index] as Protocol;
      const bit = 1 << bitIndex;
      const detection = askSides(protocol, index, input, (upMask & bit) !== 0, (downMask & bit) !== 0);
      if (detection === 'match') return { verdict: 'match', index };
      waiting ||= detection === 'need-more';
    }
  }
  return waiting ? needMore : noMatch;
};

const noBytes = new Uint8Array(0);

/**
 * One UDP datagram on its own, from `direction`: a datagram stands alone, so there is no prefix across datagrams and
 * no refusal remembered between them (the engine's UDP flows, a SOCKS relay's datagrams and what they carry).
 */
export const detectDatagram = (
  protocols: readonly Protocol[],
  datagram: Uint8Array,
  direction: Direction,
): DetectionVerdict => {
  const toServer = direction === 'to-server';
  return detectProtocol(protocols, {
    transport: 'udp',
    toServer: toServer ? datagram : noBytes,
    toClient: toServer ? noBytes : datagram,
    refused: noBytes,
    fullToServer: false,
    fullToClient: false,
  });
};
