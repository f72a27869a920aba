/**
 * ClickHouse's native TCP protocol (`clickhouse`): clickhouse-client's and the Go, Python and Java drivers'. The
 * client's Hello carries the user and the password as they are, every query travels as text. Identified by either
 * side's first packet (clickhouse-detect.ts), never by the port.
 */

import { detectClickhouse } from './clickhouse-detect.ts';
import { createClickhouseParser } from './clickhouse-parser.ts';
import type { Protocol } from './protocol.ts';

export const clickhouse: Protocol = {
  id: 'clickhouse',
  transport: 'tcp',
  ports: [9000],
  encrypted: false,
  detect: detectClickhouse,
  createParser: createClickhouseParser,
};
