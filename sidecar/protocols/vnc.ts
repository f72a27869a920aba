/**
 * VNC's RFB protocol (vnc-message.ts), detected from either side's ProtocolVersion line. The handshake as events:
 * versions, the security types offered and chosen, a VNC authentication's outcome as a db-auth event (for
 * db-auth-brute-force; the DES challenge and response are never kept), and the desktop's name and size. What
 * follows (framebuffer updates, keystrokes) is not read.
 */
import type { DbAuthEvent, Direction, ProtocolEvent } from '../events.ts';
import { consumed, type Out, pushOperation, verdict } from './handshake-read.ts';
import {
  heldNothing,
  runSteps,
  type Stages,
  type Step,
  type Stepper,
  stopDirection,
} from './handshake-steps.ts';
import type { Detection, Protocol } from './protocol.ts';
import {
  readSecurityResult,
  readSecurityType33,
  readSecurityTypes,
  readServerInit,
  readVersion,
  securityName,
} from './vnc-message.ts';

const maxHeld = 70_000;

/** The client's side (to-server) and the server's (to-client). */
const client = 'to-server';
const server = 'to-client';

type Flow = Stages & {
  /** The client's version: 3.3 servers choose the type themselves, 3.8 explain a failure. */
  version?: string;
  /** The security type in force (the client's choice, or a 3.3 server's). */
  security?: number;
};

const operation = (out: Out, direction: Direction, name: string, detail: string): void =>
  pushOperation(out, 'vnc', direction, name, detail);

/** After the security handshake: 3.8 always answers with a SecurityResult, earlier versions only for VNC auth. */
const afterSecurity = (flow: Flow, type: number): void => {
  if (type === 2) {
    flow.stage[server] = 'challenge';
    flow.stage[client] = 'response';
  } else if (type === 1) {
    flow.stage[server] = flow.version === '3.8' ? 'result' : 'init';
    flow.stage[client] = 'init';
  } else {
    // TLS, VeNCrypt, Tight, SASL...: sub-protocols not read.
    flow.stage[server] = 'stopped';
    flow.stage[client] = 'stopped';
  }
};

const serverSteps: Readonly<Record<string, Step<Flow>>> = {
  version: (flow, b, at, out) =>
    consumed(readVersion(b, at), ({ version }) => {
      operation(out, 'to-client', 'version', `RFB ${version}`);
      flow.stage[server] = 'security';
    }),
  security: (flow, b, at, out) => {
    if (flow.version === undefined) return 0;
    const read = flow.version === '3.3' ? readSecurityType33(b, at) : readSecurityTypes(b, at);
    return consumed(read, ({ types, reason }) => {
      if (types.length === 0) {
        operation(out, 'to-client', 'refused', reason ?? '');
        flow.stage[server] = 'stopped';
        return;
      }
      operation(out, 'to-client', 'security-types', types.map(securityName).join(','));
      if (flow.version === '3.3') {
        flow.security = types[0] as number;
        afterSecurity(flow, flow.security);
      } else flow.stage[server] = 'wait';
    });
  },
  wait: () => 0,
  challenge: (flow, b, at) => {
    if (b.length < at + 16) return 0;
    flow.stage[server] = 'result';
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
      flow.stage[server] = ok ? 'init' : 'stopped';
    }),
  init: (flow, b, at, out) =>
    consumed(readServerInit(b, at), ({ width, height, name }) => {
      operation(out, 'to-client', 'desktop', `name=${name.slice(0, 128)} size=${width}x${height}`);
      flow.stage[server] = 'stopped';
    }),
};

const clientSteps: Readonly<Record<string, Step<Flow>>> = {
  version: (flow, b, at, out) =>
    consumed(readVersion(b, at), ({ version }) => {
      flow.version = version;
      operation(out, 'to-server', 'version', `RFB ${version}`);
      flow.stage[client] = version === '3.3' ? 'wait' : 'choice';
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
    flow.stage[client] = 'init';
    return 16;
  },
  init: (flow, b, at) => {
    if (b[at] === undefined) return 0;
    flow.stage[client] = 'stopped';
    return 1;
  },
};

const stepper: Stepper<Flow> = { steps: { [client]: clientSteps, [server]: serverSteps }, maxHeld };

const createVncParser = () => {
  const flow: Flow = { stage: { [client]: 'version', [server]: 'version' }, held: heldNothing() };
  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const out: Out = { events: [], ts };
      runSteps(stepper, flow, chunk, direction, out);
      return out.events;
    },
    gap(direction: Direction): void {
      stopDirection(flow, direction);
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
