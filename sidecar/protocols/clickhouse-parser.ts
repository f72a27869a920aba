/**
 * Streaming ClickHouse native protocol parser: the client's Hello as a login (user, database, whether a password was
 * sent, never the password) told when the server answers (its Hello: accepted; an Exception 516, 192 or 193:
 * refused), each Query's text as `sql-query`, the server's exceptions and the client's cancels as operations.
 */
import type { DbAuthEvent, ProtocolEvent } from '../events.ts';
import { checkedRevision, clientPacket, type Negotiated, serverPacket } from './clickhouse-packets.ts';
import { readQuery } from './clickhouse-query.ts';
import { ClickhouseReader, type Span } from './clickhouse-reader.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import type { ProtocolParser } from './protocol.ts';
import { latin1, maxSqlBytes, maxTextBytes, utf8View } from './wire-bytes.ts';

type Login = { user: string; database: string; client: string; password: boolean; told: boolean };
type State = Negotiated & { login?: Login };

/** AUTHENTICATION_FAILED, UNKNOWN_USER, WRONG_PASSWORD (src/Common/ErrorCodes.cpp): the login was refused. */
/** Revision from which the client sends an addendum (its quota key) after the server's Hello. */
const withAddendum = 54458;

const refusals = new Set([516, 192, 193]);

const textOf = (b: Uint8Array, span: Span | undefined, max = maxTextBytes): string =>
  span === undefined ? '' : utf8View(b, span.start, Math.min(span.end, span.start + max));

const clientHello = (state: State, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const r = new ClickhouseReader(m, 1);
  const name = r.string(1024);
  const version = [r.varuint(), r.varuint()];
  const revision = r.varuint();
  const [database, user, password] = [r.string(4096), r.string(4096), r.string(4096)];
  if (!r.ok) return [];
  state.revision = revision;
  const client = `${textOf(m, name, 128)} ${version.join('.')}`;
  state.login = {
    user: textOf(m, user, 128),
    database: textOf(m, database, 128),
    client,
    password: password !== undefined && password.end > password.start,
    told: false,
  };
  // The user and the client in the operation itself, so the flow's summary names them.
  const said = `login user=${state.login.user || '(default)'} client=${client}`.slice(0, 128);
  return [operation(ctx, said, `database=${state.login.database || '(default)'} revision ${revision}`)];
};

const operation = (ctx: FrameContext, name: string, detail: string): ProtocolEvent => ({
  kind: 'operation',
  ts: ctx.ts,
  direction: ctx.direction,
  protocol: 'clickhouse',
  operation: name,
  detail,
});

const login = (state: State, ctx: FrameContext, ok: boolean, message?: string): ProtocolEvent[] => {
  const seen = state.login;
  if (seen === undefined || seen.told) return [];
  seen.told = true;
  const event: DbAuthEvent = {
    kind: 'db-auth',
    ts: ctx.ts,
    direction: ctx.direction,
    dialect: 'clickhouse',
    ok,
  };
  if (seen.user !== '') event.user = seen.user;
  if (message !== undefined) event.message = message;
  // The password travels in the Hello as it is: the native protocol has no other way (without TLS).
  if (seen.password) event.method = 'cleartext';
  return [event];
};

const fromClient = (state: State, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  if (state.addendum) {
    state.addendum = false;
    return [];
  }
  if (m[0] === 0) return clientHello(state, m, ctx);
  if (m[0] === 3) return [operation(ctx, 'cancel', '')];
  if (m[0] !== 1) return [];
  const query = readQuery(m, state.revision, true);
  if (typeof query === 'number') return [];
  state.compressed = query.compressed;
  const text = textOf(m, query.text, maxSqlBytes);
  return [{ kind: 'sql-query', ts: ctx.ts, direction: ctx.direction, dialect: 'clickhouse', text }];
};

/** The server's Hello: the revision both speak is the lower of the two. */
const serverHello = (state: State, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const r = new ClickhouseReader(m, 1);
  const name = r.string(1024);
  const version = [r.varuint(), r.varuint()];
  const revision = r.varuint();
  state.serverHelloSeen = true;
  if (revision > 0) state.revision = Math.min(state.revision, revision);
  state.addendum = state.revision >= withAddendum;
  const server = `${textOf(m, name, 64)} ${version.join('.')} revision ${revision}`;
  return [operation(ctx, 'server-hello', server), ...login(state, ctx, true)];
};

const exception = (state: State, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const r = new ClickhouseReader(m, 1);
  const code = r.u32le();
  const name = r.string(1024);
  const message = r.string(1024 * 1024);
  const text = `${latin1(m, name?.start ?? 0, name?.end ?? 0).slice(0, 64)}: ${textOf(m, message, 256)}`;
  const told = [operation(ctx, `exception ${code}`, text)];
  return refusals.has(code) && !state.serverHelloSeen
    ? [...told, ...login(state, ctx, false, `${code} ${text}`)]
    : told;
};

const fromServer = (state: State, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  if (m[0] === 0) return serverHello(state, m, ctx);
  return m[0] === 2 ? exception(state, m, ctx) : [];
};

export const createClickhouseParser = (): ProtocolParser => {
  const state: State = {
    revision: checkedRevision,
    compressed: false,
    serverHelloSeen: false,
    addendum: false,
  };
  return createFramedParser({
    frame: (b, direction) => (direction === 'to-server' ? clientPacket(b, state) : serverPacket(b, state)),
    message: (m, ctx) =>
      ctx.direction === 'to-server' ? fromClient(state, m, ctx) : fromServer(state, m, ctx),
  });
};
