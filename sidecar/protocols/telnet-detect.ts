/**
 * Telnet detection (RFC 854, 855): the option negotiation both ends open with. The first octet is IAC, and every
 * command up to the first data octet is a well-formed WILL, WONT, DO or DONT of a registered option (IANA's Telnet
 * options 0 to 49, and 255 EXOPL) or a closed subnegotiation of one. Two such commands decide; one waits for more.
 */
import type { Detection } from './protocol.ts';
import { iac } from './telnet-iac.ts';

const se = 240;
const sb = 250;
const will = 251;
const dont = 254;
const maxSubnegotiation = 512;

const knownOption = (option: number | undefined): boolean =>
  option !== undefined && (option <= 49 || option === 255);

/** Where the subnegotiation opened at `at` (IAC SB option ...) ends after its IAC SE, or -1 when not yet; -2 if bad. */
const subnegotiationEnd = (bytes: Uint8Array, at: number): number => {
  const limit = Math.min(bytes.length, at + maxSubnegotiation);
  for (let i = at + 3; i + 1 < limit; i++) {
    if (bytes[i] !== iac) continue;
    if (bytes[i + 1] === se) return i + 2;
    if (bytes[i + 1] !== iac) return -2;
    i++;
  }
  return limit === at + maxSubnegotiation ? -2 : -1;
};

/** The end of the command at `at`, -1 when it is cut short, -2 when it is not a negotiation command. */
const commandEnd = (bytes: Uint8Array, at: number): number => {
  if (bytes[at] !== iac) return -2;
  if (at + 1 >= bytes.length) return -1;
  const verb = bytes[at + 1] as number;
  if (verb !== sb && (verb < will || verb > dont)) return -2;
  if (at + 2 >= bytes.length) return -1;
  if (!knownOption(bytes[at + 2])) return -2;
  return verb === sb ? subnegotiationEnd(bytes, at) : at + 3;
};

export const detectTelnet = (bytes: Uint8Array): Detection => {
  let at = 0;
  let commands = 0;
  while (at < bytes.length && bytes[at] === iac) {
    const end = commandEnd(bytes, at);
    if (end === -2) return 'no-match';
    if (end === -1) return commands >= 2 ? 'match' : 'need-more';
    commands += 1;
    at = end;
  }
  if (commands >= 2) return 'match';
  // Fewer than two commands: more may follow when nothing else has yet; data after them cannot be unsaid.
  return at === bytes.length ? 'need-more' : 'no-match';
};
