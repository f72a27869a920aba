/**
 * Splits an HTTP request into the values an attacker controls: path, query and form parameters, headers, cookies, JSON
 * strings, multipart fields and file names, gRPC messages' text fields; a compressed body (Content-Encoding) decoded.
 */
import type { HttpRequestEvent } from '../../events.ts';
import { decodedBody } from '../../protocols/http-content-decoding.ts';
import { headerNamed, headerToken } from '../../protocols/http-head.ts';
import { bodyWithTail, createMultipartTail, multipartTailBytes } from '../../protocols/multipart-tail.ts';
import { grpcStrings } from './grpc-strings.ts';
import { jsonStrings } from './json-strings.ts';
import { laterValues } from './later-inputs.ts';
import { lenientUrlDecode } from './lenient-url-decode.ts';
import { multipartParts } from './multipart-parts.ts';
import { type PayloadInput, payloadInput } from './payload-input.ts';

/**
 * Decoded body bytes inspected: the parser keeps 64 KiB of a request's body, and a compressed one may decode to 1 MiB,
 * which would make a kilobyte sent cost a megabyte judged. Past it, `uninspected-body` reports the rest.
 */
export const inspectedBodyBytes = 64 * 1024;
/**
 * Inputs judged one by one. Past them, what is left of a part is judged as one input, `… (rest)`, window by window
 * (ADR 30): an attack after 256 harmless parameters is still read, at a cost linear in the request's octets.
 */
const maxInputs = 256;
/** Headers whose values are framing or fixed vocabularies, not free text; smuggling checks read them separately. */
const skippedHeaders = new Set(['content-length', 'transfer-encoding', 'connection', 'accept-encoding']);
/** The last request's inputs: detectors ask in a row about one event (a WeakMap entry per request cost the GC more). */
const last: { event: HttpRequestEvent | undefined; inputs: readonly PayloadInput[] } = {
  event: undefined,
  inputs: [],
};
const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

const formPairs = (text: string, where: string, into: PayloadInput[]): void => {
  let at = 0;
  for (const pair of text.split('&')) {
    at += pair.length + 1;
    if (pair === '') continue;
    if (into.length >= maxInputs) {
      into.push(payloadInput(`${where} (rest)`, lenientUrlDecode(text.slice(at - pair.length - 1), true)));
      return;
    }
    const eq = pair.indexOf('=');
    const name = lenientUrlDecode(eq < 0 ? pair : pair.slice(0, eq), true);
    const value = eq < 0 ? name : lenientUrlDecode(pair.slice(eq + 1), true);
    into.push(payloadInput(`${where} ${name.slice(0, 64)}`, value));
  }
};

const headerInputs = (event: HttpRequestEvent, into: PayloadInput[]): void => {
  const headers = event.headers;
  for (let index = 0; index < headers.length; index++) {
    const [rawName, value] = headers[index] as (typeof headers)[number];
    const name = rawName.toLowerCase();
    if (skippedHeaders.has(name)) continue;
    if (into.length >= maxInputs) {
      const rest = headers.slice(index).map(([n, v]) => `${n}: ${v}`);
      into.push(payloadInput('headers (rest)', rest.join('\n')));
      return;
    }
    if (name !== 'cookie') {
      into.push(payloadInput(`header ${name}`, value));
      continue;
    }
    for (const crumb of value.split(';')) {
      const eq = crumb.indexOf('=');
      into.push(payloadInput(`cookie ${crumb.slice(0, Math.max(eq, 0)).trim()}`, crumb.slice(eq + 1).trim()));
    }
  }
};

const contentType = (event: HttpRequestEvent): string => headerToken(event.headers, 'content-type');

/** A multipart body holds its first 64 KiB and the later parts' headers and fields (multipart-tail.ts). */
const multipartBodyBytes = inspectedBodyBytes + multipartTailBytes;

const bodyText = (body: Uint8Array, bound: number): string => {
  const slice = body.subarray(0, bound);
  const text = utf8.decode(slice);
  return text.includes('\ufffd') ? latin1.decode(slice) : text;
};

/**
 * gRPC and gRPC-Web: each message's text fields; false when the body is not gRPC framing after all. The fields past
 * the inputs' bound are judged as one, `grpc (rest)`, a line each.
 */
const grpcInputs = (event: HttpRequestEvent, type: string, into: PayloadInput[]): boolean => {
  const leaves = grpcStrings(event.body, type, headerToken(event.headers, 'grpc-encoding').trim());
  if (leaves === undefined) return false;
  const room = Math.max(maxInputs - into.length, 0);
  for (const [path, value] of leaves.slice(0, room)) into.push(payloadInput(`grpc ${path}`, value));
  if (leaves.length > room) {
    const rest = leaves.slice(room).map(([, value]) => value);
    into.push(payloadInput('grpc (rest)', rest.join('\n')));
  }
  return true;
};

const jsonInputs = (text: string, where: string, into: PayloadInput[]): boolean => {
  const room = Math.max(maxInputs - into.length, 0);
  const strings = jsonStrings(text, room);
  if (strings === undefined) return false;
  for (const [path, value] of strings) into.push(payloadInput(`${where}${path}`, value));
  // As many strings as there was room for: more may follow, so the whole document is read as one.
  if (strings.length >= room) into.push(payloadInput(`${where}(rest)`, text));
  return true;
};

/**
 * A multipart/form-data body's text: its first 64 KiB and the later parts' headers and fields (multipart-tail.ts). The
 * parser reads a plain body that way. A compressed one (Content-Encoding) can be read so only once decoded, here (to
 * 1 MiB, `decodedBody`): its boundaries are compressed on the wire. Read as 128 KiB of decoded text, a field after a
 * file of more than that passed unjudged.
 */
const multipartText = (event: HttpRequestEvent, body: Uint8Array): string => {
  const tail =
    body !== event.body && body.length > inspectedBodyBytes
      ? createMultipartTail(
          headerNamed(event.headers, 'content-type') ?? '',
          '',
          body[inspectedBodyBytes - 1],
        )
      : undefined;
  if (tail === undefined) return bodyText(body, multipartBodyBytes);
  tail.feed(body.subarray(inspectedBodyBytes));
  const joined = bodyWithTail([body.subarray(0, inspectedBodyBytes)], inspectedBodyBytes, tail);
  return bodyText(joined, joined.length);
};

/**
 * Each form field on its own, a file's name too; a file whose content is binary (a NUL in it) is not text to judge.
 * The boundary is read from the Content-Type as sent: lowercased, a browser's (`----WebKitFormBoundaryAbC…`) was
 * not found, and the body was judged as one input, no file name on its own.
 */
const multipartInputs = (text: string, event: HttpRequestEvent, into: PayloadInput[]): boolean => {
  const room = Math.max(maxInputs - into.length, 0);
  const parts = multipartParts(text, headerNamed(event.headers, 'content-type') ?? '', room);
  if (parts === undefined) return false;
  if (parts.length >= room) into.push(payloadInput('multipart (rest)', text));
  for (const part of parts) {
    const where = `multipart ${part.name.slice(0, 64)}`;
    if (part.filename !== undefined) into.push(payloadInput(`${where} filename`, part.filename));
    if (part.content.includes('\u0000')) continue;
    if (!(part.contentType?.includes('json') && jsonInputs(part.content, `${where} `, into)))
      into.push(payloadInput(where, part.content));
  }
  return true;
};

/**
 * A form's fields, a JSON document's strings, an XML document's texts and attributes or a text's lines past the
 * body's 64 KiB (ADR 46), each an input as the ones before it are (a form's `form <name>`, a JSON string's
 * `json <path>`, `$.rows[].q`: json-tail-path.ts; `xml <element>`, `xml <element> @<attribute>`, `text`); past the
 * inputs' bound, the rest as one, a line each.
 */
const laterInputs = (
  event: HttpRequestEvent,
  decoded: Uint8Array | undefined,
  into: PayloadInput[],
): void => {
  const later = laterValues(event, decoded);
  if (later === undefined || later.values.length === 0) return;
  const form = later.kind === 'form';
  const text = (value: string) => (form ? lenientUrlDecode(value, true) : value);
  const room = Math.max(maxInputs - into.length, 0);
  const values = later.values;
  for (const [name, value] of values.slice(0, room)) {
    const where = form
      ? `form ${text(name).slice(0, 64)}`
      : name === ''
        ? later.kind
        : `${later.kind} ${name}`;
    into.push(payloadInput(where, text(value)));
  }
  if (values.length > room)
    into.push(
      payloadInput(
        `${later.kind} (later, rest)`,
        values
          .slice(room)
          .map(([, v]) => text(v))
          .join('\n'),
      ),
    );
};

const firstBodyInputs = (
  event: HttpRequestEvent,
  type: string,
  body: Uint8Array,
  into: PayloadInput[],
): void => {
  const form = type.startsWith('multipart/form-data');
  const text = form
    ? multipartText(event, body)
    : bodyText(body, type.startsWith('multipart/') ? multipartBodyBytes : inspectedBodyBytes);
  const trimmed = text.trimStart();
  const looksJson = type.includes('json') || trimmed.startsWith('{') || trimmed.startsWith('[');
  if (looksJson && jsonInputs(text, 'json ', into)) return;
  if (form && multipartInputs(text, event, into)) return;
  if (type.includes('x-www-form-urlencoded')) formPairs(text, 'form', into);
  else into.push(payloadInput('body', text));
};

/** The body's inputs (its first 64 KiB, decoded when compressed) and then, when it passed that, its later ones. */
const bodyInputs = (event: HttpRequestEvent, into: PayloadInput[]): void => {
  if (event.body.length === 0) return;
  const type = contentType(event);
  if (type.startsWith('application/grpc') && grpcInputs(event, type, into)) {
    if (event.later !== undefined) laterInputs(event, undefined, into);
    return;
  }
  const decoded = decodedBody(event);
  const body = decoded ?? event.body;
  firstBodyInputs(event, type, body, into);
  if (event.bodyTruncated || decoded !== event.body) laterInputs(event, decoded, into);
};

const extract = (event: HttpRequestEvent): PayloadInput[] => {
  const inputs: PayloadInput[] = [payloadInput('path', event.path)];
  if (event.query !== '') formPairs(event.query.replace(/^\?/, ''), 'query', inputs);
  headerInputs(event, inputs);
  bodyInputs(event, inputs);
  return inputs;
};

/** The request's inputs, computed once per event however many detectors ask. */
export const httpInputs = (event: HttpRequestEvent): readonly PayloadInput[] => {
  if (last.event === event) return last.inputs;
  const inputs = extract(event);
  last.event = event;
  last.inputs = inputs;
  return inputs;
};
