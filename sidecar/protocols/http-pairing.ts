/**
 * Which request each HTTP/1.x answer is for (RFC 9112 §9.3.2: answers come in the order asked; none says which
 * request it answers), and what lost octets leave of that.
 */
import type { Direction, HttpRequestRef } from '../events.ts';
import { hasToken } from './http-framing.ts';
import { type HttpHead, headerValue } from './http-head.ts';
import { requestRef } from './http-message.ts';

/** What the response side needs to know about each outstanding request (§6.3), and what its answer names. */
export type Outstanding = {
  method: string;
  /** The request named protocols in Upgrade: a 101 answers it (RFC 9110 §7.8); h2c and websocket are read. */
  upgrade: boolean;
  h2c: boolean;
  websocket: boolean;
  request: HttpRequestRef;
};

export type HttpPairing = {
  outstanding: Outstanding[];
  /**
   * Requests past the bound, not remembered, in line behind those that are: their answers come after the remembered
   * ones' and name no request, and every request until they are answered joins them (remembering a later one in
   * their place would pair each answer after with the next request).
   */
  unremembered: number;
  /**
   * Bytes were lost with requests or answers in line, and how many requests they held is not known: once the
   * requests still remembered are answered, no answer names a request again on this connection.
   */
  unpaired: boolean;
  /**
   * Lost server octets cut an interim (1xx) answer to the one request in line: its final answer is the next one read
   * unless the lost octets held it too, which they did only if another request was asked since (`settleInterim`).
   */
  interimCut: boolean;
};

const maxOutstanding = 64;

export const newHttpPairing = (): HttpPairing => ({
  outstanding: [],
  unremembered: 0,
  unpaired: false,
  interimCut: false,
});

/** Keeps a request for its answer, or counts it among those in line not remembered. */
export const remember = (pairing: HttpPairing, head: HttpHead): void => {
  if (pairing.unpaired) return;
  if (pairing.outstanding.length >= maxOutstanding || pairing.unremembered > 0) {
    pairing.unremembered++;
    return;
  }
  const upgradeTo = headerValue(head.headers, 'upgrade');
  pairing.outstanding.push({
    method: head.first[0],
    upgrade: (upgradeTo ?? '').trim() !== '',
    h2c: hasToken(upgradeTo, 'h2c'),
    websocket: hasToken(upgradeTo, 'websocket'),
    request: requestRef(head),
  });
};

/** A final answer was read: the request it answered, when known. */
export const answered = (pairing: HttpPairing): Outstanding | undefined => {
  const request = pairing.outstanding.shift();
  if (request === undefined && pairing.unremembered > 0) pairing.unremembered--;
  return request;
};

/**
 * Octets of unknown content were lost in `direction`; `reading`: an answer was being read when they were. Lost client
 * bytes may hold any number of requests, answered after those remembered: after them, answers cannot be paired. Lost
 * server bytes may hold answers to any of the requests in line, so those cannot either; except with none in line,
 * when they held none (nothing is answered before it is asked), and when the one request in line was being answered:
 * its answer ends in them or in what resync skips, and no other answer can be among them, so the next answer is the
 * next request's (a proxy's pooled connection, one request at a time, losing bytes of a long answer).
 */
export const afterLoss = (pairing: HttpPairing, direction: Direction, reading: boolean): void => {
  pairing.interimCut = false;
  if (direction === 'to-server') {
    pairing.unpaired = true;
    return;
  }
  const inLine = pairing.outstanding.length + pairing.unremembered;
  if (inLine === 0) return;
  if (inLine === 1 && reading) {
    answered(pairing);
    return;
  }
  pairing.outstanding.length = 0;
  pairing.unremembered = 0;
  pairing.unpaired = true;
};

/**
 * Lost server octets cut an interim (1xx) answer (RFC 9110 §15.2: the final answer to the same request follows). With
 * one request in line, that request stays in line: the next final answer is its own, unless the lost octets held that
 * answer too (`settleInterim` tells). With more in line, the loss is any other (`afterLoss`).
 */
export const afterInterimLoss = (pairing: HttpPairing): void => {
  if (pairing.outstanding.length + pairing.unremembered !== 1) {
    afterLoss(pairing, 'to-client', false);
    return;
  }
  pairing.interimCut = true;
};

/**
 * A final answer's head is read after a loss cut an interim answer. A server answers only what it was asked, so when
 * no other request is in line, this answer is the one in line's. When another is, the lost octets may have held the
 * first one's final answer and this one answer the next: no answer names a request again (as after `afterLoss`).
 */
export const settleInterim = (pairing: HttpPairing): void => {
  if (!pairing.interimCut) return;
  pairing.interimCut = false;
  if (pairing.outstanding.length + pairing.unremembered <= 1) return;
  pairing.outstanding.length = 0;
  pairing.unremembered = 0;
  pairing.unpaired = true;
};
