/**
 * An AJP13 connection (ajpv13a): the proxy forwards one request at a time (FORWARD_REQUEST, then its body in data
 * packets: a 2-octet length and the chunk, an empty packet ending a body of unknown length) and the container
 * answers it (SEND_HEADERS, SEND_BODY_CHUNK..., END_RESPONSE), asking for more body with GET_BODY_CHUNK. Each request
 * is told as an `http-request` once its body is in (or the answer ends, or the next request comes), each answer as
 * an `http-response` at its END_RESPONSE; SHUTDOWN, PING, CPING and CPONG as operations, once a connection each.
 */
import type { Direction, HttpRequestRef, OperationEvent, ProtocolEvent } from '../events.ts';
import {
  type AjpRequest,
  addRequestBody,
  newAjpRequest,
  newAjpResponse,
  refOf,
  requestEvent,
  responseEvent,
} from './ajp-exchange.ts';
import { readForwardRequest } from './ajp-forward-request.ts';
import {
  cpingCode,
  cpongCode,
  endResponseCode,
  forwardRequestCode,
  pingCode,
  sendBodyChunkCode,
  sendHeadersCode,
  shutdownCode,
} from './ajp-names.ts';
import { AjpPackets } from './ajp-packets.ts';
import { readSendHeaders } from './ajp-send-headers.ts';
import type { HttpMessage } from './http-message.ts';
import { addBody } from './http-message.ts';
import type { ProtocolParser } from './protocol.ts';
import { u16be } from './wire-bytes.ts';

const controls: Readonly<Record<number, string>> = {
  [shutdownCode]: 'shutdown',
  [pingCode]: 'ping',
  [cpingCode]: 'cping',
};

/** A data packet: empty, or a 2-octet length that is the rest of the packet. */
const isData = (payload: Uint8Array): boolean =>
  payload.length === 0 || u16be(payload, 0) === payload.length - 2;

export const createAjpParser = (): ProtocolParser => {
  const fromProxy = new AjpPackets(0x12, 0x34);
  const fromContainer = new AjpPackets(0x41, 0x42);
  let request: AjpRequest | undefined;
  let answered: HttpRequestRef | undefined;
  let version = 'HTTP/1.1';
  let response: HttpMessage | undefined;
  const toldOps = new Set<string>();
  /** The last chunk's time: what a loss or the flow's end tells is told at it. */
  let lastTs = 0;

  const operation = (direction: Direction, name: string, ts: number, out: ProtocolEvent[]): void => {
    if (toldOps.has(name)) return;
    toldOps.add(name);
    const event: OperationEvent = { kind: 'operation', ts, direction, protocol: 'ajp', operation: name };
    out.push(event);
  };

  /** The request in hand, told (with what came of its body) if it was not yet. */
  const tellRequest = (ts: number, out: ProtocolEvent[]): void => {
    if (request !== undefined && !request.told) out.push(requestEvent(request, ts));
  };

  const tellResponse = (ts: number, out: ProtocolEvent[]): void => {
    if (response !== undefined && !response.emitted) out.push(responseEvent(response, ts));
    response = undefined;
  };

  const forward = (payload: Uint8Array, ts: number, out: ProtocolEvent[]): void => {
    const read = readForwardRequest(payload);
    if (typeof read === 'string') return;
    request = newAjpRequest(read);
    answered = refOf(request);
    version = read.protocol;
    if (request.toCome === 0) tellRequest(ts, out);
  };

  const proxyPacket = (payload: Uint8Array, ts: number, out: ProtocolEvent[]): void => {
    if (request !== undefined && !request.told && request.toCome !== 0 && isData(payload)) {
      if (addRequestBody(request, payload.subarray(2))) tellRequest(ts, out);
      return;
    }
    tellRequest(ts, out);
    const code = payload[0] ?? -1;
    if (code === forwardRequestCode) forward(payload, ts, out);
    else if (controls[code] !== undefined && payload.length === 1)
      operation('to-server', controls[code], ts, out);
  };

  const containerPacket = (payload: Uint8Array, ts: number, out: ProtocolEvent[]): void => {
    const code = payload[0];
    if (code === sendHeadersCode) {
      const read = readSendHeaders(payload);
      if (typeof read === 'string') return;
      tellResponse(ts, out);
      response = newAjpResponse(read, answered, version);
      answered = undefined;
    } else if (code === sendBodyChunkCode && response !== undefined && !response.emitted) {
      const length = Math.min(u16be(payload, 1), payload.length - 3);
      if (addBody(response, payload.subarray(3, 3 + length))) tellResponse(ts, out);
    } else if (code === endResponseCode) {
      tellRequest(ts, out);
      tellResponse(ts, out);
    } else if (code === cpongCode) operation('to-client', 'cpong', ts, out);
  };

  const flush = (): ProtocolEvent[] => {
    const out: ProtocolEvent[] = [];
    tellRequest(lastTs, out);
    tellResponse(lastTs, out);
    return out;
  };

  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const out: ProtocolEvent[] = [];
      lastTs = ts;
      if (direction === 'to-server')
        for (const payload of fromProxy.take(chunk)) proxyPacket(payload, ts, out);
      else for (const payload of fromContainer.take(chunk)) containerPacket(payload, ts, out);
      return out;
    },
    gap(direction: Direction): ProtocolEvent[] {
      // The lost octets' side is read no further; what it had in hand is told with what was seen.
      (direction === 'to-server' ? fromProxy : fromContainer).stop();
      return flush();
    },
    end: flush,
  };
};
