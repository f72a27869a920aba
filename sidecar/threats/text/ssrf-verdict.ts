/** Judges a value as SSRF to cloud metadata: a URL or host that the WHATWG URL parser resolves to a metadata endpoint. */

import { inWindows } from './text-windows.ts';

const maxLength = 2048;
const maxCandidates = 8;
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

/** One window of the value (`inWindows`). */
const judge = (text: string): string | undefined => {
  let seen = 0;
  for (const match of text.matchAll(candidate)) {
    if (++seen > maxCandidates) break;
    const token = match[0];
    if (/^\d+$/.test(token) && token.length < 8) continue;
    const host = hostOf(token);
    if (host !== undefined && metadataHosts.has(host)) return `cloud metadata address ${token.slice(0, 80)}`;
  }
  return undefined;
};

/** A short reason when `value` (already decoded) points a server-side fetch at instance metadata; undefined otherwise. */
export const ssrfVerdict = (value: string): string | undefined =>
  value.length < 6 || !hint.test(value) ? undefined : inWindows(value, maxLength, judge);
