/**
 * STOMP 1.0, 1.1 and 1.2 (stomp.github.io), the text messaging protocol of ActiveMQ, Artemis and RabbitMQ: identified
 * from either side's first frame (stomp-detect.ts), its frames told as operations (stomp-parser.ts). STOMP over TLS
 * (61614) is TLS.
 */
import type { Protocol } from './protocol.ts';
import { detectStomp } from './stomp-detect.ts';
import { createStompParser } from './stomp-parser.ts';

export const stomp: Protocol = {
  id: 'stomp',
  transport: 'tcp',
  ports: [61613, 61614],
  encrypted: false,
  detect: detectStomp,
  createParser: createStompParser,
};
