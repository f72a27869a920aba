/**
 * The Java Debug Wire Protocol (`jdwp`): a JVM started with `-agentlib:jdwp=transport=dt_socket,server=y` answers any
 * debugger that connects, and a debugger can run any code in it (jdwp-shellifier, Metasploit's java_jdwp_debugger:
 * `Runtime.getRuntime().exec(cmd)` through JDWP commands). Identified by the 14-octet ASCII handshake
 * `JDWP-Handshake` that the debugger sends and the VM echoes (the JDWP specification, "JDWP Handshake"), either side's
 * first octets; never by port (5005, 8000 and 8787 are only habits).
 */
import { createJdwpParser, jdwpHandshake } from './jdwp-parser.ts';
import type { Detection, Protocol } from './protocol.ts';

const detect = (b: Uint8Array): Detection => {
  for (let i = 0; i < Math.min(b.length, jdwpHandshake.length); i++)
    if (b[i] !== jdwpHandshake[i]) return 'no-match';
  return b.length < jdwpHandshake.length ? 'need-more' : 'match';
};

export const jdwp: Protocol = {
  id: 'jdwp',
  transport: 'tcp',
  ports: [5005, 8000, 8787],
  encrypted: false,
  detect: (bytes) => detect(bytes),
  createParser: createJdwpParser,
};
