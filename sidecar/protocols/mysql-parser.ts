/** Streaming MySQL/MariaDB parser: login outcome (OK/ERR after the handshake response) and SQL text. */
import type { ProtocolEvent } from '../events.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import { clientProtocol41, clientSsl } from './mysql-detect.ts';
import type { ProtocolParser } from './protocol.ts';
import { framedToTls, type TlsUpgrade, upgradable } from './tls-upgrade.ts';
import { cString, indexOfNul, maxSqlBytes, maxTextBytes, text, u16le, u24le, u32le } from './wire-bytes.ts';

type State = {
  phase: 'greeting' | 'auth' | 'command';
  user?: string;
  serverCaps: number;
  clientCaps: number;
};

const clientQueryAttributes = 0x0800_0000;

const greeting = (state: State, p: Uint8Array): void => {
  const nul = indexOfNul(p, 1);
  if (nul < 0) return;
  const caps = nul + 14;
  state.serverCaps = u16le(p, caps) + (p.length >= caps + 7 ? u16le(p, caps + 5) * 0x10000 : 0);
};

const authOutcome = (state: State, p: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  if (p[0] !== 0x00 && p[0] !== 0xff) return []; // auth switch (0xfe) or more data (0x01): not over yet
  state.phase = 'command';
  const user = state.user === undefined ? {} : { user: state.user };
  if (p[0] === 0x00)
    return [{ kind: 'db-auth', ts: ctx.ts, direction: ctx.direction, dialect: 'mysql', ok: true, ...user }];
  // ERR_Packet: 0xff, int<2> error code, '#' + 5-byte SQL state (with PROTOCOL_41), message.
  const code = u16le(p, 1);
  const message = text(p, p[3] === 0x23 ? 9 : 3, p.length, maxTextBytes);
  return [
    {
      kind: 'db-auth',
      ts: ctx.ts,
      direction: ctx.direction,
      dialect: 'mysql',
      ok: false,
      ...user,
      message: `${code} ${message}`,
    },
  ];
};

const fromServer = (state: State, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const p = m.subarray(4);
  if (state.phase === 'greeting' && m[3] === 0 && p[0] === 0x0a) greeting(state, p);
  return state.phase === 'auth' ? authOutcome(state, p, ctx) : [];
};

const handshakeResponse = (state: State, upgrade: TlsUpgrade, p: Uint8Array, ctx: FrameContext): void => {
  state.clientCaps = u32le(p, 0);
  // A server whose greeting did not offer SSL ends such a connection: only a greeting that offered it, or one not seen
  // (a connection picked up late), lets the request switch the reader to TLS.
  const offered = state.serverCaps === 0 || (state.serverCaps & clientSsl) !== 0;
  if (p.length === 32 && (state.clientCaps & clientSsl) !== 0 && offered) {
    // SSLRequest: TLS follows in both directions, the client's ClientHello often in the same segment.
    framedToTls(upgrade, ctx);
    return;
  }
  const user = cString(p, 32);
  if (user) state.user = user.value;
  state.phase = 'auth';
};

/** COM_QUERY with query attributes (CLIENT_QUERY_ATTRIBUTES) starts with parameter_count and parameter_set_count. */
const queryStart = (state: State, p: Uint8Array): number => {
  if ((state.serverCaps & state.clientCaps & clientQueryAttributes) === 0) return 1;
  return p[1] === 0 && p[2] === 1 ? 3 : -1;
};

const fromClient = (state: State, upgrade: TlsUpgrade, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const p = m.subarray(4);
  if (state.phase !== 'command' && m[3] === 1 && p.length >= 32 && (u32le(p, 0) & clientProtocol41) !== 0) {
    handshakeResponse(state, upgrade, p, ctx);
    return [];
  }
  if (m[3] !== 0) return [];
  // COM_QUERY (0x03) and COM_STMT_PREPARE (0x16) carry SQL text to the end of the packet.
  const start = p[0] === 0x03 ? queryStart(state, p) : p[0] === 0x16 ? 1 : -1;
  if (start < 0) return [];
  return [
    {
      kind: 'sql-query',
      ts: ctx.ts,
      direction: ctx.direction,
      dialect: 'mysql',
      text: text(p, start, p.length, maxSqlBytes),
    },
  ];
};

export const createMysqlParser = (): ProtocolParser =>
  upgradable((upgrade) => {
    const state: State = { phase: 'greeting', serverCaps: 0, clientCaps: 0 };
    return createFramedParser({
      frame: (b) => (b.length < 4 ? 0 : 4 + u24le(b, 0)),
      message: (m, ctx) =>
        ctx.direction === 'to-server' ? fromClient(state, upgrade, m, ctx) : fromServer(state, m, ctx),
    });
  });
