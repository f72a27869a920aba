/**
 * SMB over TCP (direct, or NetBIOS session service, RFC 1002 §4.3): each session message's SMB1 (smb1-message.ts) or
 * SMB 2/3 (smb2-message.ts) commands as `smb` events, each login's outcome as a db-auth event (for
 * db-auth-brute-force). Once a direction is encrypted (the SMB3 transform header, MS-SMB2 §2.2.41) or compressed
 * (§2.2.42), it says so and reads that direction no more. Detection: smb-detect.ts.
 */
import type { ProtocolEvent } from '../events.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import type { Protocol } from './protocol.ts';
import { detectSmb, encodedNameEnd } from './smb-detect.ts';
import {
  createSmbFlow,
  releaseHeld,
  type SmbFlow,
  type SmbOut,
  settleVersion,
  tell,
  tellSession,
} from './smb-flow.ts';
import { readSmb1 } from './smb1-message.ts';
import { readSmb2 } from './smb2-message.ts';
import { u32le } from './wire-bytes.ts';

/** A session message's length (3 octets, MS-SMB2 §2.1) or another packet's (17 bits, RFC 1002 §4.3.1). */
const frame = (b: Uint8Array): number => {
  if (b.length < 4) return 0;
  const type = b[0] as number;
  if (type === 0x00) return 4 + (((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number));
  if (type < 0x81 || type > 0x85 || ((b[1] as number) & 0xfe) !== 0) return -1;
  return 4 + ((((b[1] as number) & 1) << 16) | ((b[2] as number) << 8) | (b[3] as number));
};

/** A first-level encoded NetBIOS name (RFC 1001 §14.1) decoded: 15 characters, trailing spaces dropped. */
const netbiosName = (b: Uint8Array, at: number): string => {
  let name = '';
  for (let i = 0; i < 15; i++) {
    const high = (b[at + 1 + 2 * i] as number) - 0x41;
    const low = (b[at + 2 + 2 * i] as number) - 0x41;
    name += String.fromCharCode((high << 4) | low);
  }
  return name.trimEnd();
};

const sessionRequest = (b: Uint8Array, flow: SmbFlow, out: SmbOut): void => {
  const called = encodedNameEnd(b, 4, b.length);
  // Both names whole: a message cut inside the calling name would decode octets that are not there.
  if (typeof called !== 'number' || typeof encodedNameEnd(b, called, b.length) !== 'number') return;
  tellSession(out, flow, { name: netbiosName(b, 4), workstation: netbiosName(b, called) });
};

/**
 * NetBIOS session service packets: the request, and the server's positive (0x82) or negative (0x83) answer. They
 * come before any SMB message, so their events wait for the version of the SMB that follows (smb-flow.ts).
 */
const netbiosPacket = (b: Uint8Array, flow: SmbFlow, out: SmbOut): void => {
  const type = b[0];
  if (type === 0x81 && out.direction === 'to-server') sessionRequest(b, flow, out);
  else if (type === 0x82) tellSession(out, flow, { ok: true, status: 'positive' });
  else if (type === 0x83)
    tellSession(out, flow, { ok: false, status: `negative 0x${(b[4] ?? 0).toString(16)}` }, true);
};

const message = (b: Uint8Array, flow: SmbFlow, context: FrameContext): readonly ProtocolEvent[] => {
  const out: SmbOut = { events: [], ts: context.ts, direction: context.direction };
  if (b[0] !== 0x00) {
    netbiosPacket(b, flow, out);
    return out.events;
  }
  const body = b.subarray(4);
  const magic = u32le(body, 0);
  if (magic === 0x424d53fe) readSmb2(body, flow, out);
  else if (magic === 0x424d53ff) readSmb1(body, flow, out);
  else if (magic === 0x424d53fd || magic === 0x424d53fc) {
    tell(out, 2, magic === 0x424d53fd ? 'encrypted' : 'compressed');
    context.stop(context.direction);
  } else return out.events;
  settleVersion(flow, out, magic === 0x424d53ff ? 1 : 2);
  return out.events;
};

export const smb: Protocol = {
  id: 'smb',
  transport: 'tcp',
  ports: [445, 139],
  encrypted: false,
  detect: detectSmb,
  createParser: () => {
    const flow = createSmbFlow();
    const framed = createFramedParser({ frame, message: (b, context) => message(b, flow, context) });
    return {
      parse: (chunk, direction, ts) => framed.parse(chunk, direction, ts),
      gap: (direction, lost) => framed.gap(direction, lost),
      // A session with no SMB after it: its events, with no version.
      end: () => releaseHeld(flow),
    };
  },
};
