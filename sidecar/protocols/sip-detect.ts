/**
 * SIP detection from either side's first message (RFC 3261 §7): a request line of a known method with a sip, sips or
 * tel URI and `SIP/2.0`, or a status line `SIP/2.0 NNN reason`, then header lines holding the five fields every
 * request and response carries (§8.1.1: Via, Call-ID, CSeq, From, To; compact forms too). The first octet refuses
 * almost every flow; a line still coming is asked for while it can become a start line. HTTP's and RTSP's lines
 * differ in their version (`HTTP/1.1`, `RTSP/1.0`) and their targets (`*`, `/`, `rtsp://`), so neither is taken.
 */
import type { Detection } from './protocol.ts';
import { headEnd, readHeaders, readStartLine, sipMethods } from './sip-head.ts';
import { latin1 } from './wire-bytes.ts';

const known: ReadonlySet<string> = new Set(sipMethods);
/** First octets of the methods and of `SIP/2.0`: the one test most flows get. */
const firsts: ReadonlySet<number> = new Set([...sipMethods.map((m) => m.charCodeAt(0)), 0x53]);
/** CRLFs a stream may carry before a message (§7.5; RFC 5626's keep-alives): a few, no more. */
const maxLeadingEols = 8;
const maxStartLine = 2100;
const required = ['via', 'call-id', 'cseq', 'from', 'to'] as const;

const eolsAt = (b: Uint8Array): number => {
  let at = 0;
  while (at < b.length && (b[at] === 0x0d || b[at] === 0x0a)) at++;
  return at;
};

/** A request line's beginning: a known method's, then a URI of a SIP scheme's, then the version. */
const requestPrefix = (text: string): boolean => {
  const space = text.indexOf(' ');
  if (space < 0) return sipMethods.some((m) => m.startsWith(text));
  if (!known.has(text.slice(0, space))) return false;
  const rest = text.slice(space + 1);
  const gap = rest.indexOf(' ');
  const uri = gap < 0 ? rest : rest.slice(0, gap);
  const scheme = uri.slice(0, 5).toLowerCase();
  if (!['sip:', 'sips:', 'tel:'].some((s) => s.startsWith(scheme) || scheme.startsWith(s))) return false;
  if (!/^[\x21-\x7e]*$/.test(uri)) return false;
  return gap < 0 || (/^(?:sips?|tel):./i.test(uri) && 'SIP/2.0'.startsWith(rest.slice(gap + 1)));
};

const statusPrefix = (text: string): boolean =>
  text.length <= 8
    ? 'SIP/2.0 '.startsWith(text)
    : text.startsWith('SIP/2.0 ') &&
      /^[1-6](?:\d(?:\d(?: [^\x00-\x08\x0a-\x1f\x7f]*)?)?)?$/.test(text.slice(8));

/** The first line without its LF yet: could it still become a start line? */
const startPrefix = (line: string): boolean => {
  if (line.length > maxStartLine) return false;
  if (line.endsWith('\r')) return startOf(line.slice(0, -1));
  return requestPrefix(line) || statusPrefix(line);
};

const startOf = (line: string): boolean => {
  const start = readStartLine(line);
  return start !== undefined && (start.kind === 'response' || known.has(start.method));
};

/** The header lines after the start line: every required field among the whole lines come, or more to wait for. */
const headersVerdict = (b: Uint8Array, from: number): Detection => {
  const end = headEnd(b, from - 1);
  const whole = end < 0 ? b.lastIndexOf(0x0a) + 1 : end;
  const lines = whole <= from ? [] : latin1(b, from, whole).split(/\r?\n/);
  // Behind the last LF the split leaves one empty string; behind the blank line, two.
  lines.length = Math.max(0, lines.length - (end < 0 ? 1 : 2));
  const headers = readHeaders(lines);
  if (headers === undefined) return 'no-match';
  if (required.every((name) => headers.has(name))) return 'match';
  return end < 0 ? 'need-more' : 'no-match';
};

export const detectSip = (b: Uint8Array): Detection => {
  const first = b[0];
  if (first === undefined) return 'need-more';
  const at = first === 0x0d || first === 0x0a ? eolsAt(b) : 0;
  if (at > maxLeadingEols) return 'no-match';
  const octet = b[at];
  if (octet === undefined) return 'need-more';
  if (!firsts.has(octet)) return 'no-match';
  const lineEnd = b.indexOf(0x0a, at);
  if (lineEnd < 0) return startPrefix(latin1(b, at, at + maxStartLine + 1)) ? 'need-more' : 'no-match';
  const line = latin1(b, at, b[lineEnd - 1] === 0x0d ? lineEnd - 1 : lineEnd);
  return startOf(line) ? headersVerdict(b, lineEnd + 1) : 'no-match';
};
