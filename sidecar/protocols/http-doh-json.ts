/**
 * The JSON API for DNS over HTTPS that Google (`/resolve`) and Cloudflare (`/dns-query` with `Accept:
 * application/dns-json`) offer beside RFC 8484: `GET ...?name=example.com&type=AAAA`, answered with
 * `{"Status":0,"Question":[{"name":"example.com.","type":28}],"Answer":[{"name":..,"type":28,"TTL":300,"data":..}]}`.
 * Read as the same `dns-message` events as the wire format, with the size the message would have on the wire.
 */
import type {
  DnsAnswer,
  DnsMessageEvent,
  DnsQuestion,
  HttpRequestEvent,
  HttpResponseEvent,
} from '../events.ts';
import { dnsRcodeName, dnsTypeMnemonics, dnsTypeName } from './dns-names.ts';
import { headerToken } from './http-head.ts';

/** RFC 1035 §2.3.4: 255 octets on the wire, 253 characters written without the root's dot. */
const maxName = 253;
const maxAnswers = 64;
const jsonPath = /\/(?:resolve|dns-query)$/;
const utf8 = new TextDecoder();

const nameOf = (value: unknown): string | undefined => {
  if (typeof value !== 'string' || value === '' || value.length > maxName + 1) return undefined;
  return value.length > 1 && value.endsWith('.') ? value.slice(0, -1) : value;
};

/** A type as a number (`28`) or a mnemonic (`aaaa`); the API's default is A. */
const typeOf = (value: unknown): string => {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535)
    return dnsTypeName(value);
  if (typeof value !== 'string' || value === '') return 'A';
  if (/^\d{1,5}$/.test(value)) return typeOf(Number(value));
  const upper = value.toUpperCase().slice(0, 16);
  return dnsTypeMnemonics.has(upper) ? upper : 'TYPE?';
};

/** Header, question and answers as they would be on the wire (names uncompressed): what a DNS reader would count. */
const wireSize = (questions: readonly DnsQuestion[], answers: readonly DnsAnswer[]): number =>
  12 +
  questions.reduce((n, q) => n + q.name.length + 6, 0) +
  answers.reduce((n, a) => n + a.name.length + 12 + a.data.length, 0);

const event = (
  from: HttpRequestEvent | HttpResponseEvent,
  rcode: string,
  questions: DnsQuestion[],
  answers: DnsAnswer[],
): DnsMessageEvent => ({
  kind: 'dns-message',
  ts: from.ts,
  direction: from.direction,
  id: 0,
  isResponse: from.kind === 'http-response',
  opcode: 0,
  rcode,
  questions,
  answers,
  size: wireSize(questions, answers),
  transport: 'http',
});

/**
 * Labels of letters, digits, `-` and `_` (SRV and DKIM names), two at least: a domain name as the API takes it. An
 * application's own `/resolve?name=alice` is not DNS.
 */
const domainName = /^(?:[A-Za-z0-9_][A-Za-z0-9_-]{0,62}\.)+[A-Za-z0-9_-]{1,63}\.?$/;

/** A JSON API question: its path or its Accept header says so, and it names a domain. */
export const dohJsonQuestion = (request: HttpRequestEvent): DnsMessageEvent | undefined => {
  if (
    !jsonPath.test(request.path) &&
    !headerToken(request.headers, 'accept').includes('application/dns-json')
  )
    return undefined;
  const params = new URLSearchParams(request.query);
  const asked = params.get('name');
  const name = asked !== null && domainName.test(asked) ? nameOf(asked) : undefined;
  if (name === undefined) return undefined;
  return event(request, 'NOERROR', [{ name, type: typeOf(params.get('type') ?? undefined) }], []);
};

type JsonRecord = { name?: unknown; type?: unknown; TTL?: unknown; data?: unknown };

const answerOf = (entry: JsonRecord): DnsAnswer | undefined => {
  const name = nameOf(entry.name);
  if (name === undefined) return undefined;
  // As the wire reader gives them: a TTL of 32 bits (RFC 2181 §8), the data as text of at most 255 characters.
  const ttl =
    typeof entry.TTL === 'number' ? Math.min(Math.max(Math.floor(entry.TTL), 0), 0x7fffffff) || 0 : 0;
  const data = typeof entry.data === 'string' ? entry.data.slice(0, 255) : '';
  return { name, type: typeOf(entry.type), ttl, data };
};

const records = (value: unknown): JsonRecord[] =>
  Array.isArray(value) ? value.slice(0, maxAnswers).filter((e) => typeof e === 'object' && e !== null) : [];

const parse = (body: Uint8Array): { Status?: unknown; Question?: unknown; Answer?: unknown } | undefined => {
  try {
    const parsed: unknown = JSON.parse(utf8.decode(body));
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
};

/** A JSON API answer to a request that asked by `name=`: its status, question and answers. */
export const dohJsonAnswer = (response: HttpResponseEvent): DnsMessageEvent | undefined => {
  if (response.request?.target.includes('name=') !== true) return undefined;
  const json = parse(response.body);
  if (json === undefined || typeof json.Status !== 'number' || !Array.isArray(json.Question))
    return undefined;
  const questions = records(json.Question)
    .map((q) => ({ name: nameOf(q.name), type: typeOf(q.type) }))
    .filter((q): q is DnsQuestion => q.name !== undefined);
  const answers = records(json.Answer)
    .map(answerOf)
    .filter((a): a is DnsAnswer => a !== undefined);
  return event(response, dnsRcodeName(json.Status), questions, answers);
};
