/** MySQL and MariaDB client/server protocol: greeting, handshake response, login outcome and SQL text. */
import { detectMysql } from './mysql-detect.ts';
import { createMysqlParser } from './mysql-parser.ts';
import type { Protocol } from './protocol.ts';

export const mysql: Protocol = {
  id: 'mysql',
  transport: 'tcp',
  ports: [3306],
  encrypted: false,
  detect: detectMysql,
  createParser: createMysqlParser,
};
