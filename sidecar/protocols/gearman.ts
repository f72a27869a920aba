/**
 * Gearman, the job server (`gearman`): identified by either side's first binary packet, its magic (`\0REQ` from a
 * client or worker, `\0RES` from the job server), a type that side sends and a length the type can have. The text
 * administrative protocol (`status`, `workers`, `version`, `maxqueue`, `shutdown`) is left alone: its commands are
 * bare words other line protocols use (memcached's `version`), and its answers (`OK`, tab-separated lines, `.`) say
 * nothing of their own. Job bodies go to insecure-deserialization (gearman-parser.ts).
 */

import { gearmanHeaderLength, opensMagic, readGearmanHeader } from './gearman-packet.ts';
import { createGearmanParser } from './gearman-parser.ts';
import type { Detection, Protocol } from './protocol.ts';

const detectGearman: Protocol['detect'] = (bytes, direction): Detection => {
  const request = direction === 'to-server';
  if (!opensMagic(bytes, request)) return 'no-match';
  if (bytes.length < gearmanHeaderLength) return 'need-more';
  return readGearmanHeader(bytes, request) === undefined ? 'no-match' : 'match';
};

export const gearman: Protocol = {
  id: 'gearman',
  transport: 'tcp',
  ports: [4730, 7003],
  encrypted: false,
  detect: detectGearman,
  createParser: createGearmanParser,
};
