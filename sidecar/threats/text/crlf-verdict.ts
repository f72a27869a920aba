/**
 * Judges a decoded value for CR/LF injection (CWE-113, CWE-93; OWASP CRS REQUEST-921): a line break followed by a
 * header line an HTTP response or a mail would take as its own, or by a blank line and a second body (response
 * splitting). Only what holds a line break, or two characters whose low octets are CR and LF, is read further.
 */
import { headerReason, mediumReason } from './crlf-header-lines.ts';
import { inWindows } from './text-windows.ts';

const maxLength = 4096;

/**
 * Characters whose low octet is CR or LF: U+560A 嘊 and U+560D 嘍 (`%E5%98%8A%E5%98%8D`), U+010A and U+010D. Node's
 * http wrote a request path's characters as their low octet before 6.15, 8.14 and 10.14 (CVE-2018-12116), and
 * servers that write headers as Latin-1 do the same.
 */
const foldChars = Array.from({ length: 256 }, (_, high) =>
  [0x0a, 0x0d].map((low) => `\\u${((high << 8) | low).toString(16).padStart(4, '0')}`).join(''),
).join('');
/**
 * The one test every value goes through: a line break, or a character past Latin-1 (of which the folding ones are
 * a few); a class of one range, cheaper than the 512 characters below.
 */
const breakHint = /[\r\n\u0100-\uffff]/;
const lineBreakChar = /[\r\n]/;
/**
 * Pairs only: 上 (U+4E0A) and 不 (U+4E0D) are among the commonest Chinese characters, and one alone before a header
 * name in Chinese prose is no attack.
 */
const foldPairs = new RegExp(`[${foldChars}]{2}`, 'g');
const foldPair = new RegExp(`[${foldChars}]{2}`);
/** Whether a value that passed `breakHint` has a line break, or a pair that folds to one. */
const breaks = (text: string): boolean => lineBreakChar.test(text) || foldPair.test(text);
const lowOctets = (pair: string): string =>
  String.fromCharCode(pair.charCodeAt(0) & 0xff, pair.charCodeAt(1) & 0xff);

/** A status line: a second response in the text. */
const statusLine = /^HTTP\/\d(?:\.\d)? \d{3}\b/;
/** A second body after the blank line: markup, or a response of its own. */
const secondBody = /^[ \t]*(?:<[a-z!?/]|HTTP\/\d)/i;
/** Any header-shaped line: a value that opens with one is a block of headers sent on purpose (a webhook's mail). */
const headerShaped = /^[\w-]+[ \t]*:/;
const lineBreak = /\r\n|\r|\n/;

type Scan = { lines: readonly string[]; contiguous: boolean };

/** Whether the first line after `blank` that is not blank opens a second body. */
const secondBodyAfter = (lines: readonly string[], blank: number): boolean => {
  for (let i = blank + 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() !== '') return secondBody.test(line);
  }
  return false;
};

/** The stronger of two header reasons: a takeover before another header. */
const strongerHeader = (found: string | undefined, header: string | undefined): string | undefined =>
  found === undefined || (header !== undefined && mediumReason(found) && !mediumReason(header))
    ? header
    : found;

/**
 * The lines after the first, read as an injection: a blank line and a second body after a header (or anywhere
 * when not `contiguous`), a status line, the strongest header. When `contiguous` (a body field, where prose has
 * many lines) the injected lines must follow the first line break without a gap.
 */
const judgeLines = ({ lines, contiguous }: Scan): string | undefined => {
  let found: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '' && (found !== undefined || !contiguous) && secondBodyAfter(lines, i))
      return 'HTTP response splitting (a blank line, then a second body)';
    if (statusLine.test(line)) return 'HTTP response splitting (a second status line)';
    const header = headerReason(line);
    if (header === undefined && contiguous) break;
    found = strongerHeader(found, header);
  }
  return found;
};

const fold = (text: string): string => (foldPair.test(text) ? text.replace(foldPairs, lowOctets) : text);

/** A value of a query, path, header or cookie: any line after a break may be the injected one. */
const judgeLine = (text: string): string | undefined => {
  if (!breakHint.test(text) || !breaks(text)) return undefined;
  return inWindows(fold(text), maxLength, (window) =>
    judgeLines({ lines: window.split(lineBreak, 256), contiguous: false }),
  );
};

/**
 * A body field's value (form, JSON, multipart, WebSocket, gRPC), where text has lines of its own: only a first
 * line with no white space in it (a token, an address, a file name: what a server puts into a header) followed at
 * once by injected lines. A value opening with a header line is a block of headers sent on purpose.
 */
const judgeField = (text: string): string | undefined => {
  if (!breakHint.test(text) || !breaks(text)) return undefined;
  const head = fold(text.slice(0, maxLength));
  const first = head.search(lineBreak);
  if (first < 0 || /\s/.test(head.slice(0, first)) || headerShaped.test(head)) return undefined;
  return judgeLines({ lines: head.split(lineBreak, 256), contiguous: true });
};

/** Places whose values have lines of their own. */
const fieldPlaces = /^(?:form|json|multipart|body|websocket|grpc)\b/;

export const isField = (where: string): boolean => fieldPlaces.test(where);

export const crlfVerdict = { line: judgeLine, field: judgeField };
export { mediumReason };
