/**
 * Streaming TDS parser: the login's outcome (LOGINACK, or the ERROR a failed login gets, with the user it names),
 * SQL text from batches and from sp_executesql-style RPC calls, other procedure calls, error numbers in answers, and
 * the TLS the connection may run (its hellos: version, SNI, ALPN, JA3).
 *
 * A message is one or more packets of one type, the last flagged end of message. Between PRELOGIN and the login, a
 * client that asked for encryption runs a TLS handshake inside PRELOGIN packets, then sends its LOGIN7 as bare TLS
 * records (MS-TDS 3.2.5.2-3): those are skipped by their record length. With encryption of the login only, TDS goes
 * on in the clear after it; with full encryption only TLS records follow, and nothing more is read.
 */
import type { DbAuthEvent, Direction, ProtocolEvent } from '../events.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import { isTdsHeader, tdsHeaderLength, tdsPrelogin, tdsTabular } from './mssql-detect.ts';
import { afterAllHeaders, rpcCall } from './mssql-rpc.ts';
import { type TdsTokenFacts, walkTokens } from './mssql-tokens.ts';
import type { ProtocolParser } from './protocol.ts';
import { createTlsStream, type TlsStream } from './tls-stream.ts';
import { joinParts, maxSqlBytes, u16be, u16le, utf16le } from './wire-bytes.ts';

const sqlBatch = 0x01;
const rpc = 0x03;
const login7 = 0x10;
/** Messages longer than this are read from their first octets only (SQL text is cut at maxSqlBytes anyway). */
const maxMessage = 64 * 1024;
/**
 * Error numbers of a failed login: 18456 "Login failed for user", its untrusted-domain, disabled, locked-out and
 * password-expiry kin, and 4060 (the database the login asked for cannot be opened).
 */
const loginFailures = new Set([4060, 18452, 18456, 18470, 18486, 18487, 18488]);

type Assembly = { type: number; parts: Uint8Array[]; size: number };
type State = {
  /** The server's PRELOGIN answer has come; the next tabular messages answer the login until it is decided. */
  preloginAnswered: boolean;
  /** The TLS the two sides run inside PRELOGIN packets, then as bare records: its hellos and records. */
  tls: TlsStream | undefined;
  login: 'pending' | 'done';
  user: string | undefined;
  assembly: Record<Direction, Assembly | undefined>;
};

const isTlsRecord = (b: Uint8Array): boolean =>
  (b[0] as number) >= 0x14 && (b[0] as number) <= 0x17 && b[1] === 0x03;

const frame = (b: Uint8Array): number => {
  if (b.length < 5) return 0;
  if (isTlsRecord(b)) return 5 + u16be(b, 3);
  if (b.length < tdsHeaderLength) return 0;
  return isTdsHeader(b) ? u16be(b, 2) : -1;
};

const base = (ctx: FrameContext) => ({ ts: ctx.ts, direction: ctx.direction });

/** LOGIN7 (MS-TDS 2.2.6.4), when sent in the clear: the user name, at its offset and length after 36 fixed octets. */
const loginUser = (b: Uint8Array): string | undefined => {
  const offset = u16le(b, 40);
  const units = u16le(b, 42);
  if (units === 0 || units > 128 || offset + units * 2 > b.length) return undefined;
  return utf16le(b, offset, units * 2);
};

const fromClient = (state: State, type: number, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  if (type === sqlBatch) {
    const start = afterAllHeaders(m);
    const text = utf16le(m, start, maxSqlBytes * 2);
    return text.trim() === '' ? [] : [{ kind: 'sql-query', ...base(ctx), dialect: 'mssql', text }];
  }
  if (type === rpc) {
    const call = rpcCall(m, maxSqlBytes);
    if (call?.statement !== undefined)
      return [{ kind: 'sql-query', ...base(ctx), dialect: 'mssql', text: call.statement }];
    return call === undefined
      ? []
      : [{ kind: 'operation', ...base(ctx), protocol: 'mssql', operation: 'rpc', detail: call.procedure }];
  }
  if (type === login7) state.user = loginUser(m) ?? state.user;
  return [];
};

/** "Login failed for user 'name'." (and its translations keep the quotes): the name, when the message has one. */
const userInMessage = (message: string): string | undefined => /'([^']{1,128})'/.exec(message)?.[1];

const errorEvents = (errors: TdsTokenFacts['errors'], ctx: FrameContext): ProtocolEvent[] =>
  errors.map((e) => ({
    kind: 'operation' as const,
    ...base(ctx),
    protocol: 'mssql' as const,
    operation: 'error',
    detail: String(e.number),
  }));

const loginOutcome = (state: State, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const facts = walkTokens(m);
  const failure = facts.errors.find((e) => loginFailures.has(e.number));
  // Not the login's answer (or one this walk could not read): its errors still count as errors.
  if (!facts.loginAck && failure === undefined) return errorEvents(facts.errors, ctx);
  state.login = 'done';
  const user = state.user ?? (failure === undefined ? undefined : userInMessage(failure.message));
  const event: DbAuthEvent = { kind: 'db-auth', ...base(ctx), dialect: 'mssql', ok: facts.loginAck };
  if (user !== undefined) event.user = user;
  if (failure !== undefined && !facts.loginAck) event.message = `${failure.number} ${failure.message}`;
  return [event];
};

const fromServer = (state: State, type: number, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  if (type !== tdsTabular) return [];
  if (!state.preloginAnswered) {
    state.preloginAnswered = true;
    return [];
  }
  if (state.login === 'pending') return loginOutcome(state, m, ctx);
  return errorEvents(walkTokens(m).errors, ctx);
};

/** One packet: added to its direction's message; a whole message is read. */
const packet = (state: State, p: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const type = p[0] as number;
  // After the PRELOGIN answer, PRELOGIN packets carry a TLS handshake (MS-TDS 3.2.5.2), then TLS goes on as bare
  // records: read as TLS (version, SNI, ALPN, JA3; records for Heartbleed). The client's first PRELOGIN tells no more.
  if (isTlsRecord(p) || (type === tdsPrelogin && state.preloginAnswered)) {
    state.tls ??= createTlsStream();
    return state.tls.parse(isTlsRecord(p) ? p : p.subarray(tdsHeaderLength), ctx.direction, ctx.ts);
  }
  if (type === tdsPrelogin) return [];
  const payload = p.subarray(tdsHeaderLength);
  const open = state.assembly[ctx.direction];
  const assembly = open !== undefined && open.type === type ? open : { type, parts: [], size: 0 };
  if (assembly.size < maxMessage) {
    assembly.parts.push(payload.slice(0, maxMessage - assembly.size));
    assembly.size = Math.min(maxMessage, assembly.size + payload.length);
  }
  if (((p[1] as number) & 0x01) === 0) {
    state.assembly[ctx.direction] = assembly;
    return [];
  }
  state.assembly[ctx.direction] = undefined;
  const m = joinParts(assembly.parts, assembly.size);
  return ctx.direction === 'to-server' ? fromClient(state, type, m, ctx) : fromServer(state, type, m, ctx);
};

export const createMssqlParser = (): ProtocolParser => {
  const state: State = {
    preloginAnswered: false,
    tls: undefined,
    login: 'pending',
    user: undefined,
    assembly: { 'to-server': undefined, 'to-client': undefined },
  };
  return createFramedParser({ frame: (b) => frame(b), message: (m, ctx) => packet(state, m, ctx) });
};
