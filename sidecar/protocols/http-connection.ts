/**
 * One HTTP/1.x connection: pipelined requests and responses, bodies, CONNECT tunnels (what they carry read), h2c upgrades
 * and WebSocket upgrades (messages read). Its units: heads (http-head-step.ts), bodies (http-body-step.ts), what an
 * answer decides (http-answer.ts), what octets read past or lost cut (http-cut.ts).
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import { finish } from './http-answer.ts';
import { stepBody, stepProbe } from './http-body-step.ts';
import { emit, type HttpConnectionState, newHttpConnectionState } from './http-connection-state.ts';
import { afterCut, tellCut } from './http-cut.ts';
import { maxHeadLength } from './http-head.ts';
import { stepHead } from './http-head-step.ts';
import { passBody } from './http-pass.ts';
import { concat, findStart, type HttpSide, interimHead, skipInFrame, startResync } from './http-side.ts';
import { holdForAnswer, holdingForAnswer, readHeldAsHttp } from './http-switch-asked.ts';
import type { ParserContext } from './protocol.ts';
import { parserContext } from './tunnel-protocols.ts';

export type HttpConnection = {
  parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[];
  gap(direction: Direction, lost?: number): ProtocolEvent[];
  end(): ProtocolEvent[];
  pass(direction: Direction): number;
};

const stepResync = (side: HttpSide): boolean => {
  const found = findStart(side);
  side.pending = side.pending.subarray(found.at);
  if (found.found) side.mode = 'head';
  return found.found;
};

const step = (conn: HttpConnectionState, side: HttpSide, ts: number, out: ProtocolEvent[]): boolean => {
  if (side.mode === 'head') return stepHead(conn, side, ts, out);
  if (side.mode === 'resync') return stepResync(side);
  if (side.mode === 'probe') return stepProbe(conn, side, ts, out);
  if (side.mode === 'length' || side.mode === 'chunked' || side.mode === 'until-close') {
    return stepBody(conn, side, ts, out);
  }
  return false;
};

/** Reads what the side holds as far as it goes; what is left is kept (a copy) for the side's next octets. */
const run = (conn: HttpConnectionState, side: HttpSide, ts: number, out: ProtocolEvent[]): void => {
  // Every step consumes bytes or changes mode.
  for (let guard = 0; guard < 1_000_000 && side.pending.length > 0; guard += 1) {
    if (!step(conn, side, ts, out)) break;
  }
  const stop =
    side.mode === 'stopped' ||
    side.mode === 'tunnel' ||
    side.mode === 'websocket' ||
    side.pending.length > maxHeadLength;
  side.pending = stop ? new Uint8Array(0) : side.pending.slice();
};

/** Reads a chunk of `side`; what the client sends behind a request that asked to switch waits for the answer. */
const read = (
  conn: HttpConnectionState,
  side: HttpSide,
  chunk: Uint8Array,
  ts: number,
  out: ProtocolEvent[],
) => {
  side.ts = ts;
  if (conn.switched.read(side, chunk, ts, out)) return;
  if (holdingForAnswer(conn, side)) {
    holdForAnswer(conn, chunk, ts, out);
    return;
  }
  side.pending = concat(side.pending, chunk);
  run(conn, side, ts, out);
  if (!holdingForAnswer(conn, side) || side.pending.length === 0) return;
  const behind = side.pending;
  side.pending = new Uint8Array(0);
  holdForAnswer(conn, behind, ts, out);
};

/** Octets lost on `side`: what they cut is told, and reading goes on in frame or at the next message. */
const lose = (conn: HttpConnectionState, side: HttpSide, lost: number | undefined, out: ProtocolEvent[]) => {
  // None lost to the receiver (the hole held only an urgent octet), or a side not reading HTTP/1.
  if (lost === 0 || conn.switched.gap(side, lost, out)) return;
  if (holdingForAnswer(conn, side)) {
    conn.held.lose(side.direction, lost);
    return;
  }
  const interim = interimHead(side);
  tellCut(conn, side, out);
  if (skipInFrame(side, lost)) {
    // The body's end was lost with it: the next octets start the next message.
    if (side.mode === 'length' && side.remaining === 0) finish(conn, side, side.ts, out);
    return;
  }
  afterCut(conn, side, interim);
  side.message = undefined;
  side.pending = new Uint8Array(0);
  startResync(side);
};

/** `context`: how deep in tunnels the connection is, and what its tunnel may carry (see Protocol.createParser). */
export const createHttpConnection = (context?: ParserContext): HttpConnection => {
  const conn: HttpConnectionState = newHttpConnectionState(parserContext(context), {
    parse: (chunk, direction, ts, out) => read(conn, conn.sides[direction], chunk, ts, out),
    gap: (direction, lost, out) => lose(conn, conn.sides[direction], lost, out),
  });
  const { sides, switched } = conn;
  return {
    parse(chunk, direction, ts) {
      const out: ProtocolEvent[] = [];
      read(conn, sides[direction], chunk, ts, out);
      return out;
    },
    gap(direction, lost) {
      const out: ProtocolEvent[] = [];
      lose(conn, sides[direction], lost, out);
      return out;
    },
    pass: (direction) => passBody(conn, sides[direction]),
    end() {
      const out = [...switched.end()];
      // No answer came to a request that asked to switch: what the client sent behind it is read as HTTP, as a server
      // that has not switched reads it (a CONNECT's tunnel octets then tell nothing).
      if (!conn.held.empty()) readHeldAsHttp(conn, out);
      // The connection closed: a body read until the close ends there; any other message held was cut by it. An answer
      // whose body was in doubt is decided with what is held, and what follows it read.
      conn.ending = true;
      for (const side of [sides['to-server'], sides['to-client']]) {
        if (side.mode === 'probe' && stepProbe(conn, side, side.ts, out)) run(conn, side, side.ts, out);
        if (side.message === undefined || side.message.emitted) continue;
        if (side.mode !== 'until-close') side.message.truncated = true;
        emit(side, side.ts, out);
      }
      return out;
    },
  };
};
