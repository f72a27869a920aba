/** TLS ServerHello (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3) → negotiated version, cipher suite, ALPN and JA3S. */
import type { Direction, TlsServerHelloEvent } from '../events.ts';
import { ja3HashOf } from './tls-client-hello.ts';
import { tlsReader } from './tls-reader.ts';
import { tlsVersionName } from './tls-version.ts';
import { latin1 } from './wire-bytes.ts';

const ext = { alpn: 16, supportedVersions: 43 } as const;

/** Parses a ServerHello body into an event; undefined when lengths are inconsistent. */
export const parseServerHello = (
  body: Uint8Array,
  direction: Direction,
  ts: number,
): TlsServerHelloEvent | undefined => {
  const r = tlsReader(body);
  const legacyVersion = r.u16();
  let version = legacyVersion;
  r.bytes(32);
  r.vector(1);
  const cipherSuite = r.u16();
  r.u8();
  if (!r.ok) return undefined;
  let alpn: string | undefined;
  const types: number[] = [];
  const extensions = r.remaining > 0 ? r.vector(2) : tlsReader(new Uint8Array(0));
  while (extensions.ok && extensions.remaining >= 4) {
    const type = extensions.u16();
    const data = extensions.vector(2);
    types.push(type);
    // RFC 8446 §4.2.1: the selected_version overrides legacy_version.
    if (type === ext.supportedVersions && data.remaining === 2) version = data.u16();
    if (type === ext.alpn) {
      const name = data.vector(2).vector(1);
      if (name.ok) alpn = latin1(name.bytes(Math.min(name.remaining, 255)));
    }
  }
  if (!extensions.ok) return undefined;
  // JA3S (Salesforce): the legacy version, the cipher and the extensions in the order sent, as decimal.
  const ja3s = `${legacyVersion},${cipherSuite},${types.join('-')}`;
  const event: TlsServerHelloEvent = {
    kind: 'tls-server-hello',
    ts,
    direction,
    version: tlsVersionName(version),
    cipherSuite,
    ja3s,
    ja3sHash: ja3HashOf(ja3s),
  };
  if (alpn !== undefined) event.alpn = alpn;
  return event;
};
