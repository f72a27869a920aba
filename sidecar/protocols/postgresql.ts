/** PostgreSQL frontend/backend protocol v3: startup, SSL/GSS negotiation, queries and authentication outcome. */
import { detectPostgresql } from './postgresql-detect.ts';
import { createPostgresqlParser } from './postgresql-parser.ts';
import type { Protocol } from './protocol.ts';

export const postgresql: Protocol = {
  id: 'postgresql',
  transport: 'tcp',
  ports: [5432],
  encrypted: false,
  detect: detectPostgresql,
  createParser: createPostgresqlParser,
};
