/** Redis (RESP2 and RESP3): client commands, the outcome of authentication and of the commands that act on the server. */
import type { Protocol } from './protocol.ts';
import { detectRedis } from './redis-detect.ts';
import { createRedisParser } from './redis-parser.ts';

export const redis: Protocol = {
  id: 'redis',
  transport: 'tcp',
  ports: [6379],
  encrypted: false,
  // Replies only yield db-auth and redis-reply events (for the threat detectors): the summary's commands come from the client.
  summaryDirections: ['to-server'],
  detect: detectRedis,
  createParser: createRedisParser,
};
