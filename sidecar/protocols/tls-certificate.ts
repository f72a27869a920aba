/** The TLS 1.0–1.2 Certificate handshake message (RFC 5246 §7.4.2) → the chain's length and its leaf's facts. */
import type { Direction, TlsCertificateEvent } from '../events.ts';
import { tlsReader } from './tls-reader.ts';
import { certificateFacts } from './x509-facts.ts';

/**
 * `opaque ASN.1Cert<1..2^24-1>; struct { ASN.1Cert certificate_list<0..2^24-1>; } Certificate;`. Undefined when the
 * lengths do not add up (not a TLS 1.2 Certificate message); an event with `problem` when the leaf is not X.509.
 */
export const parseCertificate = (
  body: Uint8Array,
  direction: Direction,
  ts: number,
): TlsCertificateEvent | undefined => {
  const r = tlsReader(body);
  const list = r.vector(3);
  if (!r.ok || r.remaining !== 0) return undefined;
  let chain = 0;
  let leaf: Uint8Array | undefined;
  while (list.ok && list.remaining > 0) {
    const der = list.vector(3);
    if (!list.ok) return undefined;
    leaf ??= der.bytes(der.remaining);
    chain += 1;
  }
  const event: TlsCertificateEvent = { kind: 'tls-certificate', ts, direction, chain };
  // An empty list is a client declining to authenticate (§7.4.6): nothing to read.
  if (leaf === undefined) return event;
  const facts = certificateFacts(leaf);
  if (typeof facts === 'string') event.problem = facts;
  else event.leaf = facts;
  return event;
};
