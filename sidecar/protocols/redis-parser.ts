/** Streaming Redis parser: commands from clients, and the outcome of AUTH (or NOAUTH/WRONGPASS) from replies. */
import type { Direction, ProtocolEvent } from '../events.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import type { ProtocolParser } from './protocol.ts';
import {
  isAggregate,
  isRespMarker,
  lineEnd,
  respInteger,
  respRunLength,
  respToken,
  respTokenLength,
} from './redis-resp.ts';
import { createRespAssembler, type RespAssembler, type RespValue } from './redis-values.ts';

type Pending = { command: string; user?: string };
type State = { pending: Pending[]; assemblers: Record<Direction, RespAssembler> };

const maxPending = 1024;
const maxArgs = 32;

/** AUTH [user] password and HELLO ... AUTH user password: the password never leaves the parser. */
const redact = (command: string, args: string[]): { args: string[]; user?: string } => {
  if (command === 'AUTH')
    return args.length >= 2 ? { args: [args[0] ?? '', '***'], user: args[0] ?? '' } : { args: ['***'] };
  const at = command === 'HELLO' ? args.findIndex((a) => a.toUpperCase() === 'AUTH') : -1;
  if (at < 0) return { args };
  const redacted = args.map((a, i) => (i === at + 2 ? '***' : a));
  return { args: redacted, user: args[at + 1] ?? '' };
};

const command = (state: State, value: RespValue, ctx: FrameContext): ProtocolEvent[] => {
  if (value.marker !== '*' && value.marker !== 'inline') return [];
  const [name, ...rest] = value.items;
  if (!name) return [];
  const upper = name.toUpperCase();
  const { args, user } = redact(upper, rest.slice(0, maxArgs));
  // Replies we never see (a one-sided capture) must not grow the queue; dropping half at once keeps this O(1).
  if (state.pending.length >= maxPending) state.pending.splice(0, maxPending / 2);
  const isAuth = upper === 'AUTH' || user !== undefined;
  state.pending.push({ command: isAuth ? 'AUTH' : upper, ...(user === undefined ? {} : { user }) });
  return [{ kind: 'redis-command', ts: ctx.ts, direction: ctx.direction, command: upper, args }];
};

const reply = (state: State, value: RespValue, ctx: FrameContext): ProtocolEvent[] => {
  if (value.marker === '>') return []; // RESP3 push: not a reply to a command
  const pending = state.pending.shift();
  const error = value.marker === '-' || value.marker === '!' ? value.text : undefined;
  const refused = error !== undefined && /^(NOAUTH|WRONGPASS)\b/.test(error);
  if (pending?.command !== 'AUTH' && !refused) return [];
  const user = pending?.user === undefined ? {} : { user: pending.user };
  const message = error === undefined ? {} : { message: error };
  return [
    {
      kind: 'db-auth',
      ts: ctx.ts,
      direction: ctx.direction,
      dialect: 'redis',
      ok: error === undefined,
      ...user,
      ...message,
    },
  ];
};

/** Client bytes not starting with a RESP marker are an inline command: one line; else a run of whole tokens. */
const frame = (b: Uint8Array, direction: Direction): number => {
  if (direction === 'to-server' && !isRespMarker(b[0])) {
    const lf = lineEnd(b, 0);
    return lf < 0 ? 0 : lf + 1;
  }
  return isRespMarker(b[0]) ? respRunLength(b) : -1;
};

const isError = (marker: number | undefined): boolean => marker === 0x2d || marker === 0x21;

/**
 * Adds the token at `m[at, end)`. Texts nobody reads (a reply's elements, its non-error strings) are skipped
 * by position, without a token object: a reply of thousands of elements costs a scan, not an allocation each.
 */
const addToken = (assembler: RespAssembler, m: Uint8Array, at: number, end: number, all: boolean) => {
  const marker = m[at] ?? 0;
  if (all || !isRespMarker(marker) || (assembler.atTop && isError(marker)))
    return assembler.add(respToken(m.subarray(at, end)));
  if (!isAggregate(marker)) return assembler.skip(String.fromCharCode(marker));
  return assembler.open(String.fromCharCode(marker), respInteger(m, at + 1, lineEnd(m, at) - 1));
};

const onValue = (state: State, value: RespValue, ctx: FrameContext, out: ProtocolEvent[]): void => {
  const events = ctx.direction === 'to-server' ? command(state, value, ctx) : reply(state, value, ctx);
  for (const event of events) out.push(event);
};

/**
 * Inside a reply aggregate, its elements in bulk (nobody reads their texts); returns where the token loop goes on
 * (`at` when the next token is left to it).
 */
const skipNested = (
  state: State,
  m: Uint8Array,
  at: number,
  ctx: FrameContext,
  out: ProtocolEvent[],
): number => {
  const assembler = state.assemblers[ctx.direction];
  const next = assembler.skipNested(m, at);
  if (assembler.finished !== undefined) onValue(state, assembler.finished, ctx, out);
  return next;
};

/** One framed run of tokens (or one inline line, or the truncated head of one long token) into events. */
const message = (state: State, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const out: ProtocolEvent[] = [];
  const assembler = state.assemblers[ctx.direction];
  const all = ctx.direction === 'to-server';
  let at = 0;
  while (at < m.length) {
    const skipped = all || assembler.atTop ? at : skipNested(state, m, at, ctx, out);
    if (skipped > at) {
      at = skipped;
      continue;
    }
    const length = isRespMarker(m[at]) ? respTokenLength(m, at) : m.length - at;
    const end = length <= 0 ? m.length : Math.min(m.length, at + length);
    const value = addToken(assembler, m, at, end, all);
    if (value === 'malformed') {
      ctx.stop(ctx.direction);
      return out;
    }
    if (value !== undefined) onValue(state, value, ctx, out);
    at = end;
  }
  return out;
};

export const createRedisParser = (): ProtocolParser => {
  const state: State = {
    pending: [],
    assemblers: { 'to-server': createRespAssembler(), 'to-client': createRespAssembler('errors') },
  };
  return createFramedParser({ frame, message: (m, ctx) => message(state, m, ctx) });
};
