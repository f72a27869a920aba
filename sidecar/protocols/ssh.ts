/** SSH (RFC 4253 §4.2): the identification string `SSH-protoversion-softwareversion [comments]` CR LF, either side. */
import type { Direction, ProtocolEvent, SshBannerEvent } from '../events.ts';
import type { Detection, Protocol } from './protocol.ts';
import { latin1 } from './wire-bytes.ts';

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

/** Emits each side's banner; what follows (binary packets, then encrypted) is not parsed. */
const createSshParser = () => {
  const state = {
    'to-server': { text: '', done: false },
    'to-client': { text: '', done: false },
  };
  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const side = state[direction];
      if (side.done) return [];
      side.text += lineOf(chunk);
      const end = side.text.indexOf('\n');
      if (end < 0) {
        side.done = side.text.length > maxLine;
        return [];
      }
      side.done = true;
      const banner = parseBanner(side.text.slice(0, end).replace(/\r$/, ''));
      if (banner === undefined) return [];
      const event: SshBannerEvent = { kind: 'ssh-banner', ts, direction, ...banner };
      return [event];
    },
    gap(direction: Direction): void {
      state[direction].done = true;
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
