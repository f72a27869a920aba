/**
 * SIP (RFC 3261), VoIP's signalling: identified from either side's first message (sip-detect.ts), over UDP a message
 * per datagram and over TCP messages back to back (sip-parser.ts). 5060 and 5061 are hints only: SIP runs on any
 * port, and 5061 carries SIP over TLS, which is TLS.
 */
import type { Protocol } from './protocol.ts';
import { detectSip } from './sip-detect.ts';
import { createSipDatagramParser, createSipStreamParser } from './sip-parser.ts';

export const sip: Protocol = {
  id: 'sip',
  transport: 'udp',
  ports: [5060],
  encrypted: false,
  detect: detectSip,
  createParser: createSipDatagramParser,
};

export const sipStream: Protocol = {
  id: 'sip',
  transport: 'tcp',
  ports: [5060, 5061],
  encrypted: false,
  detect: detectSip,
  createParser: createSipStreamParser,
};
