/**
 * The stepper that reads a binary handshake (SOCKS, VNC): each direction has a stage, each stage a step that reads
 * one message where the direction's octets stand; octets short of a whole message are held until the direction's
 * next chunk, and a parse call tells only its own direction's events. A stage named `tunnel` hands what follows to
 * the protocol's tunnel reader; `stopped` reads nothing more.
 */
import type { Direction } from '../events.ts';
import type { Out } from './handshake-read.ts';
import { joinParts } from './wire-bytes.ts';

/** A handshake's state: each direction's stage and the octets it holds. Protocols add their own fields. */
export type Stages = {
  stage: Record<Direction, string>;
  held: Record<Direction, Uint8Array>;
};

/** Reads one message at `at`: its size, 0 to wait for more octets, -1 when they cannot be what the stage expects. */
export type Step<F> = (flow: F, b: Uint8Array, at: number, out: Out) => number;

export type Stepper<F extends Stages> = {
  steps: Record<Direction, Readonly<Record<string, Step<F>>>>;
  /** Octets held past this are not the protocol (its longest handshake message is shorter): the direction stops. */
  maxHeld: number;
  /** What follows the handshake in a direction whose stage is `tunnel`. */
  tunnel?: (flow: F, rest: Uint8Array, direction: Direction, out: Out) => void;
};

const empty = new Uint8Array(0);

export const heldNothing = (): Record<Direction, Uint8Array> => ({ 'to-server': empty, 'to-client': empty });

/** Stops a direction for good, dropping what it held. */
export const stopDirection = (flow: Stages, direction: Direction): void => {
  flow.stage[direction] = 'stopped';
  flow.held[direction] = empty;
};

/** Reads messages while the direction's stage has a step: how far it read, or -1 when it must stop there. */
const readSteps = <F extends Stages>(
  s: Stepper<F>,
  flow: F,
  b: Uint8Array,
  direction: Direction,
  out: Out,
): number => {
  let at = 0;
  while (at < b.length) {
    const stage = flow.stage[direction];
    if (stage === 'tunnel' && s.tunnel !== undefined) {
      s.tunnel(flow, b.subarray(at), direction, out);
      return b.length;
    }
    const step = s.steps[direction][stage];
    const size = step === undefined ? -1 : step(flow, b, at, out);
    if (size < 0) return -1;
    if (size === 0) break;
    at += size;
  }
  return at;
};

/** Reads one chunk of a direction: its held octets and the chunk, as far as whole messages go. */
export const runSteps = <F extends Stages>(
  s: Stepper<F>,
  flow: F,
  chunk: Uint8Array,
  direction: Direction,
  out: Out,
): void => {
  const stage = flow.stage[direction];
  if (stage === 'stopped') return;
  if (stage === 'tunnel' && s.tunnel !== undefined) {
    s.tunnel(flow, chunk, direction, out);
    return;
  }
  const held = flow.held[direction];
  const b = held.length === 0 ? chunk : joinParts([held, chunk], held.length + chunk.length);
  const at = readSteps(s, flow, b, direction, out);
  const rest = b.length - at;
  if (at < 0 || rest > s.maxHeld) stopDirection(flow, direction);
  // Octets a stage waits on the other side for (a VNC server's challenge before the client's choice is read) stay
  // held until this direction's next chunk: a parse call tells only events of its own direction.
  else flow.held[direction] = rest === 0 ? empty : b.slice(at);
};
