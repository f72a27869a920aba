/** Test helper: packet records of whole TCP conversations (handshake, data both ways, FIN) and UDP exchanges. */
import type { PacketRecord } from '#sidecar/capture/packet-record.ts';
import { flags, tcp4Frame, udp4Frame } from '../decode/build-frame.ts';

export type Message = { from: 'client' | 'server'; data: string | Uint8Array };

export type Endpoints = { client: string; server: string; clientPort: number; serverPort: number };

export const record = (data: Uint8Array, ts: number): PacketRecord => ({
  ts,
  linkType: 1,
  data,
  originalLength: data.length,
  offset: 0,
});

const bytes = (data: string | Uint8Array): Uint8Array =>
  typeof data === 'string' ? new TextEncoder().encode(data) : data;

/** Segments of one TCP conversation, each message one segment, in order unless the caller reorders them. */
export const tcpConversation = (
  e: Endpoints,
  messages: readonly Message[],
  options: {
    start?: number;
    handshake?: boolean;
    close?: boolean;
    clientIsn?: number;
    serverIsn?: number;
  } = {},
): PacketRecord[] => {
  let ts = options.start ?? 1_700_000_000_000;
  let c = options.clientIsn ?? 1000;
  let s = options.serverIsn ?? 5000;
  const out: PacketRecord[] = [];
  const fromClient = (flagBits: number, payload: Uint8Array = new Uint8Array(0)) =>
    out.push(
      record(
        tcp4Frame({
          src: e.client,
          dst: e.server,
          srcPort: e.clientPort,
          dstPort: e.serverPort,
          seq: c,
          ack: s,
          flags: flagBits,
          payload,
        }),
        ts++,
      ),
    );
  const fromServer = (flagBits: number, payload: Uint8Array = new Uint8Array(0)) =>
    out.push(
      record(
        tcp4Frame({
          src: e.server,
          dst: e.client,
          srcPort: e.serverPort,
          dstPort: e.clientPort,
          seq: s,
          ack: c,
          flags: flagBits,
          payload,
        }),
        ts++,
      ),
    );
  if (options.handshake ?? true) {
    fromClient(flags.syn);
    c = (c + 1) >>> 0;
    fromServer(flags.syn | flags.ack);
    s = (s + 1) >>> 0;
    fromClient(flags.ack);
  }
  for (const message of messages) {
    const payload = bytes(message.data);
    if (message.from === 'client') {
      fromClient(flags.ack | flags.psh, payload);
      c = (c + payload.length) >>> 0;
    } else {
      fromServer(flags.ack | flags.psh, payload);
      s = (s + payload.length) >>> 0;
    }
  }
  if (options.close ?? true) {
    fromClient(flags.fin | flags.ack);
    c = (c + 1) >>> 0;
    fromServer(flags.fin | flags.ack);
    s = (s + 1) >>> 0;
    fromClient(flags.ack);
  }
  return out;
};

/** `bytes` from one side as messages of an Ethernet MSS each (so one segment each in `tcpConversation`). */
export const segments = (from: Message['from'], bytes: Uint8Array, size = 1448): Message[] => {
  const out: Message[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push({ from, data: bytes.subarray(at, at + size) });
  return out;
};

export const udpExchange = (
  e: Endpoints,
  messages: readonly Message[],
  start = 1_700_000_000_000,
): PacketRecord[] =>
  messages.map((message, i) =>
    record(
      message.from === 'client'
        ? udp4Frame({
            src: e.client,
            dst: e.server,
            srcPort: e.clientPort,
            dstPort: e.serverPort,
            payload: bytes(message.data),
          })
        : udp4Frame({
            src: e.server,
            dst: e.client,
            srcPort: e.serverPort,
            dstPort: e.clientPort,
            payload: bytes(message.data),
          }),
      start + i,
    ),
  );

/** What the loopback recorder keeps of a relayed connection (test/sidecar/protocols/loopback-recorder.ts). */
type Recorded = { direction: 'to-server' | 'to-client'; bytes: Uint8Array; connection: number };

/**
 * Each recorded connection as its own TCP conversation, in connection order: `endpoints` gives the addresses and ports
 * of connection `n`, which starts `spacingMs` after the one before it.
 */
export const recordedConversations = (
  chunks: readonly Recorded[],
  endpoints: (connection: number) => Endpoints,
  start = Date.now(),
  spacingMs = 100,
): PacketRecord[] =>
  [...new Set(chunks.map((c) => c.connection))].flatMap((connection, n) =>
    tcpConversation(
      endpoints(connection),
      chunks
        .filter((c) => c.connection === connection)
        .map((c) => ({
          from: c.direction === 'to-server' ? ('client' as const) : ('server' as const),
          data: c.bytes,
        })),
      { start: start + n * spacingMs },
    ),
  );
