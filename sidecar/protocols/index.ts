/** Every protocol detector, in detection priority order: more specific signatures first. */
import { mysql } from './mysql.ts';
import { postgresql } from './postgresql.ts';
import type { Protocol } from './protocol.ts';

export const protocols: Protocol[] = [
  // Binary database/messaging protocols: each requires magic bytes or self-consistent length fields.
  postgresql,
  mysql,
];
