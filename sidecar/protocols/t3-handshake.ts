/**
 * T3's handshake, text lines ended by an empty one. The client: `t3 <version>`, then `AS:` (abbreviation table size),
 * `HL:` (header length), `MS:` (largest message), `PU:` (the URL it was given, `t3://host:port`), `LP:` and others.
 * The server: `HELO:<its version>.<false|true>` and its own `AS:`, `HL:`, or `LGIN:<reason>` when it refuses the
 * connection (a connection filter: `weblogic.security.net.FilterException`).
 */
import { isPrintable, latin1 } from './wire-bytes.ts';

/** The longest handshake read: past it without an empty line, the octets are not T3's. */
export const maxHandshake = 2048;

/**
 * Octets the handshake at the start of `b` takes (through its empty line): 0 when more are needed, -1 when too
 * long.
 */
export const handshakeLength = (b: Uint8Array): number => {
  for (let i = 1; i < Math.min(b.length, maxHandshake); i++)
    if (b[i] === 0x0a && b[i - 1] === 0x0a) return i + 1;
  return b.length >= maxHandshake ? -1 : 0;
};

export type T3Hello = { operation: string; detail: string };

const value = (lines: readonly string[], key: string): string | undefined =>
  lines.find((line) => line.startsWith(`${key}:`))?.slice(key.length + 1);

/** A handshake's operation and detail, or undefined when its lines are not printable text. */
export const readHandshake = (b: Uint8Array): T3Hello | undefined => {
  if (!isPrintable(b, 0, b.length, true)) return undefined;
  const lines = latin1(b)
    .split('\n')
    .filter((line) => line !== '');
  const first = lines[0] ?? '';
  if (first.startsWith('t3 ')) {
    const url = value(lines, 'PU');
    const detail = `version ${first.slice(3, 35)}${url === undefined ? '' : `, provider URL ${url.slice(0, 200)}`}`;
    return { operation: 'handshake', detail };
  }
  if (first.startsWith('HELO:')) {
    const said = first.slice(5, 64);
    const version = said.replace(/\.(?:false|true)$/, '');
    return { operation: 'helo', detail: `WebLogic ${version}` };
  }
  if (first.startsWith('LGIN:')) return { operation: 'refused', detail: first.slice(5, 261) };
  return undefined;
};
