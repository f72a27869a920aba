/** What the units reading one HTTP/1.x connection share: its two sides, the pairing of answers, its switches. */
import type { Direction, ProtocolEvent } from '../events.ts';
import { createHeldUntilAnswer, type HeldUntilAnswer } from './held-until-answer.ts';
import { dohMessage } from './http-doh.ts';
import { httpEvent } from './http-message.ts';
import { type HttpPairing, newHttpPairing } from './http-pairing.ts';
import { type HttpSide, newHttpSide } from './http-side.ts';
import { createHttpSwitched, type HttpSwitched } from './http-switched.ts';
import type { ParserContext } from './protocol.ts';

/** The connection's own reading of a chunk or a loss, as its parse and gap do: what held octets go back into. */
export type HttpReread = {
  parse(chunk: Uint8Array, direction: Direction, ts: number, out: ProtocolEvent[]): void;
  gap(direction: Direction, lost: number | undefined, out: ProtocolEvent[]): void;
};

export type HttpConnectionState = {
  sides: Readonly<Record<Direction, HttpSide>>;
  pairing: HttpPairing;
  switched: HttpSwitched;
  /** The connection closed: what is held is all there will be. */
  ending: boolean;
  /**
   * A request asked to switch protocols (CONNECT, Upgrade) and an answer is awaited: what the client sends behind it
   * may be the new protocol's (a client need not wait for the answer), so it is held until the answer comes (`held`).
   */
  switchAsked: boolean;
  /** What the client sent behind the request that asked to switch, and losses among it (http-switch-asked.ts). */
  held: HeldUntilAnswer;
  /** What `held` is read by when the answer switches nothing: the connection's own parse and gap. */
  reread: HttpReread;
};

/**
 * `context`: the connection's parser context (how deep in tunnels it is, the protocols its tunnel may carry).
 * `reread`: the connection's own parse and gap.
 */
export const newHttpConnectionState = (context: ParserContext, reread: HttpReread): HttpConnectionState => {
  const sides = { 'to-server': newHttpSide('to-server'), 'to-client': newHttpSide('to-client') } as const;
  const held = createHeldUntilAnswer();
  return {
    sides,
    pairing: newHttpPairing(),
    switched: createHttpSwitched(sides, context, held),
    ending: false,
    switchAsked: false,
    held,
    reread,
  };
};

/** Tells the side's message, once. */
export const emit = (side: HttpSide, ts: number, out: ProtocolEvent[]): void => {
  const message = side.message;
  if (message === undefined || message.emitted) return;
  message.emitted = true;
  const event = httpEvent(message, ts);
  out.push(event);
  const dns = dohMessage(event);
  if (dns !== undefined) out.push(dns);
};
