/** What the units reading one HTTP/1.x connection share: its two sides, the pairing of answers, its switches. */
import type { Direction, ProtocolEvent } from '../events.ts';
import { httpEvent } from './http-message.ts';
import { type HttpPairing, newHttpPairing } from './http-pairing.ts';
import { type HttpSide, newHttpSide } from './http-side.ts';
import { createHttpSwitched, type HttpSwitched } from './http-switched.ts';
import type { ParserContext } from './protocol.ts';

export type HttpConnectionState = {
  sides: Readonly<Record<Direction, HttpSide>>;
  pairing: HttpPairing;
  switched: HttpSwitched;
  /** The connection closed: what is held is all there will be. */
  ending: boolean;
  /**
   * A request asked to switch protocols (CONNECT, Upgrade) and an answer is awaited: what the client sends behind it
   * may be the new protocol's (a client need not wait for the answer), so it is held as it is until the answer comes.
   */
  switchAsked: boolean;
};

/** `context`: the connection's parser context (how deep in tunnels it is, the protocols its tunnel may carry). */
export const newHttpConnectionState = (context: ParserContext): HttpConnectionState => {
  const sides = { 'to-server': newHttpSide('to-server'), 'to-client': newHttpSide('to-client') } as const;
  return {
    sides,
    pairing: newHttpPairing(),
    switched: createHttpSwitched(sides, context),
    ending: false,
    switchAsked: false,
  };
};

/** Tells the side's message, once. */
export const emit = (side: HttpSide, ts: number, out: ProtocolEvent[]): void => {
  const message = side.message;
  if (message === undefined || message.emitted) return;
  message.emitted = true;
  out.push(httpEvent(message, ts));
};
