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

/** One connection's state: one object per flow, its methods on the prototype. */
class AjpConnection implements ProtocolParser {
  private readonly fromProxy = new AjpPackets(0x12, 0x34);
  private readonly fromContainer = new AjpPackets(0x41, 0x42);
  private request: AjpRequest | undefined;
  /** The request the next SEND_HEADERS answers. */
  private answered: HttpRequestRef | undefined;
  private version = 'HTTP/1.1';
  private response: HttpMessage | undefined;
  private readonly toldOps = new Set<string>();
  /** The last chunk's time: what a loss or the flow's end tells is told at it. */
  private lastTs = 0;

  parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
    const out: ProtocolEvent[] = [];
    this.lastTs = ts;
    if (direction === 'to-server')
      for (const payload of this.fromProxy.take(chunk)) this.proxyPacket(payload, ts, out);
    else for (const payload of this.fromContainer.take(chunk)) this.containerPacket(payload, ts, out);
    return out;
  }

  gap(direction: Direction): ProtocolEvent[] {
    // The lost octets' side is read no further; what it had in hand is told with what was seen.
    (direction === 'to-server' ? this.fromProxy : this.fromContainer).stop();
    return this.end();
  }

  end(): ProtocolEvent[] {
    const out: ProtocolEvent[] = [];
    this.tellRequest(this.lastTs, out);
    this.tellResponse(this.lastTs, out);
    return out;
  }

  private operation(direction: Direction, name: string, ts: number, out: ProtocolEvent[]): void {
    if (this.toldOps.has(name)) return;
    this.toldOps.add(name);
    const event: OperationEvent = { kind: 'operation', ts, direction, protocol: 'ajp', operation: name };
    out.push(event);
  }

  /** The request in hand, told (with what came of its body) if it was not yet. */
  private tellRequest(ts: number, out: ProtocolEvent[]): void {
    if (this.request !== undefined && !this.request.told) out.push(requestEvent(this.request, ts));
  }

  private tellResponse(ts: number, out: ProtocolEvent[]): void {
    if (this.response !== undefined && !this.response.emitted) out.push(responseEvent(this.response, ts));
    this.response = undefined;
  }

  private forward(payload: Uint8Array, ts: number, out: ProtocolEvent[]): void {
    const read = readForwardRequest(payload);
    if (typeof read === 'string') return;
    this.request = newAjpRequest(read);
    this.answered = refOf(this.request);
    this.version = read.protocol;
    if (this.request.toCome === 0) this.tellRequest(ts, out);
  }

  /** A data packet while a body is awaited joins it; any other packet ends the request in hand first. */
  private proxyPacket(payload: Uint8Array, ts: number, out: ProtocolEvent[]): void {
    const request = this.request;
    if (request !== undefined && !request.told && request.toCome !== 0 && isData(payload)) {
      if (addRequestBody(request, payload.subarray(2))) this.tellRequest(ts, out);
      return;
    }
    this.tellRequest(ts, out);
    const code = payload[0] ?? -1;
    const control = controls[code];
    if (code === forwardRequestCode) this.forward(payload, ts, out);
    else if (control !== undefined && payload.length === 1) this.operation('to-server', control, ts, out);
  }

  private containerPacket(payload: Uint8Array, ts: number, out: ProtocolEvent[]): void {
    const code = payload[0];
    if (code === sendHeadersCode) {
      const read = readSendHeaders(payload);
      if (typeof read === 'string') return;
      this.tellResponse(ts, out);
      this.response = newAjpResponse(read, this.answered, this.version);
      this.answered = undefined;
    } else if (code === sendBodyChunkCode && this.response !== undefined && !this.response.emitted) {
      const length = Math.min(u16be(payload, 1), payload.length - 3);
      if (addBody(this.response, payload.subarray(3, 3 + length))) this.tellResponse(ts, out);
    } else if (code === endResponseCode) {
      this.tellRequest(ts, out);
      this.tellResponse(ts, out);
    } else if (code === cpongCode) this.operation('to-client', 'cpong', ts, out);
  }
}

export const createAjpParser = (): ProtocolParser => new AjpConnection();
