/**
 * SOCKS 4, 4a and 5 (socks-message.ts): the handshake as operation events (the methods offered and chosen, the
 * request with its target, the reply), a username/password login as a db-auth event (its password crossed in the
 * clear, RFC 1929; never kept), and after a granted CONNECT (or a BIND) what the tunnel carries: its protocol
 * detected from its first octets and read by that protocol's parser (tunnel-inner.ts), as through an HTTP CONNECT.
 * What the client sends before the proxy's reply is held until the reply decides (held-until-answer.ts).
 */
import type { DbAuthEvent, Direction, ProtocolEvent } from '../events.ts';
import { consumed, type Out, pushOperation } from './handshake-read.ts';
import {
  heldNothing,
  runSteps,
  type Stages,
  type Step,
  type Stepper,
  stopDirection,
} from './handshake-steps.ts';
import { createHeldUntilAnswer, type HeldUntilAnswer } from './held-until-answer.ts';
import type { ParserContext, Protocol } from './protocol.ts';
import { detectSocks } from './socks-detect.ts';
import {
  type Address,
  methodName,
  readGreeting,
  readPasswordLogin,
  readPasswordStatus,
  readReply,
  readReply4,
  readRequest,
  readRequest4,
  readSelection,
  replyName,
  socksCommands,
} from './socks-message.ts';
import { boundDetail, relayAnnounced } from './socks-udp-relay.ts';
import { createTunnelInner, type TunnelInner } from './tunnel-inner.ts';
import { parserContext } from './tunnel-protocols.ts';

/** A handshake message is at most 515 octets (a login with 255-octet name and password); more unread is not SOCKS. */
const maxHeld = 1024;

type ClientStage = 'greeting' | 'login-or-request' | 'request' | 'tunnel' | 'stopped';
type ProxyStage = 'selection' | 'login-status' | 'reply' | 'reply4' | 'tunnel' | 'stopped';

/** The client's side (to-server) and the proxy's (to-client). */
const client = 'to-server';
const proxy = 'to-client';

type Flow = Stages & {
  stage: { [client]: ClientStage; [proxy]: ProxyStage };
  offered: readonly number[];
  user?: string;
  /** The request's version and target (`version=5 target=host:port`), repeated in the reply's event. */
  requested?: string;
  /** The connection's parser context (how deep in tunnels it is, the protocols its tunnel may carry). */
  context: ParserContext;
  /** Replies the proxy still owes: a BIND has two (4 and 5), when it listens and when the peer connects. */
  replies: number;
  /** The request's command (socksCommands). */
  command?: number;
  /** The client's octets sent before the proxy's reply decided, and losses among them (held-until-answer.ts). */
  early?: HeldUntilAnswer | undefined;
  /** What the tunnel carries, read once the proxy grants it (TLS hellos, an HTTP request, Redis...). */
  tunnel?: TunnelInner;
};

const operation = (out: Out, direction: Direction, name: string, detail: string): void =>
  pushOperation(out, 'socks', direction, name, detail);

const target = (host: string, port: number): string => `target=${host.slice(0, 255)}:${port}`;

const request4: Step<Flow> = (flow, b, at, out) =>
  consumed(readRequest4(b, at), (r) => {
    const user = r.user === '' ? '' : ` user=${r.user.slice(0, 64)}`;
    flow.requested = `version=4 ${target(r.host, r.port)}`;
    operation(out, 'to-server', socksCommands[r.command] ?? 'CONNECT', `${flow.requested}${user}`);
    flow.command = r.command;
    // SOCKS 4 BIND (command 2): a reply when the proxy listens, another when the peer connects.
    flow.replies = r.command === 2 ? 2 : 1;
    flow.stage[client] = 'tunnel';
    flow.stage[proxy] = 'reply4';
  });

const request5: Step<Flow> = (flow, b, at, out) =>
  consumed(readRequest(b, at), (r) => {
    flow.requested = `version=5 ${target(r.host, r.port)}`;
    operation(out, 'to-server', socksCommands[r.command] ?? 'CONNECT', flow.requested);
    flow.command = r.command;
    // BIND (2): a reply when the proxy listens, another when the peer connects, then the tunnel (RFC 1928 §6). UDP
    // ASSOCIATE (3): the datagrams go through a relay the reply names (socks-udp-relay.ts); nothing follows here.
    flow.replies = r.command === 2 ? 2 : 1;
    flow.stage[client] = r.command === 3 ? 'stopped' : 'tunnel';
  });

const greeting: Step<Flow> = (flow, b, at, out) =>
  b[at] === 4
    ? request4(flow, b, at, out)
    : consumed(readGreeting(b, at), (g) => {
        flow.offered = g.methods;
        operation(out, 'to-server', 'greeting', `version=5 methods=${g.methods.map(methodName).join(',')}`);
        flow.stage[client] = 'login-or-request';
      });

const loginOrRequest: Step<Flow> = (flow, b, at, out) =>
  b[at] === 1 && flow.offered.includes(2)
    ? consumed(readPasswordLogin(b, at), (login) => {
        flow.user = login.user;
        operation(out, 'to-server', 'login', `user=${login.user.slice(0, 64)}`);
        flow.stage[client] = 'request';
      })
    : request5(flow, b, at, out);

const clientSteps: Readonly<Record<string, Step<Flow>>> = {
  greeting,
  'login-or-request': loginOrRequest,
  request: request5,
};

const loginOutcome = (flow: Flow, ok: boolean, out: Out): void => {
  const event: DbAuthEvent = {
    kind: 'db-auth',
    ts: out.ts,
    direction: 'to-client',
    dialect: 'socks',
    ok,
    method: 'cleartext',
  };
  if (flow.user !== undefined) event.user = flow.user.slice(0, 256);
  out.events.push(event);
};

/**
 * `succeeded version=5 target=host:port`: the outcome, what was asked for when the request was read, and for a BIND
 * or a UDP ASSOCIATE the command and the address the reply names (socks-udp-relay.ts).
 */
const replyDetail = (flow: Flow, code: number, reply: Address & { granted: boolean }): string => {
  const outcome = flow.requested === undefined ? replyName(code) : `${replyName(code)} ${flow.requested}`;
  return `${outcome}${boundDetail(flow.command, reply, flow.replies <= 1)}`;
};

/** `ts`: when the tunnel opens, if it does now (what it tells itself is told no earlier). */
const tunnelOf = (flow: Flow, ts: number): TunnelInner => {
  flow.tunnel ??= createTunnelInner('socks', flow.context, ts);
  return flow.tunnel;
};

/** The client's octets held for the reply go to the tunnel, in the order they came, with their losses. */
const releaseEarly = (flow: Flow, out: Out): void => {
  const early = flow.early;
  flow.early = undefined;
  if (early === undefined) return;
  const tunnel = tunnelOf(flow, out.ts);
  early.open({
    parse: (bytes, direction, ts) => out.events.push(...tunnel.parse(bytes, direction, ts)),
    gap: (direction, lost) => out.events.push(...tunnel.gap(direction, lost)),
  });
};

/** The proxy granted the tunnel: it opens, the client's octets sent before the reply read first. */
const grant = (flow: Flow, out: Out): void => {
  flow.stage[proxy] = 'tunnel';
  releaseEarly(flow, out);
};

/**
 * No tunnel follows (a refusal, a failed login, no acceptable method, or a command whose stream is not read): the
 * proxy closes the connection (RFC 1928 §6), and what the client sent before it replied reached no one.
 */
const noTunnel = (flow: Flow): void => {
  stopDirection(flow, proxy);
  stopDirection(flow, client);
  flow.early = undefined;
};

const proxySteps: Readonly<Record<string, Step<Flow>>> = {
  reply4: (flow, b, at, out) =>
    consumed(readReply4(b, at), (r) => {
      const granted = r.code === 0x5a;
      operation(out, 'to-client', 'reply', replyDetail(flow, r.code, { ...r, granted }));
      flow.replies -= 1;
      if (r.code !== 0x5a) noTunnel(flow);
      else if (flow.replies <= 0) grant(flow, out);
    }),
  selection: (flow, b, at, out) =>
    consumed(readSelection(b, at, flow.offered), ({ method }) => {
      operation(out, 'to-client', 'method', methodName(method));
      if (method === 0xff) noTunnel(flow);
      else flow.stage[proxy] = method === 2 ? 'login-status' : 'reply';
    }),
  'login-status': (flow, b, at, out) =>
    consumed(readPasswordStatus(b, at), ({ ok }) => {
      loginOutcome(flow, ok, out);
      if (ok) flow.stage[proxy] = 'reply';
      else noTunnel(flow);
    }),
  reply: (flow, b, at, out) =>
    consumed(readReply(b, at), (r) => {
      operation(out, 'to-client', 'reply', replyDetail(flow, r.code, { ...r, granted: r.code === 0 }));
      flow.replies -= 1;
      if (r.code === 0 && flow.command === 3) out.events.push(...relayAnnounced(r, out.ts));
      if (r.code !== 0 || flow.stage[client] === 'stopped') noTunnel(flow);
      else if (flow.replies <= 0) grant(flow, out);
    }),
};

const earlyOf = (flow: Flow): HeldUntilAnswer => {
  flow.early ??= createHeldUntilAnswer();
  return flow.early;
};

/** The proxy has yet to say whether the tunnel opens: its reply, or a message before it, is still to be read. */
const deciding = (flow: Flow): boolean => flow.stage[proxy] !== 'tunnel' && flow.stage[proxy] !== 'stopped';

/**
 * The tunnel's octets, read as the protocol they are. The client's may come before the proxy's reply: they are held
 * (held-until-answer.ts) until it grants the tunnel (read) or refuses it (dropped).
 */
const intoTunnel = (flow: Flow, rest: Uint8Array, direction: Direction, out: Out): void => {
  if (rest.length === 0) return;
  if (direction === client && deciding(flow)) earlyOf(flow).hold(rest, direction, out.ts);
  else out.events.push(...tunnelOf(flow, out.ts).parse(rest, direction, out.ts));
};

/**
 * The proxy's side stopped before a reply could be read (octets lost, or not a SOCKS message): whether it granted the
 * tunnel is unknown, and most requests are granted, so the client's held octets are read, as they were before they
 * were held; the proxy's side is not (where its reply ended is unknown).
 */
const settle = (flow: Flow, out: Out): void => {
  if (flow.early !== undefined && flow.stage[proxy] === 'stopped') releaseEarly(flow, out);
};

const stepper: Stepper<Flow> = {
  steps: { [client]: clientSteps, [proxy]: proxySteps },
  maxHeld,
  tunnel: intoTunnel,
};

/** `context`: how deep in tunnels the connection is, and what its tunnel may carry (see Protocol.createParser). */
const createSocksParser = (context?: ParserContext) => {
  const flow: Flow = {
    stage: { [client]: 'greeting', [proxy]: 'selection' },
    held: heldNothing(),
    offered: [],
    context: parserContext(context),
    replies: 1,
  };
  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const out: Out = { events: [], ts };
      // The proxy speaks only after the client's greeting or version 4 request.
      if (direction === proxy && flow.stage[client] === 'greeting') stopDirection(flow, direction);
      runSteps(stepper, flow, chunk, direction, out);
      settle(flow, out);
      return out.events;
    },
    /**
     * A loss in the tunnel is the inner parser's to skip or stop at (one among the client's octets held for the reply
     * is told it in its place); in the handshake it stops the direction.
     */
    gap(direction: Direction, lost?: number): ProtocolEvent[] {
      if (flow.stage[direction] === 'tunnel') {
        if (direction === proxy || !deciding(flow)) return tunnelOf(flow, 0).gap(direction, lost);
        earlyOf(flow).lose(direction, lost);
        return [];
      }
      stopDirection(flow, direction);
      const out: Out = { events: [], ts: 0 };
      settle(flow, out);
      return out.events;
    },
    /** Octets still held for a reply that never came reached no one: dropped. */
    end: (): ProtocolEvent[] => flow.tunnel?.end() ?? [],
  };
};

export const socks: Protocol = {
  id: 'socks',
  transport: 'tcp',
  ports: [1080],
  encrypted: false,
  detect: detectSocks,
  createParser: createSocksParser,
};
