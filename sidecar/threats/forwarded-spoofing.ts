/**
 * A client writing its own client-address headers to pass for someone else (CWE-290, CWE-348): `X-Forwarded-For:
 * 127.0.0.1` and its cousins (`X-Real-IP`, `X-Client-IP`, `X-Originating-IP`, `True-Client-IP`, `Forwarded`, ...)
 * are what "403 bypass" tools and scanners send to reach admin pages an application keeps for the server itself, to
 * slip past per-address rate limits and lock-outs, or to poison the logs. Behind a proxy those headers are the
 * proxy's word (ADR 28); from anyone else they are the client's claim.
 *
 * Two verdicts, each on one request:
 * - **a loopback, unspecified or link-local claim** from a peer that is not on loopback: no proxy in front of a pod
 *   writes that a remote client was 127.0.0.1 or 169.254.169.254; several such headers at once is the bypass tools'
 *   signature (surer);
 * - **forwarding headers from a peer that is not a trusted proxy**, when trusted proxies are configured
 *   (`MESHWARD_TRUSTED_PROXIES`): only they write those headers, so the client wrote its own (low by default).
 */
import { BlockList, isIP } from 'node:net';
import { readsRequests } from '../engine/event-read.ts';
import type { Header, HttpRequestEvent } from '../events.ts';
import { forwardedFors, hopAddress, isForwardingName } from '../protocols/http-forwarded.ts';
import type { TrustedProxies } from '../protocols/trusted-proxies.ts';
import { isLoopback } from './loopback.ts';
import {
  detectorConfig,
  type FlowContext,
  noHits,
  severityOrOff,
  type Threat,
  type ThreatHit,
} from './threat.ts';

const config = detectorConfig('medium', {
  /** Forwarding headers from a peer outside the configured trusted proxies (nothing is judged when none are). */
  untrustedPeers: severityOrOff.default('low'),
});

/**
 * Headers applications and frameworks take a client's address from (Express, Spring, Django, Rails, PHP, WebLogic,
 * WAFs and CDNs), and those the "403 bypass" tools send (Burp's 403 Bypasser, PortSwigger's
 * `X-Custom-IP-Authorization`, byp4xx's list).
 */
const addressHeaders = new Set([
  'x-forwarded-for',
  'forwarded',
  'x-real-ip',
  'x-client-ip',
  'x-originating-ip',
  'x-remote-ip',
  'x-remote-addr',
  'x-remote-host',
  'true-client-ip',
  'cf-connecting-ip',
  'x-cluster-client-ip',
  'client-ip',
  'x-custom-ip-authorization',
  'x-forwarded',
  'forwarded-for',
  'x-forward-for',
  'x-original-forwarded-for',
  'x-original-remote-addr',
  'x-proxyuser-ip',
  'proxy-client-ip',
  'wl-proxy-client-ip',
  'x-true-client-ip',
  'fastly-client-ip',
  'real-ip',
]);
/**
 * The shortest and longest of those names, and their first letters: most of a request's headers (host, accept,
 * user-agent, content-type...) are told apart by these before the set is looked in.
 */
const shortest = Math.min(...[...addressHeaders].map((name) => name.length));
const longest = Math.max(...[...addressHeaders].map((name) => name.length));
const firstLetters = new Set([...addressHeaders].map((name) => name.charCodeAt(0)));

/** Loopback, unspecified and link-local (cloud metadata) ranges; IPv4-mapped IPv6 and every IPv6 spelling match. */
const selfRanges = new BlockList();
selfRanges.addSubnet('127.0.0.0', 8, 'ipv4');
selfRanges.addAddress('0.0.0.0', 'ipv4');
selfRanges.addSubnet('169.254.0.0', 16, 'ipv4');
selfRanges.addAddress('::1', 'ipv6');
selfRanges.addAddress('::', 'ipv6');
selfRanges.addSubnet('fe80::', 10, 'ipv6');

/** One inet_aton part: decimal, octal (leading 0) or hexadecimal (0x). */
const aton = (part: string): number => {
  if (/^0x/i.test(part)) return Number.parseInt(part.slice(2), 16);
  if (!/^0\d/.test(part)) return Number(part);
  return /^0[0-7]+$/.test(part) ? Number.parseInt(part, 8) : Number.NaN;
};

/**
 * An IPv4 address in the shorthands inet_aton, and so many a library and URL parser, accept: `127.1`, `2130706433`,
 * `0x7f000001`, `0177.0.0.1` (the last part fills the octets left). Undefined for anything else.
 */
export const shorthandIpv4 = (text: string): string | undefined => {
  if (!/^(0x[0-9a-f]+|\d+)(\.(0x[0-9a-f]+|\d+)){0,3}$/i.test(text)) return undefined;
  const parts = text.split('.').map(aton);
  if (parts.some((part) => !Number.isFinite(part))) return undefined;
  const last = parts.pop() as number;
  if (parts.some((part) => part > 255) || last >= 2 ** (8 * (4 - parts.length))) return undefined;
  const value = parts.reduce((sum, part, i) => sum + part * 2 ** (8 * (3 - i)), 0) + last;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
};

/** One entry as an address is written: `for=` and quotes (RFC 7239's) taken off. */
const hopText = (raw: string): string => raw.trim().replace(/^for=/i, '').replace(/^"|"$/g, '');

/** Values that say "the server itself" or its node: loopback, unspecified, link-local (cloud metadata). */
const selfClaim = (raw: string): string | undefined => {
  const text = hopText(raw);
  if (/^localhost(:\d+)?$/i.test(text)) return text;
  const hop = hopAddress(text);
  if (hop === undefined) {
    const shorthand = shorthandIpv4(text);
    return shorthand !== undefined && selfRanges.check(shorthand, 'ipv4')
      ? `${text} (${shorthand})`
      : undefined;
  }
  return selfRanges.check(hop.ip, isIP(hop.ip) === 4 ? 'ipv4' : 'ipv6') ? hop.ip : undefined;
};

/**
 * The entries of a forwarding chain its last trusted proxy vouches for: the hops it and the trusted proxies before it
 * appended, down to the client they name (even a loopback client of the first proxy). Entries left of that are claims.
 */
const vouchedFor = (values: readonly string[], trusted: TrustedProxies): number => {
  let vouched = 0;
  for (let i = values.length - 1; i >= 0; i--) {
    vouched++;
    const hop = hopAddress(hopText(values[i] as string));
    if (hop === undefined || !trusted.has(hop.ip)) break;
  }
  return vouched;
};

/**
 * Every address-header value of a request that claims the server itself, as `name: value`, at most eight. Names come
 * lowercased from the HTTP/1 and HTTP/2 parsers; each request's are looked at, so a length test goes first, and the
 * list is made only when a claim is found. From a trusted proxy, the forwarding entries it vouches for are its word,
 * not claims.
 */
const selfClaims = (
  headers: readonly Header[],
  peerTrusted: TrustedProxies | undefined,
): string[] | undefined => {
  let found: string[] | undefined;
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i] as Header;
    if (name.length < shortest || name.length > longest || !firstLetters.has(name.charCodeAt(0))) continue;
    if (!addressHeaders.has(name)) continue;
    found = claimsIn(name, value, peerTrusted, found);
  }
  return found;
};

/** Adds one header's claims to `found` (made at the first). */
const claimsIn = (
  name: string,
  value: string,
  peerTrusted: TrustedProxies | undefined,
  found: string[] | undefined,
): string[] | undefined => {
  // RFC 7239 values may be quoted strings holding `,` and `;` (a Host in `host="…"`): split as the reader does.
  const parts = name === 'forwarded' ? (forwardedFors(value) ?? []) : value.split(',');
  const vouched =
    peerTrusted !== undefined && isForwardingName(name) && (peerTrusted.header ?? name) === name
      ? vouchedFor(parts, peerTrusted)
      : 0;
  let kept = found;
  for (let j = 0; j < parts.length - vouched && (kept?.length ?? 0) < 8; j++) {
    const claim = selfClaim(parts[j] as string);
    if (claim === undefined) continue;
    kept ??= [];
    kept.push(`${name}: ${claim}`);
  }
  return kept;
};

const forwardingOf = (headers: readonly Header[]): string | undefined =>
  headers.find(([name]) => isForwardingName(name))?.[0];

/** How many distinct headers made the claims (`name: value` each). */
const headerCount = (claims: readonly string[]): number =>
  new Set(claims.map((claim) => claim.slice(0, claim.indexOf(':')))).size;

const selfHit = (
  event: HttpRequestEvent,
  flow: FlowContext,
  claims: string[],
  c: { severity: ThreatHit['severity'] },
) => {
  const several = headerCount(claims) >= 2;
  return {
    threat: 'forwarded-spoofing',
    severity: c.severity,
    confidence: several ? 0.9 : 0.7,
    evidence: `${event.method} ${event.path} with ${claims.join(', ')} from ${flow.client.ip}: a client passing for the server itself${several ? ' (several headers at once, as bypass tools send)' : ''}`,
    ts: event.ts,
    origin: null,
  };
};

const untrustedHit = (
  event: HttpRequestEvent,
  flow: FlowContext,
  header: string,
  proxies: TrustedProxies,
) => ({
  threat: 'forwarded-spoofing',
  confidence: 0.5,
  evidence: `${header} from ${flow.client.ip}, which is not a trusted proxy (${proxies.entries.slice(0, 4).join(', ')}${proxies.entries.length > 4 ? ', …' : ''}): the client wrote its own`,
  ts: event.ts,
  origin: null,
});

export const forwardedSpoofing: Threat<typeof config, undefined> = {
  id: 'forwarded-spoofing',
  on: ['http-request'],
  reads: [{ ...readsRequests('http-request'), protocols: ['http', 'http2', 'grpc'] }],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { flow, config: c, proxies }): ThreatHit[] {
    if (event.kind !== 'http-request' || flow === undefined) return noHits;
    const peerTrusted = proxies?.has(flow.client.ip) === true ? proxies : undefined;
    if (!isLoopback(flow.client)) {
      const claims = selfClaims(event.headers, peerTrusted);
      if (claims !== undefined) return [selfHit(event, flow, claims, c)];
    }
    if (c.untrustedPeers === 'off' || proxies === undefined || proxies.entries.length === 0) return noHits;
    if (peerTrusted !== undefined) return noHits;
    const header = forwardingOf(event.headers);
    return header === undefined
      ? noHits
      : [{ ...untrustedHit(event, flow, header, proxies), severity: c.untrustedPeers }];
  },
};
