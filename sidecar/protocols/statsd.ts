/**
 * StatsD and DogStatsD metrics over UDP (Etsy's protocol, and Datadog's extensions): lines of
 * `name:value|type[|@rate][|#tags][|c:container][|T timestamp]`, types c, g, ms, h, s, d; DogStatsD's events
 * (`_e{title length,text length}:title|text`) and service checks (`_sc|name|status`). A datagram matches when every
 * line is one of these. The summary names each metric with its type (`c checkout.orders`).
 */
import type { Direction, OperationEvent, ProtocolEvent } from '../events.ts';
import type { Detection, Protocol } from './protocol.ts';
import { isPrintable, latin1 } from './wire-bytes.ts';

const maxDatagram = 65_507;
const metricLine = /^([^:|\s@#]{1,250}):([^|\s]{1,250})\|(c|g|ms|h|s|d)(\|.*)?$/;
const eventLine = /^_e\{(\d{1,5}),(\d{1,5})\}:/;
const serviceCheckLine = /^_sc\|([^|]{1,250})\|([0-3])(\|.*)?$/;
/** Numeric values for every type but sets (`s`), whose value is any token. */
const numeric = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?(:[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)*$/;

type Line =
  | { kind: 'metric'; type: string; name: string }
  | { kind: 'event' }
  | { kind: 'check'; name: string };

const readLine = (line: string): Line | undefined => {
  const metric = metricLine.exec(line);
  if (metric !== null) {
    const [, name = '', value = '', type = ''] = metric;
    return type === 's' || numeric.test(value) ? { kind: 'metric', type, name } : undefined;
  }
  const event = eventLine.exec(line);
  if (event !== null)
    return line.length >= event[0].length + Number(event[1]) ? { kind: 'event' } : undefined;
  const check = serviceCheckLine.exec(line);
  return check === null ? undefined : { kind: 'check', name: check[1] as string };
};

/** Every line of the datagram (a trailing newline allowed), or undefined when one is not StatsD. */
const readDatagram = (bytes: Uint8Array): Line[] | undefined => {
  if (bytes.length === 0 || bytes.length > maxDatagram || !isPrintable(bytes, 0, bytes.length, true))
    return undefined;
  const lines: Line[] = [];
  for (const text of latin1(bytes).split('\n')) {
    if (text === '') continue;
    const line = readLine(text);
    if (line === undefined) return undefined;
    lines.push(line);
  }
  return lines.length > 0 ? lines : undefined;
};

const operationOf = (line: Line): string => {
  if (line.kind === 'metric') return `${line.type} ${line.name}`;
  return line.kind === 'event' ? 'event' : `service-check ${line.name}`;
};

const createStatsdParser = () => ({
  parse(datagram: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
    const lines = readDatagram(datagram) ?? [];
    return lines.map(
      (line): OperationEvent => ({
        kind: 'operation',
        ts,
        direction,
        protocol: 'statsd',
        operation: operationOf(line),
      }),
    );
  },
  gap(): void {},
});

const typePrefixes = new Set(['', 'c', 'g', 'm', 'ms', 'h', 's', 'd']);
const types = new Set(['c', 'g', 'ms', 'h', 's', 'd']);
const partialMetric = /^[^:|\s@#_][^:|\s@#]*(?::([^|\s]*)(?:\|([a-z]*)(\|.*)?)?)?$/;
const numericPrefix = /^([+-]?[\d.]*([eE][+-]?\d*)?)(:[+-]?[\d.]*([eE][+-]?\d*)?)*$/;
const partialEventOrCheck = /^_(e(\{[\d,]*(\}(:.*)?)?)?|s(c(\|.*)?)?)?$/;

/** A line cut short that could still become a metric, an event or a service check. */
const couldBecomeLine = (line: string): boolean => {
  if (partialEventOrCheck.test(line)) return true;
  const m = partialMetric.exec(line);
  if (m === null) return false;
  const [, value = '', type, rest] = m;
  if (type === undefined) return true; // still in the name or the value
  if (!typePrefixes.has(type) || (rest !== undefined && !types.has(type))) return false;
  // Only sets (s) take any value; a type that cannot become s needs a number.
  return type === '' || type === 's' || numericPrefix.test(value);
};

/**
 * `match` for a whole datagram; `need-more` for bytes that could still grow into one (the engine's first-octet table
 * and refusal cache take `no-match` as final for every longer prefix); else `no-match`.
 */
const detectStatsd = (bytes: Uint8Array): Detection => {
  if (readDatagram(bytes) !== undefined) return 'match';
  if (bytes.length > 1500 || !isPrintable(bytes, 0, bytes.length, true)) return 'no-match';
  const lines = latin1(bytes).split('\n');
  const last = lines.pop() ?? '';
  const whole = lines.filter((line) => line !== '');
  return whole.every((line) => readLine(line) !== undefined) && couldBecomeLine(last)
    ? 'need-more'
    : 'no-match';
};

export const statsd: Protocol = {
  id: 'statsd',
  transport: 'udp',
  ports: [8125],
  encrypted: false,
  oneWay: true,
  detect: detectStatsd,
  createParser: createStatsdParser,
};
