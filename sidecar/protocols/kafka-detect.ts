/** Kafka detection from a client's request header: size, a known api_key and version, correlation id, client id. */
import type { Direction } from '../events.ts';
import { flexibleFrom, kafkaApis } from './kafka-apis.ts';
import { type KafkaReader, kafkaReader } from './kafka-reader.ts';
import { kafkaTopics, readsTopics } from './kafka-topics.ts';
import type { Detection } from './protocol.ts';
import { i32be, isPrintable, u16be } from './wire-bytes.ts';

export const maxRequest = 100 * 1024 * 1024;
/** Octets of header tagged fields (count, tags, sizes) a cut prefix may still be missing. */
const taggedSlack = 8;

export type KafkaHeader = {
  size: number;
  apiKey: number;
  version: number;
  clientId: string | null;
  body: KafkaReader;
};

/** The fixed part of the header: a plausible size, a known api_key with a known version, a non-negative correlation id. */
const fixedFieldsOk = (b: Uint8Array): boolean => {
  const size = i32be(b, 0);
  const api = kafkaApis[u16be(b, 4)];
  return api !== undefined && u16be(b, 6) <= api[1] && size >= 10 && size <= maxRequest && i32be(b, 8) >= 0;
};

/**
 * Request header v1/v2 (kafka.apache.org/protocol#protocol_messages): int32 size, int16 api_key, int16 api_version,
 * int32 correlation_id, NULLABLE_STRING client_id, then (v2, flexible versions) tagged fields.
 */
export const kafkaHeader = (b: Uint8Array): KafkaHeader | undefined => {
  if (b.length < 14 || !fixedFieldsOk(b)) return undefined;
  const size = i32be(b, 0);
  const apiKey = u16be(b, 4);
  const version = u16be(b, 6);
  const r = kafkaReader(b, 12, Math.min(b.length, 4 + size));
  const clientId = r.string(false);
  if (version >= (flexibleFrom[apiKey] ?? Number.POSITIVE_INFINITY)) r.skipTagged();
  return r.ok ? { size, apiKey, version, clientId, body: r } : undefined;
};

const prefixPlausible = (b: Uint8Array): boolean =>
  (b[0] ?? 0) <= 0x06 && (b.length < 5 || b[4] === 0) && (b.length < 7 || b[6] === 0);

/** Cut inside the flexible header's tagged fields (a few octets after the client id): more bytes can decide. */
const cutInHeader = (b: Uint8Array, idLength: number): boolean =>
  b.length < Math.min(4 + i32be(b, 0), 14 + idLength + taggedSlack);

/** After a whole header: for the bodies we know, a whole request must be read to its exact end. */
const detectBody = (b: Uint8Array, header: KafkaHeader): Detection => {
  if (!readsTopics(header.apiKey)) return 'match';
  if (b.length < 4 + header.size) return header.size > 4096 ? 'match' : 'need-more';
  return kafkaTopics(header.body, header.apiKey, header.version).exact ? 'match' : 'no-match';
};

/**
 * Requests are recognised in either direction: a flow picked up mid-stream may have been oriented from its first
 * (server) packet. Responses carry no api_key, so they are never the evidence.
 */
export const detectKafka = (b: Uint8Array, _direction: Direction): Detection => {
  if (b.length < 14) return prefixPlausible(b) ? 'need-more' : 'no-match';
  if (!fixedFieldsOk(b)) return 'no-match';
  const idLength = (u16be(b, 12) << 16) >> 16;
  if (idLength < -1 || idLength > i32be(b, 0) - 10) return 'no-match';
  if (b.length < 14 + idLength) return isPrintable(b, 14, b.length) ? 'need-more' : 'no-match';
  const header = kafkaHeader(b);
  // Cut inside the flexible header's tagged fields (a few octets after the client id): more bytes can decide.
  if (!header) return cutInHeader(b, idLength) ? 'need-more' : 'no-match';
  return detectBody(b, header);
};
