/**
 * SSH (RFC 4253 §4.2): the identification string `SSH-protoversion-softwareversion [comments]` CR LF, either side,
 * then each side's KEXINIT (ssh-kexinit.ts).
 */
import type { Direction, ProtocolEvent, SshBannerEvent } from '../events.ts';
import type { Detection, Protocol } from './protocol.ts';
import { maxSshPacket, parseKexInit, sshPacket } from './ssh-kexinit.ts';
import { joinParts, latin1 } from './wire-bytes.ts';

/** §4.2: the identification line is at most 255 characters including CR LF. */
const maxLine = 255;
const prefix = 'SSH-';
const versions = ['2.0-', '1.99-', '1.5-'] as const;

const lineOf = (bytes: Uint8Array): string => latin1(bytes, 0, maxLine + 1);

/** True while `text` could still become `expected` (or already starts with it). */
const consistent = (text: string, expected: string): boolean =>
  text.length >= expected.length ? text.startsWith(expected) : expected.startsWith(text);

/** Software version: printable US-ASCII without spaces (§4.2 also forbids '-', which Cisco's "Cisco-1.25" uses). */
const validSoftware = (text: string): boolean => text.length > 0 && /^[\x21-\x7e]+$/.test(text);

const parseBanner = (line: string): { protocolVersion: string; software: string } | undefined => {
  const version = versions.find((v) => line.startsWith(prefix + v));
  if (version === undefined) return undefined;
  const rest = line.slice(prefix.length + version.length);
  const space = rest.indexOf(' ');
  const software = space < 0 ? rest : rest.slice(0, space);
  return validSoftware(software) ? { protocolVersion: version.slice(0, -1), software } : undefined;
};

const letterS = 0x53;
const cr = 0x0d;

const detectSsh = (bytes: Uint8Array): Detection => {
  // A first line not starting with 'S' cannot become "SSH-"; only a lone CR (an empty line so far) may still.
  const first = bytes[0];
  if (first !== undefined && first !== letterS)
    return first === cr && bytes.length === 1 ? 'need-more' : 'no-match';
  const text = lineOf(bytes);
  const end = text.indexOf('\n');
  const line = (end < 0 ? text : text.slice(0, end)).replace(/\r$/, '');
  if (!consistent(line, prefix)) return 'no-match';
  if (line.length > prefix.length && !versions.some((v) => consistent(line.slice(prefix.length), v)))
    return 'no-match';
  if (end < 0) return text.length > maxLine ? 'no-match' : 'need-more';
  return parseBanner(line) ? 'match' : 'no-match';
};

type Side = { pending: Uint8Array; banner: boolean; done: boolean };

const empty = new Uint8Array(0);

/** The banner line, when complete: its event and where the binary packets start; `done` when it is not SSH. */
const readBanner = (side: Side, direction: Direction, ts: number, out: ProtocolEvent[]): void => {
  const head = lineOf(side.pending);
  const end = head.indexOf('\n');
  if (end < 0) {
    side.done = side.pending.length > maxLine;
    return;
  }
  const banner = parseBanner(head.slice(0, end).replace(/\r$/, ''));
  if (banner === undefined) {
    side.done = true;
    return;
  }
  const event: SshBannerEvent = { kind: 'ssh-banner', ts, direction, ...banner };
  out.push(event);
  side.banner = true;
  // latin1 maps each octet to one character, so the line's length is its length in octets.
  side.pending = side.pending.subarray(end + 1);
};

/** Binary packets until the side's KEXINIT, the last message sent in the clear; then the side is done. */
const readPackets = (side: Side, direction: Direction, ts: number, out: ProtocolEvent[]): void => {
  for (;;) {
    const packet = sshPacket(side.pending);
    if (packet === 'need-more') return;
    if (packet === 'bad') {
      side.done = true;
      return;
    }
    const kexinit = parseKexInit(packet.payload, direction, ts);
    side.pending = side.pending.subarray(packet.end);
    if (kexinit !== undefined) {
      out.push(kexinit);
      side.done = true;
      return;
    }
  }
};

/** Emits each side's banner and KEXINIT; what follows (key exchange, then encrypted packets) is not parsed. */
const createSshParser = () => {
  const state: Record<Direction, Side> = {
    'to-server': { pending: empty, banner: false, done: false },
    'to-client': { pending: empty, banner: false, done: false },
  };
  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const side = state[direction];
      if (side.done) return [];
      const out: ProtocolEvent[] = [];
      // Always a copy (two parts): a chunk's memory is only valid during `parse`.
      side.pending = joinParts([side.pending, chunk], side.pending.length + chunk.length);
      if (!side.banner) readBanner(side, direction, ts, out);
      if (side.banner && !side.done) readPackets(side, direction, ts, out);
      if (side.pending.length > maxSshPacket + 4) side.done = true;
      if (side.done) side.pending = empty;
      return out;
    },
    gap(direction: Direction): void {
      state[direction].done = true;
      state[direction].pending = empty;
    },
  };
};

export const ssh: Protocol = {
  id: 'ssh',
  transport: 'tcp',
  ports: [22, 2222],
  encrypted: true,
  detect: detectSsh,
  createParser: createSshParser,
};
