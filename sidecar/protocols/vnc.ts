/**
 * VNC's RFB protocol (vnc-message.ts), detected from either side's ProtocolVersion line. The handshake as events:
 * versions, the security types offered and chosen, a VNC authentication's outcome as a db-auth event (for
 * db-auth-brute-force; the DES challenge and response are never kept), and the desktop's name and size. What
 * follows (framebuffer updates, keystrokes) is not read.
 */
import type { DbAuthEvent, Direction, ProtocolEvent } from '../events.ts';
import { consumed, type Out, pushOperation, verdict } from './handshake-read.ts';
import type { Detection, Protocol } from './protocol.ts';
import {
  readSecurityResult,
  readSecurityType33,
  readSecurityTypes,
  readServerInit,
  readVersion,
  securityName,
} from './vnc-message.ts';
import { joinParts } from './wire-bytes.ts';

const maxHeld = 70_000;

type Flow = {
  server: string;
  client: string;
  held: Record<Direction, Uint8Array>;
  /** The client's version: 3.3 servers choose the type themselves, 3.8 explain a failure. */
  version?: string;
  /** The security type in force (the client's choice, or a 3.3 server's). */
  security?: number;
};

type Step = (flow: Flow, b: Uint8Array, at: number, out: Out) => number;

const operation = (out: Out, direction: Direction, name: string, detail: string): void =>
  pushOperation(out, 'vnc', direction, name, detail);

/** After the security handshake: 3.8 always answers with a SecurityResult, earlier versions only for VNC auth. */
const afterSecurity = (flow: Flow, type: number): void => {
  if (type === 2) {
    flow.server = 'challenge';
    flow.client = 'response';
  } else if (type === 1) {
    flow.server = flow.version === '3.8' ? 'result' : 'init';
    flow.client = 'init';
  } else {
    // TLS, VeNCrypt, Tight, SASL...: sub-protocols not read.
    flow.server = 'stopped';
    flow.client = 'stopped';
  }
};

const serverSteps: Readonly<Record<string, Step>> = {
  version: (flow, b, at, out) =>
    consumed(readVersion(b, at), ({ version }) => {
      operation(out, 'to-client', 'version', `RFB ${version}`);
      flow.server = 'security';
    }),
  security: (flow, b, at, out) => {
    if (flow.version === undefined) return 0;
    const read = flow.version === '3.3' ? readSecurityType33(b, at) : readSecurityTypes(b, at);
    return consumed(read, ({ types, reason }) => {
      if (types.length === 0) {
        operation(out, 'to-client', 'refused', reason ?? '');
        flow.server = 'stopped';
        return;
      }
      operation(out, 'to-client', 'security-types', types.map(securityName).join(','));
      if (flow.version === '3.3') {
        flow.security = types[0] as number;
        afterSecurity(flow, flow.security);
      } else flow.server = 'wait';
    });
  },
  wait: () => 0,
  challenge: (flow, b, at) => {
    if (b.length < at + 16) return 0;
    flow.server = 'result';
    return 16;
  },
  result: (flow, b, at, out) =>
    consumed(readSecurityResult(b, at, flow.version === '3.8'), ({ ok, reason }) => {
      if (flow.security === 2) {
        const event: DbAuthEvent = {
          kind: 'db-auth',
          ts: out.ts,
          direction: 'to-client',
          dialect: 'vnc',
          ok,
          method: 'other',
        };
        if (reason !== undefined) event.message = reason.slice(0, 256);
        out.events.push(event);
      }
      flow.server = ok ? 'init' : 'stopped';
    }),
  init: (flow, b, at, out) =>
    consumed(readServerInit(b, at), ({ width, height, name }) => {
      operation(out, 'to-client', 'desktop', `name=${name.slice(0, 128)} size=${width}x${height}`);
      flow.server = 'stopped';
    }),
};

const clientSteps: Readonly<Record<string, Step>> = {
  version: (flow, b, at, out) =>
    consumed(readVersion(b, at), ({ version }) => {
      flow.version = version;
      operation(out, 'to-server', 'version', `RFB ${version}`);
      flow.client = version === '3.3' ? 'wait' : 'choice';
    }),
  choice: (flow, b, at, out) => {
    const type = b[at];
    if (type === undefined) return 0;
    flow.security = type;
    operation(out, 'to-server', 'security', securityName(type));
    afterSecurity(flow, type);
    return 1;
  },
  wait: () => 0,
  response: (flow, b, at) => {
    if (b.length < at + 16) return 0;
    flow.client = 'init';
    return 16;
  },
  init: (flow, b, at) => {
    if (b[at] === undefined) return 0;
    flow.client = 'stopped';
    return 1;
  },
};

const stageOf = (flow: Flow, direction: Direction): string =>
  direction === 'to-server' ? flow.client : flow.server;

const readSteps = (flow: Flow, b: Uint8Array, direction: Direction, out: Out): number => {
  let at = 0;
  while (at < b.length) {
    const step = (direction === 'to-server' ? clientSteps : serverSteps)[stageOf(flow, direction)];
    if (step === undefined) return -1;
    const size = step(flow, b, at, out);
    if (size < 0) return -1;
    if (size === 0) break;
    at += size;
  }
  return at;
};

const stop = (flow: Flow, direction: Direction): void => {
  if (direction === 'to-server') flow.client = 'stopped';
  else flow.server = 'stopped';
  flow.held[direction] = new Uint8Array(0);
};

const run = (flow: Flow, chunk: Uint8Array, direction: Direction, out: Out): void => {
  if (stageOf(flow, direction) === 'stopped') return;
  const held = flow.held[direction];
  const b = held.length === 0 ? chunk : joinParts([held, chunk], held.length + chunk.length);
  const at = readSteps(flow, b, direction, out);
  const rest = b.length - at;
  if (at < 0 || rest > maxHeld) stop(flow, direction);
  // Bytes a stage waits on the other side for (a server's challenge before the client's choice is read) stay held
  // until this direction's next chunk: a parse call tells only events of its own direction.
  else flow.held[direction] = rest === 0 ? new Uint8Array(0) : b.slice(at);
};

const createVncParser = () => {
  const flow: Flow = {
    server: 'version',
    client: 'version',
    held: { 'to-server': new Uint8Array(0), 'to-client': new Uint8Array(0) },
  };
  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const out: Out = { events: [], ts };
      run(flow, chunk, direction, out);
      return out.events;
    },
    gap(direction: Direction): void {
      stop(flow, direction);
    },
  };
};

const detectVnc = (bytes: Uint8Array): Detection => verdict(readVersion(bytes, 0));

export const vnc: Protocol = {
  id: 'vnc',
  transport: 'tcp',
  ports: [5900],
  encrypted: false,
  detect: detectVnc,
  createParser: createVncParser,
};
