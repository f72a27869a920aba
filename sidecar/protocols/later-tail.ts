/**
 * Chooses the reader of a request body past its 64 KiB kept (ADR 46): a form's fields, a JSON document's strings.
 * Other bodies of text (XML, plain text) are not read on: `uninspected-body` reports them cut.
 */
import { createFormTail } from './form-tail.ts';
import { createJsonTail } from './json-tail.ts';
import type { LaterTail } from './later-values.ts';

/** The first octet of the body that is not white space (RFC 8259 §2), or undefined. */
const firstOctet = (kept: readonly Uint8Array[]): number | undefined => {
  for (const part of kept)
    for (const octet of part)
      if (octet !== 0x20 && octet !== 0x0a && octet !== 0x0d && octet !== 0x09) return octet;
  return undefined;
};

/**
 * A JSON body as the injection inputs take one: a `json` media type, or a body of text (no type, `text/*`) that
 * opens with `{` or `[`.
 */
const isJson = (type: string, kept: readonly Uint8Array[]): boolean => {
  if (type.includes('json')) return true;
  if (type !== '' && !type.startsWith('text/')) return false;
  const first = firstOctet(kept);
  return first === 0x7b || first === 0x5b;
};

/**
 * The reader for a request body past its bound, or undefined. `contentType` as sent; not for a body with a
 * Content-Encoding, whose octets past the bound are compressed: the injection inputs read such a body's rest once
 * decoded (later-inputs.ts). `kept`: the octets kept before the bound, which the reader scans for where it cut.
 */
export const createLaterTail = (
  contentType: string,
  contentEncoding: string,
  kept: readonly Uint8Array[],
): LaterTail | undefined => {
  if (!/^\s*(identity\s*)?$/i.test(contentEncoding)) return undefined;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return createFormTail(kept);
  return isJson(type, kept) ? createJsonTail(kept) : undefined;
};
