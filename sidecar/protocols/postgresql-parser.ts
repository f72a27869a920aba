/** Streaming PostgreSQL parser: queries (simple and extended) and the outcome of authentication. */
import { type DbAuthEvent, type Direction, encryptedOperation, type ProtocolEvent } from '../events.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import { pgGssEncRequest, pgProtocol3, pgSslRequest, pgStartupParams } from './postgresql-detect.ts';
import type { ProtocolParser } from './protocol.ts';
import { framedToTls, type TlsUpgrade, upgradable } from './tls-upgrade.ts';
import { cString, indexOfNul, maxSqlBytes, maxTextBytes, u32be, utf8View } from './wire-bytes.ts';

type State = {
  user?: string;
  encryptionAsked: boolean;
  /** The request was a GSSENCRequest: a 'G' answer means GSSAPI-wrapped (encrypted) messages follow. */
  gssAsked: boolean;
  authenticated: boolean;
  method?: DbAuthEvent['method'];
};

/** AuthenticationRequest codes (protocol docs, "Message Formats": 'R'): 3 cleartext, 5 MD5, 10 SASL (SCRAM). */
const authMethods: Record<number, DbAuthEvent['method']> = { 3: 'cleartext', 5: 'md5', 10: 'sasl' };

const isLetter = (b: number | undefined): boolean =>
  b !== undefined && ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));

/** Typed messages: Byte1 type, Int32 length counting itself; untyped startup messages start with the length. */
const frame = (state: State, b: Uint8Array, direction: Direction): number => {
  if (direction === 'to-client' && state.encryptionAsked) return 1;
  if (direction === 'to-server' && b[0] === 0) {
    if (b.length < 4) return 0;
    const length = u32be(b, 0);
    return length >= 8 && length <= 10_000 ? length : -1;
  }
  if (!isLetter(b[0])) return -1;
  if (b.length < 5) return 0;
  const length = u32be(b, 1);
  return length >= 4 && length < 0x4000_0000 ? length + 1 : -1;
};

/** Error fields (PostgreSQL docs, "Error and Notice Message Fields"): one code byte and a C string each. */
const errorFields = (m: Uint8Array): Map<string, string> => {
  const fields = new Map<string, string>();
  let at = 5;
  while (at < m.length && m[at] !== 0) {
    const field = cString(m, at + 1);
    if (!field) break;
    fields.set(String.fromCharCode(m[at] ?? 0), field.value);
    at = field.next;
  }
  return fields;
};

const authEvent = (state: State, ctx: FrameContext, ok: boolean, message?: string): DbAuthEvent => {
  const event: DbAuthEvent = {
    kind: 'db-auth',
    ts: ctx.ts,
    direction: ctx.direction,
    dialect: 'postgresql',
    ok,
  };
  if (state.user !== undefined) event.user = state.user;
  if (message !== undefined) event.message = message;
  if (state.method !== undefined) event.method = state.method;
  return event;
};

/** The answer to an SSLRequest or GSSENCRequest: 'S' (TLS follows, read by the TLS reader), 'G' (GSSAPI), 'N' (no). */
const encryptionAnswer = (upgrade: TlsUpgrade, m: Uint8Array, ctx: FrameContext): void => {
  if (m[0] === 0x53) framedToTls(upgrade, ctx);
  else if (m[0] !== 0x4e) for (const direction of ['to-client', 'to-server'] as const) ctx.stop(direction);
};

/** The operation that tells the engine the flow is encrypted from here (`encryptedOperation`). */
const gssEncryption = (ctx: FrameContext): ProtocolEvent => ({
  kind: 'operation',
  ts: ctx.ts,
  direction: ctx.direction,
  protocol: 'postgresql',
  operation: encryptedOperation,
  detail: 'GSSAPI encryption',
});

const fromServer = (state: State, upgrade: TlsUpgrade, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  if (state.encryptionAsked) {
    state.encryptionAsked = false;
    encryptionAnswer(upgrade, m, ctx);
    // GSSAPI encryption accepted (PostgreSQL 12+): the rest is sealed, unread, and the flow is encrypted.
    if (state.gssAsked && m[0] === 0x47) return [gssEncryption(ctx)];
    return [];
  }
  if (m[0] === 0x52 && !state.authenticated) {
    const code = u32be(m, 5);
    if (code !== 0) {
      state.method ??= authMethods[code] ?? 'other';
      return [];
    }
    state.authenticated = true;
    return [authEvent(state, ctx, true)];
  }
  if (m[0] !== 0x45) return [];
  const fields = errorFields(m);
  const code = fields.get('C');
  // SQLSTATE class 28: invalid_authorization_specification (28000), invalid_password (28P01).
  if (code !== '28P01' && code !== '28000') return [];
  return [authEvent(state, ctx, false, `${code} ${fields.get('M') ?? ''}`.trim().slice(0, maxTextBytes))];
};

const sql = (ctx: FrameContext, m: Uint8Array, start: number): ProtocolEvent[] => {
  const nul = indexOfNul(m, start);
  const end = nul < 0 ? m.length : nul;
  const text = utf8View(m, start, Math.min(end, start + maxSqlBytes));
  return [{ kind: 'sql-query', ts: ctx.ts, direction: ctx.direction, dialect: 'postgresql', text }];
};

const fromClient = (state: State, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  if (m[0] === 0) {
    const code = u32be(m, 4);
    if (code === pgSslRequest || code === pgGssEncRequest) {
      state.encryptionAsked = true;
      state.gssAsked = code === pgGssEncRequest;
    }
    if (code === pgProtocol3) {
      const user = pgStartupParams(m, m.length)?.get('user');
      if (user !== undefined) state.user = user.slice(0, maxTextBytes);
    }
    return [];
  }
  if (m[0] === 0x51) return sql(ctx, m, 5);
  if (m[0] !== 0x50) return [];
  // Parse: statement name (C string), then the query (C string).
  const name = cString(m, 5);
  return name ? sql(ctx, m, name.next) : [];
};

export const createPostgresqlParser = (): ProtocolParser =>
  upgradable((upgrade) => {
    const state: State = { encryptionAsked: false, gssAsked: false, authenticated: false };
    return createFramedParser({
      frame: (b, direction) => frame(state, b, direction),
      message: (m, ctx) =>
        ctx.direction === 'to-server' ? fromClient(state, m, ctx) : fromServer(state, upgrade, m, ctx),
    });
  });
