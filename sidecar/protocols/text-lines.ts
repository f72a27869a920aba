/**
 * One direction of a line-based text protocol (FTP, POP3, IMAP): chunks in, complete lines out, with octets to pass
 * over (IMAP literals, POP3 message bodies are lines too) and resynchronisation after a reassembly gap.
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import type { Detection, ProtocolParser } from './protocol.ts';
import type { TlsUpgrade } from './tls-upgrade.ts';
import { latin1 } from './wire-bytes.ts';

export type LineSide = {
  /** Latin-1 text received and not yet split into lines (one character per octet, so counts are octets). */
  text: string;
  /** Octets still to pass over before the next line starts (a literal announced by the last line). */
  skip: number;
  /** Nothing more is read in this direction (encrypted after STARTTLS, or not the protocol after all). */
  stopped: boolean;
  /** A gap lost part of a line, or a line ran past the bound: drop what comes before the next line end. */
  discard: boolean;
};

export const lineSide = (): LineSide => ({ text: '', skip: 0, stopped: false, discard: false });

/** First line of `bytes`, its CR dropped, and whether its LF has arrived (detectors look at most `max` octets). */
export const firstTextLine = (bytes: Uint8Array, max: number): { line: string; complete: boolean } => {
  const text = latin1(bytes, 0, max);
  const end = text.indexOf('\n');
  return end < 0
    ? { line: text, complete: false }
    : { line: text.slice(0, end).replace(/\r$/, ''), complete: true };
};

/** Every complete line of `text` (at most `count`), CRs dropped; a last line without its LF is left out. */
export const completeLines = (text: string, count: number): string[] => {
  const lines = text.split('\n');
  lines.pop();
  return lines.slice(0, count).map((line) => line.replace(/\r$/, ''));
};

export const isPrintableLine = (line: string): boolean => /^[\x20-\x7e\t]*$/.test(line);

/** Control characters other than tab: no line of these protocols holds one (UTF-8 text may follow detection). */
export const hasControl = (line: string): boolean => /[\x00-\x08\x0b-\x1f\x7f]/.test(line);

const passOver = (side: LineSide): boolean => {
  const n = Math.min(side.skip, side.text.length);
  side.skip -= n;
  side.text = side.text.slice(n);
  return side.skip === 0;
};

/**
 * Adds a chunk and hands each complete line (without CR LF) to `onLine`, which may set `side.skip` or
 * `side.stopped`. A line longer than `maxLine` is handed over as its first `maxLine` octets, and the rest of it is
 * passed over to its end: servers read on past one (bash reads any length, Postfix cuts long lines into pieces), so
 * stopping there would let one padded line, or a long base64 payload piped to a shell, hide every line after it.
 */
export const feedLines = (
  side: LineSide,
  chunk: Uint8Array,
  maxLine: number,
  onLine: (line: string) => void,
): void => {
  if (side.stopped) return;
  side.text += latin1(chunk);
  while (!side.stopped && passOver(side)) {
    const end = side.text.indexOf('\n');
    if (end < 0) break;
    const line = side.text.slice(0, end).replace(/\r$/, '');
    side.text = side.text.slice(end + 1);
    if (side.discard) side.discard = false;
    else onLine(line);
  }
  if (!side.stopped && side.text.length > maxLine && side.skip === 0) cutLongLine(side, maxLine, onLine);
  if (side.stopped) side.text = '';
};

/**
 * A line past `maxLine` and still going: its head is the line; what follows, to its end, is dropped as it comes (a
 * line being dropped already stays dropped). `onLine` sees `discard` as it was, for readers that keep their own.
 */
export const cutLongLine = (
  side: Pick<LineSide, 'text' | 'discard'>,
  maxLine: number,
  onLine: (line: string) => void,
): void => {
  const head = side.text.slice(0, maxLine);
  side.text = '';
  if (side.discard) return;
  onLine(head);
  side.discard = true;
};

/** Text held past a side's last line as octets again (latin-1 is one character per octet): for a switch to TLS. */
export const octetsOf = (text: string): Uint8Array => {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
};

/**
 * Both sides of a line protocol turn to TLS (an accepted STARTTLS, STLS, AUTH TLS): each stops, and what it held past
 * its last line goes to the TLS reader.
 */
export const toTls = (
  upgrade: TlsUpgrade,
  client: Pick<LineSide, 'text' | 'stopped'>,
  server: Pick<LineSide, 'text' | 'stopped'>,
): void => {
  upgrade.start('to-server', octetsOf(client.text));
  upgrade.start('to-client', octetsOf(server.text));
  for (const side of [client, server]) {
    side.stopped = true;
    side.text = '';
  }
};

/** After a gap: what was pending is lost, and the partial line that follows is dropped. */
export const lineGap = (side: LineSide): void => {
  side.text = '';
  side.skip = 0;
  side.discard = true;
};

/** What a protocol makes of one complete line of `direction`: its events, pushed onto `out`. */
export type OnLine = (line: string, direction: Direction, ts: number, out: ProtocolEvent[]) => void;

/**
 * A parser for a protocol whose lines each stand alone, in both directions (IRC, Stratum's JSON lines): each complete
 * line goes to `onLine`; a line longer than `maxLine` is cut to its first `maxLine` octets (`feedLines`); after a gap
 * lines resynchronise at the next line end.
 */
export const createLineParser = (maxLine: number, onLine: OnLine): ProtocolParser => {
  const sides: Record<Direction, LineSide> = { 'to-server': lineSide(), 'to-client': lineSide() };
  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const out: ProtocolEvent[] = [];
      feedLines(sides[direction], chunk, maxLine, (line) => onLine(line, direction, ts, out));
      return out;
    },
    gap: (direction: Direction): void => lineGap(sides[direction]),
  };
};

/** A command line's verb (upper-cased) and its argument, trimmed. */
export const splitCommand = (line: string): { verb: string; argument: string } => {
  const space = line.indexOf(' ');
  return space < 0
    ? { verb: line.toUpperCase(), argument: '' }
    : { verb: line.slice(0, space).toUpperCase(), argument: line.slice(space + 1).trim() };
};

const maxPrefix = 2048;
const maxLines = 8;

/**
 * A client's first command lines, for protocols whose verbs overlap (FTP and POP3 both have USER, PASS, RETR):
 * `match` at the first line `own` accepts, `need-more` while every line is one of `shared`, else `no-match`.
 */
export const detectByVerbs = (
  bytes: Uint8Array,
  own: (verb: string, line: string) => boolean,
  shared: ReadonlySet<string>,
): Detection => {
  const text = latin1(bytes, 0, maxPrefix);
  const lines = completeLines(text, maxLines);
  if (lines.length === 0)
    return text.length < maxPrefix && /^[A-Za-z]{0,4}( |$)/.test(text) ? 'need-more' : 'no-match';
  for (const line of lines) {
    const { verb } = splitCommand(line);
    if (!isPrintableLine(line)) return 'no-match';
    if (own(verb, line)) return 'match';
    if (!shared.has(verb)) return 'no-match';
  }
  return lines.length >= maxLines ? 'no-match' : 'need-more';
};
