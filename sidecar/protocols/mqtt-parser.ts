/** Streaming MQTT parser: CONNECT/CONNACK/DISCONNECT, and topics of PUBLISH, SUBSCRIBE and UNSUBSCRIBE. */
import type { ProtocolEvent } from '../events.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import { mqttPacketLength, mqttString, packetNames, varint } from './mqtt-packet.ts';
import type { ProtocolParser } from './protocol.ts';

type State = { level: number };

const maxTopics = 64;
const reported = new Set(['CONNECT', 'CONNACK', 'PUBLISH', 'SUBSCRIBE', 'UNSUBSCRIBE', 'DISCONNECT', 'AUTH']);

/** MQTT 5 properties (§2.2.2): a variable byte integer length, then that many bytes. */
const skipProperties = (state: State, m: Uint8Array, at: number): number => {
  if (state.level !== 5) return at;
  const length = varint(m, at);
  return typeof length === 'object' ? at + length.size + length.value : m.length;
};

/** SUBSCRIBE (§3.8.3): packet id, [properties], then (topic filter, options byte)...; UNSUBSCRIBE without options. */
const filters = (state: State, m: Uint8Array, start: number, withOptions: boolean): string[] => {
  const topics: string[] = [];
  let at = skipProperties(state, m, start + 2);
  while (at < m.length && topics.length < maxTopics) {
    const topic = mqttString(m, at, m.length);
    if (!topic) break;
    topics.push(topic.value);
    at = topic.next + (withOptions ? 1 : 0);
  }
  return topics;
};

const topicsOf = (state: State, type: number, m: Uint8Array, start: number): string[] => {
  if (type === 3) {
    const topic = mqttString(m, start, m.length);
    return topic?.value ? [topic.value] : [];
  }
  if (type === 8 || type === 10) return filters(state, m, start, type === 8);
  return [];
};

const packet = (state: State, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const type = (m[0] ?? 0) >> 4;
  const name = packetNames[type] ?? 'RESERVED';
  const remaining = varint(m, 1);
  if (!reported.has(name) || typeof remaining !== 'object') return [];
  const start = 1 + remaining.size;
  // CONNECT variable header: protocol name (2 + n bytes), then the protocol level.
  if (type === 1) state.level = m[start + 2 + ((m[start] ?? 0) << 8) + (m[start + 1] ?? 0)] ?? 4;
  return [
    {
      kind: 'mqtt',
      ts: ctx.ts,
      direction: ctx.direction,
      packet: name,
      topics: topicsOf(state, type, m, start),
    },
  ];
};

export const createMqttParser = (): ProtocolParser => {
  const state: State = { level: 4 };
  return createFramedParser({ frame: mqttPacketLength, message: (m, ctx) => packet(state, m, ctx) });
};
