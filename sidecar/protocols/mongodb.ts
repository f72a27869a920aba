/** MongoDB wire protocol: OP_MSG, OP_QUERY, OP_REPLY, OP_COMPRESSED and the legacy opcodes. */
import { detectMongodb } from './mongodb-detect.ts';
import { createMongodbParser } from './mongodb-parser.ts';
import type { Protocol } from './protocol.ts';

export const mongodb: Protocol = {
  id: 'mongodb',
  transport: 'tcp',
  ports: [27017],
  encrypted: false,
  detect: detectMongodb,
  createParser: createMongodbParser,
};
