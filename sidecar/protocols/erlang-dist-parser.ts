/**
 * An Erlang distribution connection: the handshake in 2-octet frames, then packets in 4-octet frames (0 is a tick),
 * each a pass-through (112) control message, or a distribution header with its atom cache (erlang-dist-header.ts)
 * and a control message (erlang-dist-control.ts), or a fragment of such a message, read once the message is whole
 * (erlang-dist-fragments.ts). Told: both node names and flags, the status, the login as a db-auth event (in when the
 * acceptor sends challenge_ack; refused when the connection ends after a challenge_reply with no ack, as a node does
 * when the cookie is wrong), each control message kind once a direction, each registered name sent to once, and
 * every remote call (`call os:cmd`, its first argument's text as detail).
 */
import type { DbAuthEvent, Direction, OperationEvent, ProtocolEvent } from '../events.ts';
import { type DistControl, readControl } from './erlang-dist-control.ts';
import {
  drainFragments,
  type Fragments,
  firstFragment,
  type GatheredMessage,
  maxMessage,
  nextFragment,
} from './erlang-dist-fragments.ts';
import { goesOn, helloDetail, readHello, readStatus } from './erlang-dist-handshake.ts';
import { type AtomCache, createAtomCache, readDistHeader } from './erlang-dist-header.ts';
import { type Out, pushOperation } from './handshake-read.ts';
import type { ProtocolParser } from './protocol.ts';
import { joinParts } from './wire-bytes.ts';

/** Octets of a packet read: past them a packet is skipped, as a fragmented message past the same bound. */
const maxPacket = maxMessage;
/** Registered names told per direction. */
const maxNames = 64;
/** A call's argument text kept. */
const maxArgument = 1024;

type Side = {
  phase: 'handshake' | 'packets' | 'stopped';
  parts: Uint8Array[];
  size: number;
  /** Octets of a packet past maxPacket still to come, dropped. */
  skip: number;
  cache?: AtomCache;
  fragments?: Fragments;
  told: Set<string>;
};

/** Read no further (a function, so a check after a call that may stop the side is not narrowed away). */
const isStopped = (side: Side): boolean => side.phase === 'stopped';

const newSide = (): Side => ({ phase: 'handshake', parts: [], size: 0, skip: 0, told: new Set() });

/** The first `n` octets held (fewer when fewer are). */
const peek = (side: Side, n: number): number[] => {
  const octets: number[] = [];
  for (const part of side.parts)
    for (let i = 0; i < part.length && octets.length < n; i++) octets.push(part[i] as number);
  return octets;
};

/** The next whole frame's body (cut at maxPacket), taken off what the side holds; undefined when not whole yet. */
const takeFrame = (side: Side): Uint8Array | undefined => {
  const header = side.phase === 'handshake' ? 2 : 4;
  const head = peek(side, header);
  if (head.length < header) return undefined;
  const length = head.reduce((sum, octet) => sum * 256 + octet, 0);
  const want = Math.min(length, maxPacket);
  if (side.size < header + want) return undefined;
  const b = joinParts(side.parts, side.size);
  const body = b.subarray(header, header + want);
  const rest = b.subarray(header + want);
  const dropped = Math.min(length - want, rest.length);
  side.skip = length - want - dropped;
  side.parts = rest.length > dropped ? [rest.subarray(dropped)] : [];
  side.size = rest.length - dropped;
  return body;
};

export const createErlangDistParser = (): ProtocolParser => {
  const sides: Record<Direction, Side> = { 'to-server': newSide(), 'to-client': newSide() };
  let initiator: string | undefined;
  let replied = false;
  let acked = false;
  let lastTs = 0;

  const login = (out: Out, ok: boolean): void => {
    const event: DbAuthEvent = { kind: 'db-auth', ts: out.ts, direction: 'to-client', dialect: 'erlang', ok };
    event.method = 'other';
    if (initiator !== undefined) event.user = initiator;
    if (!ok) event.message = 'no challenge_ack after the challenge_reply (a wrong cookie)';
    out.events.push(event);
  };

  const fromInitiator = (side: Side, body: Uint8Array, out: Out): void => {
    const tag = body[0];
    if (initiator === undefined) {
      const hello = readHello(body, false);
      if (hello === undefined) side.phase = 'stopped';
      else {
        initiator = hello.name;
        pushOperation(out, 'erlang', 'to-server', 'name', helloDetail(hello));
      }
    } else if (tag === 0x72 && body.length === 21) {
      replied = true;
      side.phase = 'packets';
      pushOperation(out, 'erlang', 'to-server', 'challenge-reply', '');
    } else if (tag !== 0x73 && tag !== 0x63) side.phase = 'stopped';
  };

  const fromAcceptor = (side: Side, body: Uint8Array, out: Out): void => {
    const status = readStatus(body);
    const hello = status === undefined ? readHello(body, true) : undefined;
    if (status !== undefined) {
      pushOperation(out, 'erlang', 'to-client', 'status', status);
      if (!goesOn(status)) side.phase = 'stopped';
    } else if (hello !== undefined)
      pushOperation(out, 'erlang', 'to-client', 'challenge', helloDetail(hello));
    else if (body[0] === 0x61 && body.length === 17 && replied) {
      acked = true;
      side.phase = 'packets';
      pushOperation(out, 'erlang', 'to-client', 'challenge-ack', '');
      login(out, true);
    } else side.phase = 'stopped';
  };

  const once = (side: Side, key: string): boolean => {
    if (side.told.has(key) || side.told.size >= maxNames + 40) return false;
    side.told.add(key);
    return true;
  };

  const tell = (side: Side, direction: Direction, control: DistControl | undefined, out: Out): void => {
    if (control === undefined) return;
    if (once(side, control.kind)) pushOperation(out, 'erlang', direction, control.kind, '');
    if (control.name !== undefined && control.name !== '' && once(side, `name ${control.name}`))
      pushOperation(out, 'erlang', direction, 'registered-name', control.name);
    const call = control.call;
    if (call === undefined) return;
    const event: OperationEvent = {
      kind: 'operation',
      ts: out.ts,
      direction,
      protocol: 'erlang',
      operation: `${call.via} ${call.module}:${call.fn}`.slice(0, 300),
    };
    if (call.arg !== undefined) event.detail = call.arg.slice(0, maxArgument);
    out.events.push(event);
  };

  /** Messages gathered from fragments, read as an unfragmented message's control message and payload. */
  const tellGathered = (side: Side, direction: Direction, messages: GatheredMessage[], out: Out): void => {
    for (const message of messages)
      tell(side, direction, readControl(message.bytes, 0, message.refs, false), out);
  };

  const packet = (side: Side, direction: Direction, body: Uint8Array, out: Out): void => {
    if (body[0] === 112) tell(side, direction, readControl(body, 1, [], true), out);
    if (body[0] !== 131) return;
    side.cache ??= createAtomCache();
    if (body[1] === 68) {
      const header = readDistHeader(body, side.cache);
      if (header !== undefined)
        tell(side, direction, readControl(body, header.next, header.refs, false), out);
    } else if (body[1] === 69 || body[1] === 70) {
      side.fragments ??= new Map();
      const whole =
        body[1] === 69 ? firstFragment(side.fragments, body, side.cache) : nextFragment(side.fragments, body);
      tellGathered(side, direction, whole, out);
    }
  };

  const frame = (direction: Direction, body: Uint8Array, out: Out): void => {
    const side = sides[direction];
    if (side.phase === 'packets') {
      if (body.length > 0) packet(side, direction, body, out);
    } else if (direction === 'to-server') fromInitiator(side, body, out);
    else fromAcceptor(side, body, out);
  };

  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      lastTs = ts;
      const side = sides[direction];
      const out: Out = { events: [], ts };
      if (side.phase === 'stopped') return out.events;
      const dropped = Math.min(side.skip, chunk.length);
      side.skip -= dropped;
      if (chunk.length > dropped) {
        side.parts.push(chunk.slice(dropped));
        side.size += chunk.length - dropped;
      }
      for (let body = takeFrame(side); body !== undefined; body = takeFrame(side)) {
        frame(direction, body, out);
        if (isStopped(side)) break;
      }
      if (isStopped(side)) {
        side.parts = [];
        side.size = 0;
      }
      return out.events;
    },
    gap(direction: Direction): void {
      // The framing is lost with the octets: the direction is read no further. A loss on the acceptor's side before
      // its ack may have taken the ack: the login's outcome is then not known, and not told.
      if (direction === 'to-client' && !acked) replied = false;
      const side = sides[direction];
      side.phase = 'stopped';
      side.parts = [];
      side.size = 0;
      delete side.fragments;
    },
    end(): ProtocolEvent[] {
      const out: Out = { events: [], ts: lastTs };
      if (replied && !acked) login(out, false);
      replied = false;
      // Messages whose last fragments never came are read as far as they came.
      for (const direction of ['to-server', 'to-client'] as const) {
        const side = sides[direction];
        if (side.fragments !== undefined) tellGathered(side, direction, drainFragments(side.fragments), out);
      }
      return out.events;
    },
  };
};
