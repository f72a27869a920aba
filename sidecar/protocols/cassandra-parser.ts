/** Streaming CQL parser: query text of QUERY, PREPARE and BATCH; errors; v5 segment framing after READY. */
import type { Direction, ProtocolEvent } from '../events.ts';
import { cqlHeader, cqlHeaderSize } from './cassandra-frame.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import type { ProtocolParser } from './protocol.ts';
import { i32be, maxSqlBytes, maxTextBytes, text, u16be, u24le, u32be } from './wire-bytes.ts';

type State = { segmented: Record<Direction, boolean> };

const maxBatch = 64;

const frameLength = (b: Uint8Array): number => {
  if (b.length < cqlHeaderSize) return 0;
  const header = cqlHeader(b);
  return header ? cqlHeaderSize + header.length : -1;
};

/** v5 uncompressed segment (native_protocol_v5.spec §2.2): 3-byte LE header (17-bit length, self-contained bit) + CRC24, payload, CRC32. */
const segmentLength = (b: Uint8Array): number => (b.length < 6 ? 0 : 6 + (u24le(b, 0) & 0x1ffff) + 4);

const sql = (ctx: FrameContext, b: Uint8Array, at: number): ProtocolEvent => ({
  kind: 'sql-query',
  ts: ctx.ts,
  direction: ctx.direction,
  dialect: 'cassandra',
  text: text(b, at + 4, at + 4 + Math.max(0, i32be(b, at)), maxSqlBytes),
});

/** BATCH (§4.1.7): type, n, then n of (kind 0: [long string] query | kind 1: [short bytes] id, then [value] list). */
const batch = (ctx: FrameContext, b: Uint8Array): ProtocolEvent[] => {
  const out: ProtocolEvent[] = [];
  const count = Math.min(u16be(b, cqlHeaderSize + 1), maxBatch);
  let at = cqlHeaderSize + 3;
  for (let i = 0; i < count && at < b.length; i++) {
    const kind = b[at];
    if (kind === 0) out.push(sql(ctx, b, at + 1));
    at += kind === 0 ? 1 + 4 + Math.max(0, i32be(b, at + 1)) : 1 + 2 + u16be(b, at + 1);
    const values = u16be(b, at);
    at += 2;
    for (let v = 0; v < values && at < b.length; v++) at += 4 + Math.max(0, i32be(b, at));
  }
  return out;
};

/** ERROR (§8): [int] code, [string] message; 0x0100 is "Bad credentials". */
const error = (ctx: FrameContext, b: Uint8Array): ProtocolEvent => {
  const code = u32be(b, cqlHeaderSize);
  const message = text(b, cqlHeaderSize + 6, cqlHeaderSize + 6 + u16be(b, cqlHeaderSize + 4), maxTextBytes);
  const detail = `0x${code.toString(16).padStart(4, '0')} ${message}`;
  return {
    kind: 'operation',
    ts: ctx.ts,
    direction: ctx.direction,
    protocol: 'cassandra',
    operation: 'ERROR',
    detail,
  };
};

const frame = (state: State, b: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const header = cqlHeader(b);
  if (!header || (header.flags & 1) !== 0) return []; // a compressed body cannot be read
  const { opcode, version, response } = header;
  // Flags 0x02 (tracing id), 0x04 (custom payload) and 0x08 (warnings) prefix the body; we read only plain bodies.
  if ((header.flags & 0x0e) !== 0) return [];
  if (response && version === 5 && (opcode === 2 || opcode === 3)) {
    state.segmented['to-client'] = true;
    state.segmented['to-server'] = true;
  }
  if (response) return opcode === 0 ? [error(ctx, b)] : [];
  if (opcode === 7 || opcode === 9) return [sql(ctx, b, cqlHeaderSize)];
  return opcode === 13 ? batch(ctx, b) : [];
};

export const createCassandraParser = (): ProtocolParser => {
  const state: State = { segmented: { 'to-server': false, 'to-client': false } };
  const inner = {
    'to-server': createFramedParser({ frame: frameLength, message: (m, ctx) => frame(state, m, ctx) }),
    'to-client': createFramedParser({ frame: frameLength, message: (m, ctx) => frame(state, m, ctx) }),
  };
  return createFramedParser({
    frame: (b, direction) => (state.segmented[direction] ? segmentLength(b) : frameLength(b)),
    message: (m, ctx) => {
      if (!state.segmented[ctx.direction] || ctx.truncated) return frame(state, m, ctx);
      return inner[ctx.direction].parse(m.subarray(6, m.length - 4), ctx.direction, ctx.ts);
    },
  });
};
