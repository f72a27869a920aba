/** Judges a value as SSRF to cloud metadata: a URL or host that the WHATWG URL parser resolves to a metadata endpoint. */

import { inWindows } from './text-windows.ts';

/** A window's length: it bounds the candidates judged in it, so each is judged, however many come first (ADR 30). */
const maxLength = 2048;
/** Instance-metadata endpoints of AWS, GCP, Azure, Oracle, DigitalOcean, Alibaba, OpenStack and ECS tasks. */
const metadataHosts = new Set([
  '169.254.169.254',
  '[::ffff:a9fe:a9fe]',
  '[fd00:ec2::254]',
  '169.254.170.2',
  '[::ffff:a9fe:aa02]',
  '100.100.100.200',
  '[::ffff:6464:64c8]',
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
]);
/** Numeric hosts in any spelling (dotted, decimal, hex, octal, IPv6) and metadata names. */
const hint = /[0-9]\.|0x|\[|:\/\/|\b\d{8,10}\b|metadata|instance-data/i;
const candidate =
  /(?:[a-z][a-z0-9+.-]*:)?\/\/[^\s"'<>`]+|\[[0-9a-f:.]+\]|\b(?:0x[0-9a-f]+|\d+)(?:\.(?:0x[0-9a-f]+|\d+)){0,3}\b|\b(?:metadata\.google\.internal|metadata\.goog|instance-data)\b/gi;

const hostOf = (text: string): string | undefined => {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text.replace(/^\/\//, '')}`;
  if (!URL.canParse(withScheme)) return undefined;
  return new URL(withScheme).hostname.toLowerCase();
};

/** The first octets of the metadata IPv4 addresses (169, 100). */
const metadataFirstOctets = new Set(
  [...metadataHosts].filter((h) => /^\d+\./.test(h)).map((h) => Number(h.slice(0, h.indexOf('.')))),
);
/** A number as the WHATWG IPv4 parser reads one part: 0x hexadecimal, a leading 0 octal, else decimal. */
const ipv4Part = (part: string): number =>
  /^0x/i.test(part)
    ? Number.parseInt(part.slice(2) || '0', 16)
    : Number.parseInt(part, /^0\d/.test(part) ? 8 : 10);

/**
 * A bare number that cannot spell a metadata address, told without parsing a URL: a decimal shorter than 8 digits,
 * or a dotted number whose first part (its first octet) is not a metadata address's. Text full of numbers stays cheap.
 */
const notMetadataNumber = (token: string): boolean => {
  if (!/^\d/.test(token)) return false;
  const dot = token.indexOf('.');
  if (dot < 0) return /^\d{1,7}$/.test(token);
  return !metadataFirstOctets.has(ipv4Part(token.slice(0, dot)));
};

/** One window of the value (`inWindows`): every candidate in it, however many harmless ones come first (ADR 30). */
const judge = (text: string): string | undefined => {
  for (const match of text.matchAll(candidate)) {
    const token = match[0];
    if (notMetadataNumber(token)) continue;
    const host = hostOf(token);
    if (host !== undefined && metadataHosts.has(host)) return `cloud metadata address ${token.slice(0, 80)}`;
  }
  return undefined;
};

/** A short reason when `value` (already decoded) points a server-side fetch at instance metadata; undefined otherwise. */
export const ssrfVerdict = (value: string): string | undefined =>
  value.length < 6 || !hint.test(value) ? undefined : inWindows(value, maxLength, judge);
