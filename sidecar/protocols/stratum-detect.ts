/** Mining pool protocols (stratum-message.ts) detected from the first line either side sends. */
import type { Direction } from '../events.ts';
import type { Detection } from './protocol.ts';
import { jsonLine, readStratumLine } from './stratum-message.ts';
import { utf8View } from './wire-bytes.ts';

/** A login with XMRig's whole algorithm list is under 1 KiB; a first line longer than the prefix is not ours. */
const maxFirstLine = 4096;
const openBrace = 0x7b;
const newline = 0x0a;

/**
 * `match` when the first line is a JSON object that a miner (to the server) or a pool (to the client) sends: a
 * method of its side with that method's params, or a pool's answer carrying a job.
 */
export const detectStratum = (bytes: Uint8Array, direction: Direction): Detection => {
  if (bytes[0] !== openBrace) return 'no-match';
  const end = bytes.indexOf(newline);
  if (end < 0) return bytes.length < maxFirstLine ? 'need-more' : 'no-match';
  const message = jsonLine(utf8View(bytes, 0, end));
  if (message === undefined) return 'no-match';
  const line = readStratumLine(message, direction === 'to-server');
  if (line === undefined) return 'no-match';
  // An answer without a job (`{"id":1,"result":true}`) could be any JSON-RPC's.
  const answer = line.method === 'result' || line.method === 'error';
  return !answer || line.step === 'job' ? 'match' : 'no-match';
};
