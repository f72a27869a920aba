/** Microsoft SQL Server (TDS 7.x): the PRELOGIN exchange, the login's outcome, SQL text and procedure calls. */
import { detectMssql } from './mssql-detect.ts';
import { createMssqlParser } from './mssql-parser.ts';
import type { Protocol } from './protocol.ts';

export const mssql: Protocol = {
  id: 'mssql',
  transport: 'tcp',
  ports: [1433],
  encrypted: false,
  detect: detectMssql,
  createParser: createMssqlParser,
};
