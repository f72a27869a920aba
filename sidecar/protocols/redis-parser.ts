/**
 * Streaming Redis parser: commands from clients; from replies, the outcome of AUTH (or NOAUTH/WRONGPASS) and of the
 * commands that act on the server, each reply paired with its command by order (RESP answers in order).
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import type { ProtocolParser } from './protocol.ts';
import { serverCommands, silences, unpairingCommands } from './redis-commands.ts';
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

/** A command whose reply is told: AUTH (or HELLO ... AUTH), or one of `serverCommands`. */
type Asked = { seq: number; command: string; user?: string };
type State = {
  /** Commands read so far: the next one's `seq`. */
  sent: number;
  /** Replies read so far: the next one answers the command of this `seq`. */
  answered: number;
  /** The commands whose replies are told, oldest first, not answered yet. */
  asked: Asked[];
  /** False once replies no longer pair with commands by order (a gap, a subscription, silenced replies, overflow). */
  paired: boolean;
  assemblers: Record<Direction, RespAssembler>;
};

/** Commands whose replies are awaited at once; more (replies unseen: a one-sided capture, past the budget) unpair. */
const maxAsked = 256;

/** AUTH [user] password and HELLO ... AUTH user password: the password never leaves the parser. */
const redact = (command: string, args: string[]): { args: string[]; user?: string } => {
  if (command === 'AUTH')
    return args.length >= 2 ? { args: [args[0] ?? '', '***'], user: args[0] ?? '' } : { args: ['***'] };
  const at = command === 'HELLO' ? args.findIndex((a) => a.toUpperCase() === 'AUTH') : -1;
  if (at < 0) return { args };
  const redacted = args.map((a, i) => (i === at + 2 ? '***' : a));
  return { args: redacted, user: args[at + 1] ?? '' };
};

/** Pairing stops for good: whatever the server sends next cannot be told apart from answers by order. */
const unpair = (state: State): void => {
  state.paired = false;
  state.asked = [];
};

/** Remembers a command whose reply is told, or stops pairing when the server will answer out of step. */
const ask = (state: State, seq: number, command: string, args: readonly string[], user?: string): void => {
  const isAuth = command === 'AUTH' || user !== undefined;
  if (unpairingCommands.has(command) || silences(command, args) || state.asked.length >= maxAsked)
    unpair(state);
  else if (state.paired && (isAuth || serverCommands.has(command)))
    state.asked.push({ seq, command: isAuth ? 'AUTH' : command, ...(user === undefined ? {} : { user }) });
};

const command = (state: State, value: RespValue, ctx: FrameContext): ProtocolEvent[] => {
  if (value.marker !== '*' && value.marker !== 'inline') return [];
  const [name, ...rest] = value.items;
  if (!name) return [];
  const upper = name.toUpperCase();
  // Every argument the assembler kept (bounded in octets, `maxItemBytes`).
  const { args, user } = redact(upper, rest);
  const seq = state.sent++;
  ask(state, seq, upper, args, user);
  return [{ kind: 'redis-command', ts: ctx.ts, direction: ctx.direction, command: upper, args, seq }];
};

/** The command this reply answers, when its reply is told; every reply moves the count on. */
const answered = (state: State): Asked | undefined => {
  const seq = state.answered++;
  const { asked } = state;
  while (asked.length > 0 && (asked[0]?.seq ?? seq) < seq) asked.shift();
  return asked[0]?.seq === seq ? asked.shift() : undefined;
};

const authEvent = (
  asked: Asked | undefined,
  error: string | undefined,
  ctx: FrameContext,
): ProtocolEvent => ({
  kind: 'db-auth',
  ts: ctx.ts,
  direction: ctx.direction,
  dialect: 'redis',
  ok: error === undefined,
  ...(asked?.user === undefined ? {} : { user: asked.user }),
  ...(error === undefined ? {} : { message: error }),
});

const replyEvent = (
  asked: Asked,
  value: RespValue,
  error: string | undefined,
  ctx: FrameContext,
): ProtocolEvent => {
  const outcome =
    error !== undefined ? 'error' : value.marker === '+' && value.text === 'QUEUED' ? 'queued' : 'ok';
  const code = error === undefined ? undefined : (/^\S+/.exec(error)?.[0] ?? '').slice(0, 32);
  return {
    kind: 'redis-reply',
    ts: ctx.ts,
    direction: ctx.direction,
    command: asked.command,
    seq: asked.seq,
    outcome,
    ...(code === undefined ? {} : { error: code }),
  };
};

/** The errors Redis sends when it refuses a connection at accept, then closes it (networking.c, acceptCommonHandler). */
const acceptRefusal = /^(?:DENIED |ERR max number of clients reached)/;

/**
 * Such an error before any command (the server writes it at once, so it may pass the first command on the wire):
 * told as the answer to every command, `command` ''. It is counted as an answer all the same.
 */
const refusal = (state: State, error: string | undefined): Asked | undefined => {
  if (!state.paired || state.sent > 0 || error === undefined || !acceptRefusal.test(error)) return undefined;
  state.answered++;
  return { seq: 0, command: '' };
};

const reply = (state: State, value: RespValue, ctx: FrameContext): ProtocolEvent[] => {
  if (value.marker === '>') return []; // RESP3 push: not a reply to a command
  const error = value.marker === '-' || value.marker === '!' ? value.text : undefined;
  const asked = refusal(state, error) ?? (state.paired ? answered(state) : undefined);
  const refused = error !== undefined && /^(NOAUTH|WRONGPASS)\b/.test(error);
  if (asked?.command === 'AUTH' || refused) return [authEvent(asked, error, ctx)];
  return asked === undefined ? [] : [replyEvent(asked, value, error, ctx)];
};

/** Client bytes not starting with a RESP marker are an inline command: one line; else a run of whole tokens. */
const frame = (b: Uint8Array, direction: Direction): number => {
  if (direction === 'to-server' && !isRespMarker(b[0])) {
    const lf = lineEnd(b, 0);
    return lf < 0 ? 0 : lf + 1;
  }
  return isRespMarker(b[0]) ? respRunLength(b) : -1;
};

/** `-` error, `!` bulk error, `+` simple string: a status reply, whose text the reply reader reads. */
const isStatus = (marker: number | undefined): boolean =>
  marker === 0x2d || marker === 0x21 || marker === 0x2b;

/**
 * Adds the token at `m[at, end)`. Texts nobody reads (a reply's elements, its other strings) are skipped
 * by position, without a token object: a reply of thousands of elements costs a scan, not an allocation each.
 */
const addToken = (assembler: RespAssembler, m: Uint8Array, at: number, end: number, all: boolean) => {
  const marker = m[at] ?? 0;
  if (all || !isRespMarker(marker) || (assembler.atTop && isStatus(marker)))
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
    sent: 0,
    answered: 0,
    asked: [],
    paired: true,
    assemblers: { 'to-server': createRespAssembler(), 'to-client': createRespAssembler('status') },
  };
  const framed = createFramedParser({ frame, message: (m, ctx) => message(state, m, ctx) });
  return {
    parse: (chunk, direction, ts) => framed.parse(chunk, direction, ts),
    // Lost bytes hold commands or replies uncounted: later replies can no longer be paired by order.
    gap(direction, lost) {
      unpair(state);
      framed.gap(direction, lost);
    },
  };
};
