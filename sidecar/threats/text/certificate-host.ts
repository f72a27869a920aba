/**
 * Whether a certificate covers a host name, with the rules OpenSSL's X509_check_host applies under Node's defaults
 * (RFC 6125 §6.4): DNS names first, the subject's common names only when there is no DNS name; one wildcard, in the
 * first of at least three labels, at the start or end of it, never in an IDNA (`xn--`) label, matching within one
 * label. Compared by letter case only: certificates and SNI carry A-labels, not Unicode.
 */

/** An SNI that is an address literal (RFC 6066 forbids it, clients still send it): compared with IP entries. */
const isAddress = (host: string): boolean => /^[\d.]+$/.test(host) || host.includes(':');

/** IPv6 text in one form (OpenSSL prints `2001:DB8:0:0:0:0:0:1`, a client sends `2001:db8::1`). */
const canonicalAddress = (text: string): string => {
  if (!text.includes(':')) return text;
  try {
    return new URL(`http://[${text}]/`).hostname;
  } catch {
    return text.toLowerCase();
  }
};

const sameAddress = (a: string, b: string): boolean => canonicalAddress(a) === canonicalAddress(b);

const labelStart = 1;
const labelHyphen = 2;
const labelIdna = 4;

const isAlnum = (c: string): boolean => /^[A-Za-z0-9]$/.test(c);

/** Where a left-to-right scan of a pattern stands (OpenSSL's valid_star). */
type Scan = { star: number; state: number; dots: number };

/** At most one wildcard, in the first label, not in an IDNA label, at the label's start or end. */
const onStar = (pattern: string, i: number, scan: Scan): boolean => {
  const atStart = (scan.state & labelStart) !== 0;
  const atEnd = i === pattern.length - 1 || pattern[i + 1] === '.';
  if (scan.star >= 0 || (scan.state & labelIdna) !== 0 || scan.dots > 0 || (!atStart && !atEnd)) return false;
  scan.star = i;
  scan.state &= ~labelStart;
  return true;
};

const onAlnum = (pattern: string, i: number, scan: Scan): boolean => {
  if ((scan.state & labelStart) !== 0 && pattern.slice(i, i + 4).toLowerCase() === 'xn--')
    scan.state |= labelIdna;
  scan.state &= ~(labelHyphen | labelStart);
  return true;
};

/** No empty label, none ending in a hyphen. */
const onDot = (scan: Scan): boolean => {
  if ((scan.state & (labelHyphen | labelStart)) !== 0) return false;
  scan.state = labelStart;
  scan.dots += 1;
  return true;
};

/** No label starting with a hyphen. */
const onHyphen = (scan: Scan): boolean => {
  if ((scan.state & labelStart) !== 0) return false;
  scan.state |= labelHyphen;
  return true;
};

const scanChar = (pattern: string, i: number, scan: Scan): boolean => {
  const c = pattern[i] ?? '';
  if (c === '*') return onStar(pattern, i, scan);
  if (isAlnum(c)) return onAlnum(pattern, i, scan);
  if (c === '.') return onDot(scan);
  return c === '-' && onHyphen(scan);
};

/** The index of a valid wildcard in `pattern`, or -1 (then the pattern only matches itself). */
export const validStar = (pattern: string): number => {
  const scan: Scan = { star: -1, state: labelStart, dots: 0 };
  for (let i = 0; i < pattern.length; i++) if (!scanChar(pattern, i, scan)) return -1;
  // The last label must not end in a hyphen or be empty, and at least two dots must follow the wildcard.
  return (scan.state & (labelStart | labelHyphen)) !== 0 || scan.dots < 2 ? -1 : scan.star;
};

const wildcardMatch = (pattern: string, star: number, host: string): boolean => {
  const prefix = pattern.slice(0, star).toLowerCase();
  const suffix = pattern.slice(star + 1).toLowerCase();
  if (host.length < prefix.length + suffix.length) return false;
  const lower = host.toLowerCase();
  if (!lower.startsWith(prefix) || !lower.endsWith(suffix)) return false;
  const middle = host.slice(prefix.length, host.length - suffix.length);
  const wholeLabel = prefix.length === 0 && suffix.startsWith('.');
  if (wholeLabel && middle.length === 0) return false;
  // A partial wildcard (`f*.example.com`) never matches an IDNA label.
  if (!wholeLabel && lower.startsWith('xn--')) return false;
  if (middle === '*') return true;
  return /^[A-Za-z0-9-]*$/.test(middle);
};

/** Whether one certificate name matches the host. */
export const nameMatches = (pattern: string, host: string): boolean => {
  const star = validStar(pattern);
  if (star < 0) return pattern.toLowerCase() === host.toLowerCase();
  return wildcardMatch(pattern, star, host);
};

/** The parts of a certificate that name what it is for. */
export type CertificateNames = {
  names: readonly string[];
  addresses: readonly string[];
  commonNames: readonly string[];
};

/** Whether a certificate covers `host`: a DNS name (a common name when it has none), or an address literal's IP entry. */
export const certificateCovers = (cert: CertificateNames, host: string): boolean => {
  if (isAddress(host)) return cert.addresses.some((address) => sameAddress(address, host));
  const candidates = cert.names.length > 0 ? cert.names : cert.commonNames;
  return candidates.some((name) => nameMatches(name, host));
};
