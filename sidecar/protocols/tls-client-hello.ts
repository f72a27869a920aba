/** TLS ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) → version, SNI, ALPN and the JA3 and JA4 fingerprints. */
import { createHash } from 'node:crypto';
import type { Direction, TlsClientHelloEvent } from '../events.ts';
import { ja4 } from './tls-ja4.ts';
import { readU16List, type TlsReader, tlsReader } from './tls-reader.ts';
import { highestVersion, isGrease, tlsVersionName } from './tls-version.ts';
import { latin1 } from './wire-bytes.ts';

/** Extension types read here (IANA TLS ExtensionType registry). */
const ext = {
  serverName: 0,
  supportedGroups: 10,
  ecPointFormats: 11,
  signatureAlgorithms: 13,
  alpn: 16,
  supportedVersions: 43,
} as const;
const maxList = 256;
const maxName = 1024;

export type ClientHello = {
  legacyVersion: number;
  ciphers: number[];
  extensions: number[];
  groups: number[];
  pointFormats: number[];
  versions: number[];
  signatureAlgorithms: number[];
  sni?: string;
  alpn: string[];
};

/** Latin-1 is one character per octet: decoding only the first `maxName` octets equals decoding all and cutting. */
const text = (bytes: Uint8Array): string => latin1(bytes, 0, maxName);

/** RFC 6066 §3: ServerNameList of (NameType, HostName); host_name is type 0. */
const readSni = (r: TlsReader): string | undefined => {
  const list = r.vector(2);
  while (list.ok && list.remaining > 0) {
    const type = list.u8();
    const name = list.vector(2);
    if (type === 0 && list.ok) return text(name.bytes(name.remaining));
  }
  return undefined;
};

/** RFC 7301 §3.1: ProtocolNameList of 8-bit length-prefixed names. */
const readAlpn = (r: TlsReader): string[] => {
  const list = r.vector(2);
  const names: string[] = [];
  while (list.ok && list.remaining > 0 && names.length < maxList) {
    const name = list.vector(1);
    if (list.ok) names.push(text(name.bytes(name.remaining)));
  }
  return names;
};

const readExtension = (hello: ClientHello, type: number, data: TlsReader): void => {
  if (type === ext.serverName) {
    const sni = readSni(data);
    if (sni !== undefined) hello.sni = sni;
  } else if (type === ext.alpn) hello.alpn = readAlpn(data);
  else if (type === ext.supportedGroups) hello.groups = readU16List(data.vector(2), maxList);
  else if (type === ext.ecPointFormats) {
    const formats = data.vector(1);
    hello.pointFormats = [...formats.bytes(Math.min(formats.remaining, maxList))];
  } else if (type === ext.supportedVersions) hello.versions = readU16List(data.vector(1), maxList);
  else if (type === ext.signatureAlgorithms) hello.signatureAlgorithms = readU16List(data.vector(2), maxList);
};

/** Parses a ClientHello body (after the 4-octet handshake header); undefined when lengths are inconsistent. */
export const parseClientHello = (body: Uint8Array): ClientHello | undefined => {
  const r = tlsReader(body);
  const hello: ClientHello = {
    legacyVersion: r.u16(),
    ciphers: [],
    extensions: [],
    groups: [],
    pointFormats: [],
    versions: [],
    signatureAlgorithms: [],
    alpn: [],
  };
  r.bytes(32);
  r.vector(1);
  hello.ciphers = readU16List(r.vector(2), maxList);
  r.vector(1);
  if (!r.ok) return undefined;
  if (r.remaining === 0) return hello;
  const extensions = r.vector(2);
  while (extensions.ok && extensions.remaining >= 4 && hello.extensions.length < maxList) {
    const type = extensions.u16();
    const data = extensions.vector(2);
    if (!extensions.ok) return undefined;
    hello.extensions.push(type);
    readExtension(hello, type, data);
  }
  return extensions.ok ? hello : undefined;
};

const dashed = (values: readonly number[]): string => values.filter((v) => !isGrease(v)).join('-');

/** JA3 (Salesforce): SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats; GREASE skipped. */
export const ja3String = (hello: ClientHello): string =>
  [
    hello.legacyVersion,
    dashed(hello.ciphers),
    dashed(hello.extensions),
    dashed(hello.groups),
    hello.pointFormats.join('-'),
  ].join(',');

/** JA3 (and JA3S) hashes by string: a few TLS stacks make most hellos, and an MD5 costs more than the parse. */
const ja3Hashes = new Map<string, string>();
const maxJa3Hashes = 1024;

export const ja3HashOf = (ja3: string): string => {
  let hash = ja3Hashes.get(ja3);
  if (hash === undefined) {
    hash = createHash('md5').update(ja3).digest('hex');
    if (ja3Hashes.size >= maxJa3Hashes) ja3Hashes.clear();
    ja3Hashes.set(ja3, hash);
  }
  return hash;
};

export const clientHelloEvent = (
  hello: ClientHello,
  recordVersion: number,
  direction: Direction,
  ts: number,
  /** `q` for a ClientHello carried in QUIC CRYPTO frames (JA4's first letter). */
  transport: 't' | 'q' = 't',
): TlsClientHelloEvent => {
  const ja3 = ja3String(hello);
  const event: TlsClientHelloEvent = {
    kind: 'tls-client-hello',
    ts,
    direction,
    version: tlsVersionName(highestVersion(hello.versions) ?? hello.legacyVersion),
    recordVersion: tlsVersionName(recordVersion),
    alpn: hello.alpn,
    ja3,
    ja3Hash: ja3HashOf(ja3),
    ja4: ja4(hello, transport),
  };
  if (hello.sni !== undefined) event.sni = hello.sni;
  return event;
};
