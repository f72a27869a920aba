/**
 * DNS over HTTPS (RFC 8484) where the tap sees it in plaintext: inside the pod before TLS, or a resolver reached over
 * plain HTTP (`dig +http-plain`, dnsdist's and CoreDNS's DoH listeners behind a proxy). The DNS message rides in a
 * GET's `dns` parameter (base64url, §4.1), a POST body or a response body of type `application/dns-message`; the
 * JSON API that Google and Cloudflare also offer is read by `http-doh-json.ts`. Each message becomes a `dns-message`
 * event (transport `http`), so the DNS detectors (tunnels, NULL records, zone transfers) and the flow's summary read
 * names asked this way as they read port 53.
 */
import type { DnsMessageEvent, HttpRequestEvent, HttpResponseEvent } from '../events.ts';
import { dnsMessageEvent } from './dns-event.ts';
import { parseDnsMessage } from './dns-message.ts';
import { dohJsonAnswer, dohJsonQuestion } from './http-doh-json.ts';
import { headerToken } from './http-head.ts';

/** RFC 1035 §4.2.2: a DNS message is at most 65,535 octets; a question takes 12 + 5 at least. */
const minMessage = 17;
const maxMessage = 65535;
/** Base64url of a largest message, with room: a longer parameter is not a DNS message. */
const maxParameter = Math.ceil((maxMessage * 4) / 3) + 4;

const wireType = 'application/dns-message';

/** The value of the query parameter `dns` (base64url without padding, RFC 4648 §5), if the query has one. */
const dnsParameter = (query: string): string | undefined => {
  for (const pair of query.split('&')) if (pair.startsWith('dns=')) return pair.slice(4);
  return undefined;
};

const base64url = /^[A-Za-z0-9_-]+={0,2}$/;

/** A whole DNS message or nothing: a body that merely starts like one is not DoH. */
const message = (
  bytes: Uint8Array,
  event: HttpRequestEvent | HttpResponseEvent,
): DnsMessageEvent | undefined => {
  if (bytes.length < minMessage || bytes.length > maxMessage) return undefined;
  const parsed = parseDnsMessage(bytes);
  if (parsed === undefined || parsed.end !== bytes.length) return undefined;
  return dnsMessageEvent(parsed, bytes.length, event.direction, event.ts, 'http');
};

/**
 * The header's QR bit as the side says, and one question (zero allowed in an answer): what a DoH body holds, tested on
 * the octets before any header is looked up. Text and most binary bodies fail it on their third or fifth octet.
 */
const mayBeDns = (b: Uint8Array, response: boolean): boolean =>
  ((b[2] ?? 0) & 0x80) === (response ? 0x80 : 0) && b[4] === 0 && (b[5] === 1 || (response && b[5] === 0));

const fromGet = (event: HttpRequestEvent): DnsMessageEvent | undefined => {
  const value = dnsParameter(event.query);
  if (value === undefined || value.length > maxParameter || !base64url.test(value)) return undefined;
  return message(Buffer.from(value, 'base64url'), event);
};

/**
 * Cheap refusals first: most requests have no `dns=` or `name=` in their query, and most bodies are not 17 to 65,535
 * octets under `application/dns-message`.
 */
const fromRequest = (event: HttpRequestEvent): DnsMessageEvent | undefined => {
  if (event.method === 'GET') {
    if (event.query.includes('dns=')) return fromGet(event);
    return event.query.includes('name=') ? dohJsonQuestion(event) : undefined;
  }
  const { body } = event;
  if (event.method !== 'POST' || body.length < minMessage || body.length > maxMessage) return undefined;
  if (!mayBeDns(body, false)) return undefined;
  return headerToken(event.headers, 'content-type').startsWith(wireType) ? message(body, event) : undefined;
};

const fromResponse = (event: HttpResponseEvent): DnsMessageEvent | undefined => {
  const { body } = event;
  if (body.length < minMessage || body.length > maxMessage || event.bodyTruncated) return undefined;
  const first = body[0];
  if (first === 0x7b) return dohJsonAnswer(event); // '{': the JSON API's answer, when its request was one
  if (!mayBeDns(body, true)) return undefined;
  return headerToken(event.headers, 'content-type').startsWith(wireType) ? message(body, event) : undefined;
};

/** The DNS message an HTTP request or response carries, when it is DNS over HTTP(S). */
export const dohMessage = (event: HttpRequestEvent | HttpResponseEvent): DnsMessageEvent | undefined =>
  event.kind === 'http-request' ? fromRequest(event) : fromResponse(event);
