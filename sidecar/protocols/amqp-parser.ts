/** Streaming AMQP 0-9-1 parser: one `operation` event per method frame, with exchange/queue/routing key detail. */
import type { OperationEvent, ProtocolEvent } from '../events.ts';
import { amqpFrameLength, frameEnd } from './amqp-frame.ts';
import { amqpMethodName } from './amqp-methods.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import type { ProtocolParser } from './protocol.ts';
import { maxTextBytes, text, u16be } from './wire-bytes.ts';

const fixedWidths: Record<string, number> = { short: 2, longlong: 8, octet: 1 };

/** Reads method arguments (spec §4.2.5): shortstr is a length byte then text; other types are skipped by size. */
const args = (p: Uint8Array, layout: readonly string[]): string[] => {
  const out: string[] = [];
  let at = 0;
  for (const kind of layout) {
    const width = fixedWidths[kind];
    if (width !== undefined) {
      at += width;
      continue;
    }
    if (kind === 'code') {
      out.push(String(u16be(p, at)));
      at += 2;
      continue;
    }
    const n = p[at] ?? 0;
    if (at + 1 + n > p.length) break;
    if (kind !== 'skip') out.push(text(p, at + 1, at + 1 + n, maxTextBytes));
    at += 1 + n;
  }
  return out;
};

/** Named arguments worth reporting, by method (amqp0-9-1.xml field order). */
const layouts: Record<string, readonly string[]> = {
  'basic.publish': ['short', 'exchange', 'routing_key'],
  'basic.deliver': ['skip', 'longlong', 'octet', 'exchange', 'routing_key'],
  'basic.return': ['code', 'reply_text', 'exchange', 'routing_key'],
  'basic.consume': ['short', 'queue'],
  'basic.get': ['short', 'queue'],
  'queue.declare': ['short', 'queue'],
  'queue.delete': ['short', 'queue'],
  'queue.purge': ['short', 'queue'],
  'queue.bind': ['short', 'queue', 'exchange', 'routing_key'],
  'queue.unbind': ['short', 'queue', 'exchange', 'routing_key'],
  'exchange.declare': ['short', 'exchange', 'type'],
  'exchange.delete': ['short', 'exchange'],
  'connection.open': ['virtual_host'],
  'connection.close': ['code', 'reply_text'],
  'channel.close': ['code', 'reply_text'],
};

/** The reported argument names of each layout, worked out once. */
const reportedNames = new Map(
  Object.entries(layouts).map(([name, layout]) => [
    name,
    layout.filter((k) => !['short', 'longlong', 'octet', 'skip'].includes(k)),
  ]),
);

const detail = (name: string, p: Uint8Array): string | undefined => {
  const layout = layouts[name];
  const names = reportedNames.get(name);
  if (!layout || !names) return undefined;
  const values = args(p, layout);
  return values.map((v, i) => `${names[i] === 'code' ? 'reply_code' : names[i]}=${v}`).join(' ') || undefined;
};

const method = (m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  if (m[0] === 0x41) return []; // the "AMQP" protocol header
  if (m.length >= 8 && m[m.length - 1] !== frameEnd && !ctx.truncated) {
    ctx.stop(ctx.direction); // a wrong frame-end is a fatal framing error (spec §4.2.3)
    return [];
  }
  if (m[0] !== 1 || m.length < 12) return [];
  const name = amqpMethodName(u16be(m, 7), u16be(m, 9));
  if (!name) return [];
  const info = detail(name, m.subarray(11, m.length - 1));
  const event: OperationEvent = {
    kind: 'operation',
    ts: ctx.ts,
    direction: ctx.direction,
    protocol: 'amqp',
    operation: name,
  };
  if (info) event.detail = info;
  return [event];
};

export const createAmqpParser = (): ProtocolParser =>
  createFramedParser({ frame: amqpFrameLength, message: method });
