/** RESP2/RESP3 tokenizer (redis.io/docs/reference/protocol-spec): one token per line or bulk string. */

export type RespToken =
  | { type: 'aggregate'; marker: string; count: number }
  | { type: 'string'; marker: string; value: Uint8Array; isNull: boolean }
  | { type: 'inline'; value: Uint8Array };

// '*' array, '%' map, '~' set, '>' push, '|' attribute.
const aggregates = new Set([0x2a, 0x25, 0x7e, 0x3e, 0x7c]);
// '$' bulk string, '!' bulk error, '=' verbatim string: a length line, then that many bytes and CRLF.
const bulks = new Set([0x24, 0x21, 0x3d]);
// '+' simple string, '-' error, ':' integer, '_' null, ',' double, '#' boolean, '(' big number.
const simples = new Set([0x2b, 0x2d, 0x3a, 0x5f, 0x2c, 0x23, 0x28]);

/** What each byte opens as a token's first byte: 0 nothing (not a marker), or one of the kinds below. */
export const respKinds = new Uint8Array(256);
export const respAggregate = 1;
export const respBulk = 2;
export const respSimple = 3;
for (const m of aggregates) respKinds[m] = respAggregate;
for (const m of bulks) respKinds[m] = respBulk;
for (const m of simples) respKinds[m] = respSimple;

export const isRespMarker = (b: number | undefined): boolean => b !== undefined && respKinds[b] !== 0;

/** Index of the LF ending the line at `start`, or -1 when not (yet) present within `limit` bytes. */
export const lineEnd = (b: Uint8Array, start: number, limit = 64 * 1024): number => {
  const end = Math.min(b.length, start + limit);
  for (let i = start; i < end; i++) if (b[i] === 0x0a) return i;
  return -1;
};

/** Parses a decimal integer in `b[start, end)`; NaN when not one (RESP lengths may be -1). Allocation-free. */
export const respInteger = (b: Uint8Array, start: number, end: number): number => {
  const negative = b[start] === 0x2d;
  const from = negative ? start + 1 : start;
  if (end <= from || end - from > 12) return Number.NaN;
  let value = 0;
  for (let i = from; i < end; i++) {
    const d = (b[i] ?? 0) - 0x30;
    if (d < 0 || d > 9) return Number.NaN;
    value = value * 10 + d;
  }
  return negative ? -value : value;
};

/** The longest bulk string a server sends (proto-max-bulk-len): a longer length is malformed. */
export const respMaxBulk = 512 * 1024 * 1024;

export const isAggregate = (b: number): boolean => respKinds[b] === respAggregate;

/**
 * Byte length of the token at `b[at]`: > 0 its length (which may run past the end of `b`), 0 when its
 * first line is not complete yet, -1 malformed.
 */
export const respTokenLength = (b: Uint8Array, at = 0): number => {
  const lf = lineEnd(b, at);
  if (lf < 0) return 0;
  const marker = b[at];
  if (marker === undefined || respKinds[marker] !== respBulk) return lf + 1 - at;
  if (b[lf - 1] !== 0x0d) return -1;
  const length = respInteger(b, at + 1, lf - 1);
  if (Number.isNaN(length) || length < -1 || length > respMaxBulk) return -1;
  return length < 0 ? lf + 1 - at : lf + 1 - at + length + 2;
};

/**
 * Length of the run of whole RESP tokens at the start of `b` (one message for the framed parser, so a reply
 * of thousands of small tokens is framed once): the first token's length when it is not whole yet.
 */
export const respRunLength = (b: Uint8Array): number => {
  const first = respTokenLength(b, 0);
  if (first <= 0 || first >= b.length) return first;
  let at = first;
  while (at < b.length && isRespMarker(b[at])) {
    const n = respTokenLength(b, at);
    if (n <= 0 || at + n > b.length) break;
    at += n;
  }
  return at;
};

/** Reads the whole token `t` (as framed by `respTokenLength`). */
export const respToken = (t: Uint8Array): RespToken => {
  const marker = t[0];
  if (!isRespMarker(marker)) return { type: 'inline', value: t };
  const lf = lineEnd(t, 0);
  const lineStop = lf > 0 && t[lf - 1] === 0x0d ? lf - 1 : lf < 0 ? t.length : lf;
  const m = String.fromCharCode(marker ?? 0);
  if (respKinds[marker ?? 0] === respAggregate)
    return { type: 'aggregate', marker: m, count: respInteger(t, 1, lineStop) };
  if (respKinds[marker ?? 0] !== respBulk)
    return { type: 'string', marker: m, value: t.subarray(1, lineStop), isNull: m === '_' };
  const length = respInteger(t, 1, lineStop);
  if (length < 0) return { type: 'string', marker: m, value: new Uint8Array(0), isNull: true };
  return {
    type: 'string',
    marker: m,
    value: t.subarray(lf + 1, Math.min(t.length, lf + 1 + length)),
    isNull: false,
  };
};
