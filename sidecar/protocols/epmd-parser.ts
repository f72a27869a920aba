/**
 * An EPMD connection: one request from the client (a registration keeps its connection open for the node's life;
 * every other request is answered and closed by the daemon). The request is told at once; the answer once it is
 * whole: a registration's result and creation, a node's port, or, when the daemon closes, the node list of a names or
 * dump request and the text answering a kill or stop.
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import {
  type EpmdRequest,
  readAlive2Answer,
  readEpmdRequest,
  readNodeList,
  readPort2,
} from './epmd-message.ts';
import { type Out, pushOperation } from './handshake-read.ts';
import type { ProtocolParser } from './protocol.ts';
import { joinParts, latin1 } from './wire-bytes.ts';

/** Octets held on either side: a request is at most 65537, a node list is cut here. */
const maxHeld = 64 * 1024;

const requestDetail = (request: EpmdRequest): string => {
  if (request.kind === 'register')
    return `name=${request.name} port=${request.port}${request.hidden ? ' hidden' : ''} versions=${request.versions}`;
  return 'name' in request ? `name=${request.name}` : '';
};

/** An answer read: its operation and detail, 'short' to wait for more octets, undefined when it is not one. */
type Told = readonly [name: string, detail: string] | 'short' | undefined;

const registered = (b: Uint8Array): Told => {
  const read = readAlive2Answer(b);
  if (read === 'short' || read === undefined) return read;
  return [
    read.result === 0 ? 'registered' : 'register-failed',
    `result=${read.result} creation=${read.creation}`,
  ];
};

const portOf = (b: Uint8Array, name: string): Told => {
  const read = readPort2(b);
  if (read === 'short' || read === undefined) return read;
  if (!read.ok) return ['port-failed', `name=${name} result=${read.result}`];
  return ['port', `name=${read.name} port=${read.port}${read.hidden ? ' hidden' : ''}`];
};

/** What the daemon said to `request`; the text answers are whole only once it closes. */
const answerTo = (request: EpmdRequest, b: Uint8Array, closed: boolean): Told => {
  if (request.kind === 'register') return registered(b);
  if (request.kind === 'port-please') return portOf(b, request.name);
  if (!closed) return 'short';
  if (request.kind === 'names' || request.kind === 'dump')
    return [request.kind, (readNodeList(b) ?? []).join(' ')];
  return [request.kind, latin1(b, 0, 64).trim()];
};

/** Tells the answer when it is whole: true once it is read (or cannot be). */
const tellAnswer = (out: Out, request: EpmdRequest, b: Uint8Array, closed: boolean): boolean => {
  const told = answerTo(request, b, closed);
  if (told === 'short') return false;
  if (told !== undefined) pushOperation(out, 'epmd', 'to-client', told[0], told[1]);
  return true;
};

export const createEpmdParser = (): ProtocolParser => {
  const held: Record<Direction, Uint8Array[]> = { 'to-server': [], 'to-client': [] };
  const size: Record<Direction, number> = { 'to-server': 0, 'to-client': 0 };
  let request: EpmdRequest | undefined;
  let done = false;
  let lastTs = 0;

  const hold = (direction: Direction, chunk: Uint8Array): Uint8Array => {
    const room = maxHeld - size[direction];
    if (room > 0 && chunk.length > 0) {
      held[direction].push(chunk.slice(0, room));
      size[direction] += Math.min(room, chunk.length);
    }
    const whole = joinParts(held[direction], size[direction]);
    held[direction] = size[direction] === 0 ? [] : [whole];
    return whole;
  };

  const answer = (out: Out, closed: boolean): void => {
    if (request === undefined || done || size['to-client'] === 0) return;
    done = tellAnswer(out, request, hold('to-client', new Uint8Array(0)), closed);
  };

  const fromClient = (out: Out, chunk: Uint8Array): void => {
    if (request !== undefined || done) return;
    const read = readEpmdRequest(hold('to-server', chunk));
    if (read === 'short') return;
    if (read === undefined) done = true;
    else {
      request = read.request;
      pushOperation(out, 'epmd', 'to-server', request.kind, requestDetail(request));
    }
    held['to-server'] = [];
    size['to-server'] = 0;
  };

  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      lastTs = ts;
      const out: Out = { events: [], ts };
      if (direction === 'to-server') fromClient(out, chunk);
      else if (!done) {
        hold('to-client', chunk);
        answer(out, false);
      }
      return out.events;
    },
    gap(): void {
      done = true;
    },
    end(): ProtocolEvent[] {
      const out: Out = { events: [], ts: lastTs };
      answer(out, true);
      return out.events;
    },
  };
};
