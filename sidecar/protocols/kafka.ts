/** Apache Kafka wire protocol: request headers, API names, and topics of Produce, Fetch and Metadata. */
import { detectKafka } from './kafka-detect.ts';
import { createKafkaParser } from './kafka-parser.ts';
import type { Protocol } from './protocol.ts';

export const kafka: Protocol = {
  id: 'kafka',
  transport: 'tcp',
  ports: [9092],
  encrypted: false,
  detect: detectKafka,
  createParser: createKafkaParser,
};
