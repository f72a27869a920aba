/**
 * The client a forwarding proxy names in an HTTP request (ADR 28): behind ingress-nginx, Envoy (Istio's gateways and
 * sidecars), HAProxy, Traefik or a cloud's HTTP balancer, every request reaches the pod from the proxy, and the
 * proxy writes who connected to it into `X-Forwarded-For` (appending to what it received), RFC 7239's `Forwarded`,
 * or `X-Real-IP`. Each hop appends on the right, so the rightmost entry is the one the nearest proxy wrote and the
 * leftmost is whatever the first client claimed. The client is the rightmost entry that is not a trusted proxy:
 * with none trusted, the address our peer says connected to it.
 *
 * `X-Forwarded-For` is read first when present: it is what those proxies manage; a client can send its own
 * `Forwarded`, which a proxy that manages only `X-Forwarded-For` passes on untouched.
 */
import { isIP } from 'node:net';
import type { ForwardedBy, ForwardingHeader } from '#core/finding.ts';
import type { Header } from '../events.ts';
import { canonicalAddress } from './canonical-address.ts';
import { forwardingHeaderNames, type TrustedProxies } from './trusted-proxies.ts';

export type ForwardedClient = { ip: string; port: number; by: ForwardedBy };

/** Hops read from the right: a chain longer than this is cut on its left (the entries nobody can vouch for). */
export const maxForwardedHops = 16;
/** Header text read per header (a proxy chain of 16 IPv6 hops with ports fits well within it). */
const maxText = 2048;

/** The last `maxText` characters, from the first whole entry on: a cut entry could read as another address. */
const tail = (text: string): string => {
  if (text.length <= maxText) return text;
  const cut = text.slice(text.length - maxText);
  return cut.slice(cut.indexOf(',') + 1);
};

/** Every line of a header, joined in order (RFC 9110 §5.3); undefined when there is none. */
const valuesOf = (headers: readonly Header[], name: string): string | undefined => {
  let joined: string | undefined;
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i] as Header;
    if (header[0].length !== name.length || header[0].toLowerCase() !== name) continue;
    joined = joined === undefined ? header[1] : `${joined},${header[1]}`;
  }
  return joined;
};

const forwardingNames: ReadonlySet<string> = new Set(forwardingHeaderNames);
const none: readonly Header[] = Object.freeze([]);

/** A lowercase header name that is a forwarding header (only names of 9 or 15 characters can be one). */
export const isForwardingName = (name: string): boolean =>
  (name.length === 9 || name.length === 15) && forwardingNames.has(name);

/**
 * A forwarding header's value as events keep it: whole up to twice the text read, else its last `maxText + 1`
 * characters. The right end is the nearest proxy's (cutting the start, as for other headers, would keep the entries
 * the client wrote and drop the one the proxy appended); anything past `maxText` tells `forwardedClient` the value was
 * cut, so the entry cut through is dropped, and the slack keeps joining thousands of short lines linear (a cut every
 * 2 KiB, not one per line).
 */
export const boundForwarding = (value: string): string =>
  value.length <= 2 * maxText ? value : value.slice(-(maxText + 1));

/** Where a header list being built has each forwarding header's line, so later lines of that name join it. */
export type ForwardingLines = Partial<Record<ForwardingHeader, number>>;

/**
 * Adds a forwarding header's line (`key`: its name lowercased) to `headers`, or joins it onto the earlier line of its name
 * (RFC 9110 §5.3: one list), bounded from the left: a proxy that adds its own line (HAProxy's `option forwardfor`)
 * adds it last, after however many lines the client sent, so no line is dropped for a count and none cut on its right.
 */
export const addForwardingLine = (
  headers: Header[],
  lines: ForwardingLines,
  key: ForwardingHeader,
  name: string,
  value: string,
): void => {
  const at = lines[key];
  const earlier = at === undefined ? undefined : headers[at];
  if (at === undefined || earlier === undefined) {
    lines[key] = headers.length;
    headers.push([name, boundForwarding(value)]);
  } else headers[at] = [earlier[0], boundForwarding(`${earlier[1]}, ${value}`)];
};

/**
 * A request's forwarding headers, each name's lines joined into one and bounded as `boundForwarding` does (at most
 * three headers of at most 4 KiB, however many lines were sent); a shared empty list when there are none.
 */
export const forwardingHeaders = (headers: readonly Header[]): readonly Header[] => {
  let kept: Header[] | undefined;
  let lines: ForwardingLines | undefined;
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i] as Header;
    const name = header[0];
    // Every request paired with its response pays this scan: a length test before any lowercasing.
    if (name.length !== 9 && name.length !== 15) continue;
    const lower = name.toLowerCase();
    if (!forwardingNames.has(lower)) continue;
    kept ??= [];
    lines ??= {};
    const key = lower as ForwardingHeader;
    if (lines[key] === undefined && header[1].length <= 2 * maxText) {
      lines[key] = kept.length;
      kept.push(header);
    } else addForwardingLine(kept, lines, key, name, header[1]);
  }
  return kept ?? none;
};

type Hop = { ip: string; port: number } | undefined;

/** `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]`, `[2001:db8::1]:4711`; undefined for anything else. */
export const hopAddress = (raw: string): Hop => {
  const text = raw.trim();
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return undefined;
    const ip = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (isIP(ip) !== 6) return undefined;
    if (rest === '') return { ip, port: 0 };
    return /^:\d{1,5}$/.test(rest) && Number(rest.slice(1)) <= 65535
      ? { ip, port: Number(rest.slice(1)) }
      : undefined;
  }
  if (isIP(text) !== 0) return { ip: text, port: 0 };
  const colon = text.lastIndexOf(':');
  if (colon < 0 || text.indexOf(':') !== colon) return undefined;
  const ip = text.slice(0, colon);
  const port = text.slice(colon + 1);
  if (isIP(ip) !== 4 || !/^\d{1,5}$/.test(port) || Number(port) > 65535) return undefined;
  return { ip, port: Number(port) };
};

const quote = 0x22;
const backslash = 0x5c;
const comma = 0x2c;
const semicolon = 0x3b;

/** A quoted-string's content (RFC 9110 §5.6.4): the quotes taken off, each quoted-pair `\x` read as `x`. */
const unquoted = (value: string): string =>
  value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1).replace(/\\([\s\S])/g, '$1')
    : value;

/** Adds a `for=` pair's value to `fors`; any other pair is passed over. */
/** Adds a pair's `for=` value; true when the pair is `for=`. */
const addFor = (fors: string[], pair: string): boolean => {
  const equals = pair.indexOf('=');
  if (equals < 0 || pair.slice(0, equals).trim().toLowerCase() !== 'for') return false;
  fors.push(unquoted(pair.slice(equals + 1).trim()));
  return true;
};

/**
 * One forwarded element's pairs, read right to left: a `for=` is its hop, and an element with pairs but no `for=` is
 * a hop of `unknown` (RFC 7239 §5.2's word for a client not disclosed). A proxy that names no client does not vouch
 * for the hop before it: skipping its element made the client's own `for=` the one named. Empty elements are ignored
 * (RFC 9110 §5.6.1).
 */
class Element {
  private named = false;
  private pairs = false;

  constructor(private readonly fors: string[]) {}

  pair(text: string): void {
    this.named = addFor(this.fors, text) || this.named;
    this.pairs ||= text.trim() !== '';
  }

  close(): void {
    if (this.pairs && !this.named) this.fors.push('unknown');
    this.named = false;
    this.pairs = false;
  }
}

/** How many backslashes come right before `at`, not looking before `start`. */
const backslashesBefore = (text: string, at: number, start: number): number => {
  let i = at - 1;
  while (i >= start && text.charCodeAt(i) === backslash) i--;
  return at - 1 - i;
};

/**
 * Where the quoted string that ends at `close` opens, reading leftwards: the first `"` not escaped (inside a quoted
 * string a `"` after an odd run of backslashes is a quoted-pair, and the run is the string's too); -1 when none is
 * at or after `start`.
 */
const openingQuote = (text: string, close: number, start: number): number => {
  for (let i = close - 1; i >= start; i--) {
    if (text.charCodeAt(i) !== quote) continue;
    const run = backslashesBefore(text, i, start);
    if (run % 2 === 0) return i;
    i -= run;
  }
  return -1;
};

/**
 * RFC 7239 `for=` of each forwarded element, left to right, from the last `maxText` characters; undefined when a
 * quoted string is left open. Values may be quoted-strings (RFC 9110 §5.6.4, RFC 7230's `"…"` with `\` quoted-pairs)
 * holding `,` `;` and `=` (`by="a,b"`, or a proxy's `host="…"` with the client's Host in it): only separators outside
 * quotes split. The text is read from its right end, which the nearest proxy wrote and where a value ends outside any
 * quote, so what a cut on the left keeps is split the same as the whole (a `"` inside quotes is escaped when an odd
 * run of backslashes precedes it); the element the cut runs through is dropped, as for X-Forwarded-For. A quote still
 * open at the value's start (one `"` too many: read from the left, as RFC 7239 reads, it takes in every element
 * after it, the proxies' own included) leaves the chain unreadable: nobody is named. Linear: a character is looked at
 * at most twice.
 */
export const forwardedFors = (text: string): string[] | undefined => {
  const start = Math.max(0, text.length - maxText);
  const fors: string[] = [];
  const element = new Element(fors);
  let whole = 0;
  let end = text.length;
  let open = false;
  for (let i = text.length - 1; i >= start; i--) {
    const c = text.charCodeAt(i);
    if (c === quote) {
      i = openingQuote(text, i, start);
      open = i < 0;
    } else if (c === comma || c === semicolon) {
      element.pair(text.slice(i + 1, end));
      end = i;
      if (c === comma) {
        element.close();
        whole = fors.length;
      }
    }
  }
  if (start > 0) return fors.slice(0, whole).reverse();
  if (open) return undefined;
  element.pair(text.slice(0, end));
  element.close();
  return fors.reverse();
};

type Chain = { hops: string[]; by: ForwardingHeader; cut: boolean };

/**
 * The hops a request's forwarding header lists, left to right, which header said so, and whether text was cut: the
 * one header `only` names, or else X-Forwarded-For, Forwarded, X-Real-IP, the first there.
 */
const chainOf = (headers: readonly Header[], only: ForwardingHeader | undefined): Chain | undefined => {
  const xff =
    only === undefined || only === 'x-forwarded-for' ? valuesOf(headers, 'x-forwarded-for') : undefined;
  if (xff !== undefined)
    return { hops: tail(xff).split(','), by: 'x-forwarded-for', cut: xff.length > maxText };
  const forwarded = only === undefined || only === 'forwarded' ? valuesOf(headers, 'forwarded') : undefined;
  if (forwarded !== undefined)
    return { hops: forwardedFors(forwarded) ?? [], by: 'forwarded', cut: forwarded.length > maxText };
  const real = only === undefined || only === 'x-real-ip' ? valuesOf(headers, 'x-real-ip') : undefined;
  // X-Real-IP names one address; a repeated line is a client's addition (or a proxy's mistake): not read.
  if (real !== undefined && !real.includes(',')) return { hops: [real], by: 'x-real-ip', cut: false };
  return undefined;
};

/** Whether the request has a forwarding header to read (the one `only` names, when set). */
export const hasForwardingChain = (headers: readonly Header[], only: ForwardingHeader | undefined): boolean =>
  chainOf(headers, only) !== undefined;

/**
 * The client a request's forwarding header names: the rightmost hop that is not a trusted proxy (every hop trusted:
 * the leftmost, as nginx's `real_ip_recursive` does, unless the chain was cut, when the client is not in what was
 * read). Undefined without such a header, or when the hop to name is not an address (`unknown`, an obfuscated `_node`
 * name, garbage): the hop nobody vouches for is not skipped. Each hop is matched and named in one spelling
 * (`canonicalAddress`): `::ffff:192.0.2.1` is 192.0.2.1, so a client is not several callers.
 */
export const forwardedClient = (
  headers: readonly Header[],
  trusted?: TrustedProxies,
): ForwardedClient | undefined => {
  const chain = chainOf(headers, trusted?.header);
  if (chain === undefined) return undefined;
  const { hops, by } = chain;
  const first = Math.max(0, hops.length - maxForwardedHops);
  const cut = chain.cut || first > 0;
  for (let i = hops.length - 1; i >= first; i--) {
    const hop = hopAddress(hops[i] as string);
    if (hop === undefined) return undefined;
    const ip = canonicalAddress(hop.ip);
    if ((i > first || cut) && trusted?.has(ip)) continue;
    return { ip, port: hop.port, by };
  }
  return undefined;
};
