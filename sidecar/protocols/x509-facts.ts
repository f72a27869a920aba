/**
 * What a security engineer reads off a certificate seen in a TLS handshake: who it names, who signed it, when it is
 * valid, its key and signature, and whether it signed itself. Parsed by OpenSSL (node:crypto's X509Certificate),
 * the parser Node's own TLS uses, so a hostile certificate meets hardened code; every failure becomes a reason.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { CertificateFacts } from '../events.ts';
import { signatureAlgorithm } from './x509-signature.ts';

/** Bounds on what one certificate can put in an event. */
const maxNames = 64;
const maxText = 1024;
/** RFC 5280 puts no bound on a certificate; TLS 1.2's whole Certificate message is what we buffer (64 KiB). */
export const maxCertificateBytes = 65536;

const cut = (text: string): string => (text.length > maxText ? `${text.slice(0, maxText)}…` : text);

/** OpenSSL's one-attribute-per-line name as one line, `C=US, O=Acme, CN=example.com`, as nDPI and most tools print it. */
const nameLine = (multiline: string): string => cut(multiline.split('\n').join(', '));

/**
 * The DNS names and IP addresses of a subjectAltName as Node prints it: `DNS:a, IP Address:10.0.0.1`. Since Node
 * 17.3.1 a value holding a separator or quote is a JSON string (`DNS:"a, b"`), so it is read as one.
 */
export const altNames = (text: string | null | undefined): { names: string[]; addresses: string[] } => {
  const out = { names: [] as string[], addresses: [] as string[] };
  // Node's types say string or undefined; a certificate whose extension OpenSSL cannot print gives null.
  if (typeof text !== 'string') return out;
  let at = 0;
  while (at < text.length && out.names.length + out.addresses.length < maxNames) {
    const colon = text.indexOf(':', at);
    if (colon < 0) break;
    const type = text.slice(at, colon);
    let value: string;
    let next: number;
    if (text[colon + 1] === '"') {
      const close = closingQuote(text, colon + 2);
      value = decodeJsonString(text.slice(colon + 1, close + 1));
      next = text.indexOf(', ', close + 1);
    } else {
      next = text.indexOf(', ', colon + 1);
      value = text.slice(colon + 1, next < 0 ? text.length : next);
    }
    if (type === 'DNS') out.names.push(cut(value));
    if (type === 'IP Address') out.addresses.push(cut(value));
    if (next < 0) break;
    at = next + 2;
  }
  return out;
};

/** The index of the quote closing a JSON string whose content starts at `from` (the text's end if none). */
const closingQuote = (text: string, from: number): number => {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '"') return i;
  }
  return text.length;
};

const decodeJsonString = (quoted: string): string => {
  try {
    const value: unknown = JSON.parse(quoted);
    return typeof value === 'string' ? value : quoted;
  } catch {
    return quoted;
  }
};

/** Bits of the named curves certificates use (RFC 5480, RFC 8422). */
const curveBits: Record<string, number> = {
  prime192v1: 192,
  secp192r1: 192,
  secp224r1: 224,
  prime256v1: 256,
  secp256k1: 256,
  secp384r1: 384,
  secp521r1: 521,
};

/** The public key's type and size: RSA and DSA by modulus, EC by curve, Ed25519/Ed448 by their fixed size. */
const keyOf = (cert: X509Certificate): { keyType: string; keyBits?: number } => {
  try {
    const key = cert.publicKey;
    const keyType = key.asymmetricKeyType ?? 'unknown';
    const details = key.asymmetricKeyDetails;
    const bits =
      details?.modulusLength ??
      (details?.namedCurve === undefined ? undefined : curveBits[details.namedCurve]) ??
      ({ ed25519: 256, ed448: 456, x25519: 256, x448: 448 } as Record<string, number>)[keyType];
    return bits === undefined ? { keyType } : { keyType, keyBits: bits };
  } catch {
    // OpenSSL cannot load every key type a certificate may name (GOST, an unknown OID).
    return { keyType: 'unknown' };
  }
};

/** Issued by its own key: the issuer name matches the subject and the signature verifies with the certificate's key. */
const signedBySelf = (cert: X509Certificate): boolean => {
  try {
    return cert.checkIssued(cert) && cert.verify(cert.publicKey);
  } catch {
    return false;
  }
};

/** The subject's common names (OpenSSL's host check tries each when no DNS name is listed, RFC 6125 §6.4.4). */
const commonNames = (multiline: string): string[] =>
  multiline
    .split('\n')
    .filter((line) => line.startsWith('CN='))
    .slice(0, maxNames)
    .map((line) => cut(line.slice(3)));

const factsOf = (cert: X509Certificate, der: Uint8Array): CertificateFacts => {
  const facts: CertificateFacts = {
    subject: nameLine(cert.subject ?? ''),
    issuer: nameLine(cert.issuer ?? ''),
    commonNames: commonNames(cert.subject ?? ''),
    ...altNames(cert.subjectAltName),
    notBefore: Date.parse(cert.validFrom),
    notAfter: Date.parse(cert.validTo),
    serial: cut(cert.serialNumber ?? ''),
    sha1: cert.fingerprint,
    sha256: cert.fingerprint256,
    ca: cert.ca,
    selfSigned: signedBySelf(cert),
    ...keyOf(cert),
  };
  const signature = signatureAlgorithm(der);
  if (signature !== undefined) facts.signature = signature;
  return facts;
};

/**
 * Facts by certificate: a server presents the same certificate on every connection, and OpenSSL's parse with the
 * self-signature check costs about 0.25 ms (1,000 times a SHA-256 of the DER). Shared, so frozen.
 */
const known = new Map<string, Readonly<CertificateFacts> | string>();
const maxKnown = 256;

const remember = (key: string, facts: CertificateFacts | string): Readonly<CertificateFacts> | string => {
  const kept =
    typeof facts === 'string'
      ? facts
      : Object.freeze({
          ...facts,
          commonNames: Object.freeze(facts.commonNames) as string[],
          names: Object.freeze(facts.names) as string[],
          addresses: Object.freeze(facts.addresses) as string[],
        });
  if (known.size >= maxKnown) known.delete(known.keys().next().value as string);
  known.set(key, kept);
  return kept;
};

/** The facts of one DER certificate, or the reason it could not be read. */
export const certificateFacts = (der: Uint8Array): Readonly<CertificateFacts> | string => {
  if (der.length === 0) return 'empty certificate';
  if (der.length > maxCertificateBytes)
    return `certificate of ${der.length} bytes is over ${maxCertificateBytes}`;
  const key = createHash('sha256').update(der).digest('base64');
  return known.get(key) ?? remember(key, readCertificate(der));
};

const readCertificate = (der: Uint8Array): CertificateFacts | string => {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch (error) {
    return `certificate is not valid DER X.509 (${(error as Error).message})`;
  }
  try {
    return factsOf(cert, der);
  } catch (error) {
    // A getter OpenSSL cannot serve for a damaged field (a name, an extension): the certificate is not readable.
    return `certificate fields are not readable (${(error as Error).message})`;
  }
};
