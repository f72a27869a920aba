/** Apache Thrift RPC: binary and compact protocols, framed, unframed and THeader transports, over TCP and UDP. */
import type { Protocol } from './protocol.ts';
import { detectThrift } from './thrift-detect.ts';
import { createThriftParser } from './thrift-parser.ts';

export const thrift: Protocol = {
  id: 'thrift',
  transport: 'both',
  // Jaeger agent's compact and binary emitBatch datagrams, Hive's metastore. Thrift servers' usual 9090 is
  // Prometheus's too, so it is not claimed.
  ports: [6831, 6832, 9083],
  encrypted: false,
  detect: detectThrift,
  createParser: createThriftParser,
};
