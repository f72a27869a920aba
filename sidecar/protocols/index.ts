/** Every protocol detector, in detection priority order: more specific signatures first. */
import { kafka } from './kafka.ts';
import { mongodb } from './mongodb.ts';
import { mysql } from './mysql.ts';
import { postgresql } from './postgresql.ts';
import type { Protocol } from './protocol.ts';
import { redis } from './redis.ts';

export const protocols: Protocol[] = [
  // Binary database/messaging protocols: each requires magic bytes or self-consistent length fields.
  postgresql,
  mysql,
  mongodb,
  kafka,
  // Text: a RESP array naming a command, or an inline command whose name no other text protocol uses.
  redis,
];
