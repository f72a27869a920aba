/** Streaming Kafka parser: one `kafka-request` event per client request, with its API name and topics. */
import type { ProtocolEvent } from '../events.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import { kafkaApis } from './kafka-apis.ts';
import { kafkaHeader, maxRequest } from './kafka-detect.ts';
import { kafkaTopics } from './kafka-topics.ts';
import type { ProtocolParser } from './protocol.ts';
import { i32be } from './wire-bytes.ts';

const request = (m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  if (ctx.direction !== 'to-server') return [];
  const header = kafkaHeader(m);
  if (!header) return [];
  const { topics } = kafkaTopics(header.body, header.apiKey, header.version);
  const api = kafkaApis[header.apiKey]?.[0] ?? String(header.apiKey);
  return [
    { kind: 'kafka-request', ts: ctx.ts, direction: ctx.direction, apiKey: header.apiKey, api, topics },
  ];
};

export const createKafkaParser = (): ProtocolParser =>
  createFramedParser({
    frame: (b) => {
      if (b.length < 4) return 0;
      const size = i32be(b, 0);
      return size >= 4 && size <= maxRequest ? 4 + size : -1;
    },
    message: request,
  });
