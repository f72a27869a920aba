/** SMTP detection (RFC 5321): the server's 220 greeting naming SMTP, or a client's EHLO/HELO/LHLO, MAIL FROM, RCPT TO. */
import type { Detection } from './protocol.ts';
import { latin1 } from './wire-bytes.ts';

const maxLine = 1024;

/** §4.1.1: verbs are case-insensitive; these can open a session (or a session picked up mid-way). */
const openers = ['EHLO ', 'HELO ', 'LHLO ', 'MAIL FROM:', 'RCPT TO:'] as const;

const firstLine = (bytes: Uint8Array): { line: string; complete: boolean; tooLong: boolean } => {
  const text = latin1(bytes, 0, maxLine + 1);
  const end = text.indexOf('\n');
  return {
    line: (end < 0 ? text : text.slice(0, end)).replace(/\r$/, ''),
    complete: end >= 0,
    tooLong: end < 0 && text.length > maxLine,
  };
};

const digit2 = 0x32;
/** Opener first letters either case (no Latin-1 letter upper-cases to one of them). */
const openerFirst = new Set(openers.flatMap((o) => [o.charCodeAt(0), o.toLowerCase().charCodeAt(0)]));

/**
 * The verdict for bytes whose first line cannot start a greeting or an opener: a lone CR is an empty line so
 * far (every opener still starts with it), anything else no longer matches.
 */
const loneCr = (bytes: Uint8Array): Detection =>
  bytes.length === 1 && bytes[0] === 0x0d ? 'need-more' : 'no-match';

const isPrintableLine = (line: string): boolean => /^[\x20-\x7e\t]*$/.test(line);

/** §4.2: "220" SP or "-", then text; the text must say (E)SMTP, since FTP greets with 220 too. */
export const detectSmtpGreeting = (bytes: Uint8Array): Detection => {
  const first = bytes[0];
  if (first !== undefined && first !== digit2) return loneCr(bytes);
  const { line, complete, tooLong } = firstLine(bytes);
  const head = line.slice(0, 4);
  if (!'220 '.startsWith(head) && !'220-'.startsWith(head)) return 'no-match';
  if (!complete) return tooLong ? 'no-match' : 'need-more';
  return isPrintableLine(line) && /smtp/i.test(line) ? 'match' : 'no-match';
};

export const detectSmtpCommand = (bytes: Uint8Array): Detection => {
  const first = bytes[0];
  if (first !== undefined && !openerFirst.has(first)) return loneCr(bytes);
  const { line, complete, tooLong } = firstLine(bytes);
  const upper = line.slice(0, 10).toUpperCase();
  const opener = openers.find((o) => (upper.length >= o.length ? upper.startsWith(o) : o.startsWith(upper)));
  if (opener === undefined) return 'no-match';
  if (!complete) return tooLong ? 'no-match' : 'need-more';
  const argument = line.slice(opener.length).trim();
  return isPrintableLine(line) && argument.length > 0 && upper.startsWith(opener) ? 'match' : 'no-match';
};
