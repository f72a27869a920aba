/** Apache Thrift RPC: binary and compact protocols, framed, unframed and THeader transports; one-way datagrams. */
import type { Protocol } from './protocol.ts';
import { detectThrift } from './thrift-detect.ts';
import { createThriftParser } from './thrift-parser.ts';

export const thrift: Protocol = {
  id: 'thrift',
  transport: 'tcp',
  // Hive's metastore. Thrift servers' usual 9090 is Prometheus's too, so it is not claimed.
  ports: [9083],
  encrypted: false,
  detect: detectThrift,
  createParser: createThriftParser,
};

/**
 * Over UDP, Thrift carries one-way messages only (no Apache Thrift library has a UDP transport that answers): the
 * Jaeger agent's compact (6831) and binary (6832) emitBatch datagrams, each a whole unframed message.
 */
export const thriftDatagrams: Protocol = {
  ...thrift,
  transport: 'udp',
  ports: [6831, 6832],
  oneWay: true,
};
