/**
 * Oracle WebLogic's T3 (`t3`), the protocol of WebLogic's RMI, JNDI, EJB and JMS clients and of its servers among
 * themselves, and the door of its best known remote code execution flaws: a T3 client's first messages carry Java
 * serialized objects the server deserializes before any login (CVE-2015-4852, CVE-2016-0638, CVE-2018-2628,
 * CVE-2020-2555, CVE-2020-2883, CVE-2023-21839). Identified by the client's handshake line (`t3 12.2.1\n`: `t3`, a
 * space, a version of digits and dots) or the server's answer (`HELO:12.2.1.3.0.false\n`, or `LGIN:` and a reason when
 * a connection filter refuses it), never the port (7001 by default, shared with HTTP, IIOP and LDAP).
 */

import type { Detection, Protocol } from './protocol.ts';
import { createT3Parser } from './t3-parser.ts';
import { startsWithAscii } from './wire-bytes.ts';

/** Characters of a version read before its line must have ended. */
const maxVersion = 32;

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

/** `prefix`, then a digit, then digits and dots up to a newline. */
const versionLine = (b: Uint8Array, prefix: string): Detection => {
  if (!startsWithAscii(b, prefix, true)) return 'no-match';
  if (b.length <= prefix.length) return 'need-more';
  if (!isDigit(b[prefix.length])) return 'no-match';
  for (let i = prefix.length + 1; i < Math.min(b.length, prefix.length + maxVersion); i++) {
    const c = b[i] ?? 0;
    if (c === 0x0a) return 'match';
    if (!isDigit(c) && c !== 0x2e && !(prefix === 'HELO:' && c >= 0x61 && c <= 0x7a)) return 'no-match';
  }
  return b.length < prefix.length + maxVersion ? 'need-more' : 'no-match';
};

const detectServer = (b: Uint8Array): Detection => {
  if (startsWithAscii(b, 'LGIN:', true)) return b.length < 5 ? 'need-more' : 'match';
  return versionLine(b, 'HELO:');
};

export const t3: Protocol = {
  id: 't3',
  transport: 'tcp',
  ports: [7001, 7002],
  encrypted: false,
  detect: (bytes, direction) => (direction === 'to-server' ? versionLine(bytes, 't3 ') : detectServer(bytes)),
  createParser: createT3Parser,
};
