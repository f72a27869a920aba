/** Apache Cassandra: CQL native protocol v3-v5 (queries as CQL text) and the internode messaging magic. */
import { detectCassandra } from './cassandra-detect.ts';
import { createCassandraParser } from './cassandra-parser.ts';
import type { Protocol } from './protocol.ts';

export const cassandra: Protocol = {
  id: 'cassandra',
  transport: 'tcp',
  ports: [9042, 7000],
  encrypted: false,
  detect: detectCassandra,
  createParser: createCassandraParser,
};
