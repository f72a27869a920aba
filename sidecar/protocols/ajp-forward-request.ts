/**
 * AJP13's FORWARD_REQUEST (prefix 2; ajpv13a "Request Packet Structure"): the method as a code, the protocol, the
 * request URI, the client's address and host name, the server's name and port, whether it came over TLS, the headers
 * (common names as 0xA0xx codes, others as strings), then the attributes (codes 0x01-0x0D, 0x0A a name and value
 * pair) up to 0xFF. The query is the `query_string` attribute, not part of the URI.
 */
import type { ForwardingHeader } from '#core/finding.ts';
import type { Header } from '../events.ts';
import {
  ajpAttributes,
  ajpMethods,
  ajpRequestHeaders,
  attributesEnd,
  keySizeCode,
  reqAttributeCode,
  secretCode,
  storedMethodCode,
} from './ajp-names.ts';
import { AjpReader } from './ajp-reader.ts';
import { addForwardingLine, type ForwardingLines, isForwardingName } from './http-forwarded.ts';

export type AjpForwardRequest = {
  method: string;
  /** `HTTP/1.1` */
  protocol: string;
  /** The path, without the query. */
  uri: string;
  /** The query (`query_string`), '' when none. */
  query: string;
  remoteAddr: string;
  remoteHost: string;
  serverName: string;
  port: number;
  ssl: boolean;
  headers: Header[];
  /** Coded attributes by Tomcat's name, request attributes by their own; a `secret`'s value is never kept (''). */
  attributes: Header[];
};

/** `short`: the octets end before the request does; `bad`: they are not a request. */
export type ForwardRequestRead = AjpForwardRequest | 'short' | 'bad';

const verdict = (r: AjpReader): 'short' | 'bad' => (r.bad ? 'bad' : 'short');

/** Header names as HTTP/1's parser keeps them: lower-cased, a forwarding header's lines joined. */
const readHeaders = (r: AjpReader, count: number): Header[] | undefined => {
  const headers: Header[] = [];
  let forwarding: ForwardingLines | undefined;
  for (let i = 0; i < count && r.ok; i++) {
    const name = r.headerName(ajpRequestHeaders);
    const value = r.string() ?? '';
    if (!r.ok) return undefined;
    if (isForwardingName(name)) {
      forwarding ??= {};
      addForwardingLine(headers, forwarding, name as ForwardingHeader, name, value);
    } else headers.push([name, value]);
  }
  return r.ok ? headers : undefined;
};

const readAttribute = (r: AjpReader, code: number, attributes: Header[]): void => {
  if (code === reqAttributeCode) {
    const name = r.string() ?? '';
    attributes.push([name, r.string() ?? '']);
  } else if (code === keySizeCode) attributes.push(['ssl_key_size', String(r.int())]);
  else if (code === secretCode) {
    r.skipString();
    attributes.push(['secret', '']);
  } else if (code > 0 && code < ajpAttributes.length)
    attributes.push([ajpAttributes[code] ?? '', r.string() ?? '']);
  else r.bad = true;
};

/** Attributes up to 0xFF, which must end the packet. */
const readAttributes = (r: AjpReader): Header[] | undefined => {
  const attributes: Header[] = [];
  for (;;) {
    const code = r.byte();
    if (!r.ok) return undefined;
    if (code === attributesEnd) {
      if (r.left !== 0) r.bad = true;
      return r.ok ? attributes : undefined;
    }
    readAttribute(r, code, attributes);
    if (!r.ok) return undefined;
  }
};

const attribute = (attributes: readonly Header[], name: string): string | undefined =>
  attributes.find((a) => a[0] === name)?.[1];

type Start = Omit<AjpForwardRequest, 'method' | 'query' | 'headers' | 'attributes'> & { code: number };

/** The fixed fields before the headers: a known method code, a protocol and a URI (never null), is_ssl 0 or 1. */
const readStart = (r: AjpReader): Start | 'bad' => {
  r.byte();
  const code = r.byte();
  if (r.ok && code !== storedMethodCode && (code === 0 || code >= ajpMethods.length)) return 'bad';
  const protocol = r.string();
  const uri = r.string();
  if (r.ok && (protocol === null || uri === null || protocol.length > 64)) return 'bad';
  const remoteAddr = r.string() ?? '';
  const remoteHost = r.string() ?? '';
  const serverName = r.string() ?? '';
  const port = r.int();
  const ssl = r.byte();
  if (r.ok && ssl > 1) return 'bad';
  const start = { code, protocol: protocol ?? '', uri: uri ?? '', remoteAddr, remoteHost, serverName, port };
  return { ...start, ssl: ssl === 1 };
};

/** A FORWARD_REQUEST's payload (its prefix code first), read whole or refused. */
export const readForwardRequest = (payload: Uint8Array): ForwardRequestRead => {
  const r = new AjpReader(payload);
  const start = readStart(r);
  if (start === 'bad') return 'bad';
  const headers = readHeaders(r, r.int());
  const attributes = headers === undefined ? undefined : readAttributes(r);
  if (headers === undefined || attributes === undefined) return verdict(r);
  const { code, ...fields } = start;
  const method =
    code === storedMethodCode ? (attribute(attributes, 'stored_method') ?? '') : (ajpMethods[code] ?? '');
  return { ...fields, method, query: attribute(attributes, 'query_string') ?? '', headers, attributes };
};
