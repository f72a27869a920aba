/**
 * Chooses the reader of a request body past its 64 KiB kept (ADR 46): a form's fields, a JSON document's strings, an
 * XML document's texts and attributes, a text's lines, a gRPC body's text fields. Other bodies (binary types) are not
 * read on: `uninspected-body` reports a text body cut only when values were left unread.
 */
import { createFormTail } from './form-tail.ts';
import { createGrpcTail } from './grpc-tail.ts';
import { createJsonTail } from './json-tail.ts';
import type { LaterTail } from './later-values.ts';
import { createTextTail } from './text-tail.ts';
import { createXmlTail } from './xml-tail.ts';

/** gRPC bodies of binary protobuf messages (not gRPC-Web's base64 text, nor `+json`). */
const grpcTypes = new Set([
  'application/grpc',
  'application/grpc+proto',
  'application/grpc-web',
  'application/grpc-web+proto',
]);

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

/** An XML body: an `xml` media type (`application/soap+xml` too), or a body of text that opens with `<`. */
const isXml = (type: string, kept: readonly Uint8Array[]): boolean => {
  if (type.endsWith('xml')) return true;
  return (type === '' || type.startsWith('text/')) && firstOctet(kept) === 0x3c;
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
  if (grpcTypes.has(type)) return createGrpcTail(kept);
  if (isJson(type, kept)) return createJsonTail(kept);
  if (isXml(type, kept)) return createXmlTail(kept);
  return type === '' || type.startsWith('text/') ? createTextTail() : undefined;
};
