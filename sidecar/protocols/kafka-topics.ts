/** Topic names from Produce, Fetch and Metadata request bodies (kafka.apache.org/protocol, the request schemas). */
import { flexibleFrom } from './kafka-apis.ts';
import type { KafkaReader } from './kafka-reader.ts';

const maxTopics = 64;

/** An array of {name, [partition]} entries, each partition read by `partition`; returns the names. */
const topicArray = (r: KafkaReader, flexible: boolean, partition: () => void): string[] => {
  const topics: string[] = [];
  const count = r.arrayLength(flexible);
  for (let t = 0; t < count && r.ok; t++) {
    const name = r.string(flexible);
    if (name !== null && topics.length < maxTopics) topics.push(name);
    const partitions = r.arrayLength(flexible);
    for (let p = 0; p < partitions && r.ok; p++) {
      partition();
      if (flexible) r.skipTagged();
    }
    if (flexible) r.skipTagged();
  }
  return topics;
};

/** Produce v0-v12: [transactional_id v3+] acks timeout [topic: name [partition: index records]]. */
const produce = (r: KafkaReader, version: number, flexible: boolean): string[] => {
  if (version >= 3) r.string(flexible);
  r.skip(6);
  const topics = topicArray(r, flexible, () => {
    r.i32();
    r.skipBytes(flexible);
  });
  if (flexible) r.skipTagged();
  return topics;
};

/** Fetch v0-v12 (v13+ names topics by id only): header fields, then [topic: name [partition: ...]]. */
const fetch = (r: KafkaReader, version: number, flexible: boolean): string[] => {
  if (version >= 13) return [];
  r.skip(12 + (version >= 3 ? 4 : 0) + (version >= 4 ? 1 : 0) + (version >= 7 ? 8 : 0));
  const partitionSize = 4 + (version >= 9 ? 4 : 0) + 8 + (version >= 5 ? 8 : 0) + 4;
  return topicArray(r, flexible, () => r.skip(partitionSize));
};

/** Metadata v0-v13: [topic: [topic_id v10+] name], then flags by version. */
const metadata = (r: KafkaReader, version: number, flexible: boolean): string[] => {
  const topics: string[] = [];
  const count = r.arrayLength(flexible);
  for (let t = 0; t < count && r.ok; t++) {
    if (version >= 10) r.skip(16);
    const name = r.string(flexible);
    if (name !== null && topics.length < maxTopics) topics.push(name);
    if (flexible) r.skipTagged();
  }
  const flags = (version >= 4 ? 1 : 0) + (version >= 8 && version <= 10 ? 2 : version >= 11 ? 1 : 0);
  r.skip(flags);
  if (flexible) r.skipTagged();
  return topics;
};

const readers: Record<number, (r: KafkaReader, version: number, flexible: boolean) => string[]> = {
  0: produce,
  1: fetch,
  3: metadata,
};

/** True when the body of this api key is one we read (and can check consumes the whole request). */
export const readsTopics = (apiKey: number): boolean => readers[apiKey] !== undefined;

/** Topics named in the request body that `r` points at; `exact` when the body was read to its very end. */
export const kafkaTopics = (
  r: KafkaReader,
  apiKey: number,
  version: number,
): { topics: string[]; exact: boolean } => {
  const read = readers[apiKey];
  if (!read) return { topics: [], exact: false };
  const flexible = version >= (flexibleFrom[apiKey] ?? Number.POSITIVE_INFINITY);
  const topics = read(r, version, flexible);
  return { topics, exact: r.ok && r.at === r.end };
};
