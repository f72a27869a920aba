/**
 * Flows a control connection announced (FTP's data connections, a SOCKS UDP relay's datagrams): where they will go,
 * over which transport, who will open them, and what they carry. A new flow to an announced address and port, from
 * the control connection's other side, takes the announced protocol and is not detected (a file's bytes say nothing
 * about the protocol). Each announcement is used once and forgotten after two minutes of capture time; at most 256
 * are held (the oldest go first). A UDP flow's (or a TCP flow picked up without its handshake's) client and server are
 * a guess from its ports (flow/orient.ts), wrong when the opener's port is lower than the listener's: such a flow
 * matches with its ends the other way round, and is to be turned round (the listener its server).
 */
import type { Endpoint } from '#core/finding.ts';
import type { ProtocolId } from '#core/protocol-id.ts';
import type { ExpectedFlowEvent } from '../events.ts';
import type { Flow, Orientation } from '../flow/flow.ts';

const maxHeld = 256;
const lifetimeMs = 120_000;

type Expected = { protocol: ProtocolId; from: string; until: number };

/** A flow's key: its transport, its server's address and port (a UDP relay and a TCP listener may share a port). */
const keyOf = (transport: string, ip: string, port: number): string => `${transport} ${ip} ${port}`;

/** An announced flow found: its protocol, and whether the listener is the flow's client as first oriented. */
export type Announced = { protocol: ProtocolId; reversed: boolean };

/** Orientations from a handshake are known, not guessed: only a guessed one may be the wrong way round. */
const guessed = (orientation: Orientation): boolean => orientation !== 'syn' && orientation !== 'syn-ack';

type Looked = Pick<Flow<unknown>, 'client' | 'server' | 'transport' | 'orientation'>;

export type ExpectedFlows = {
  /** A control flow's announcement. */
  add(control: Pick<Flow<unknown>, 'client' | 'server'>, event: ExpectedFlowEvent): void;
  /**
   * What was announced for a new flow (its server address and port, from the expected client; or, its orientation
   * guessed, its client's from the expected server: `reversed`), once.
   */
  take(flow: Looked, ts: number): Announced | undefined;
  readonly size: number;
};

export const createExpectedFlows = (): ExpectedFlows => {
  const held = new Map<string, Expected>();
  const put = (key: string, expected: Expected): void => {
    held.delete(key);
    held.set(key, expected);
    if (held.size > maxHeld) held.delete(held.keys().next().value as string);
  };
  /** The protocol announced for a listener, used up when `opener` is the expected one and the announcement is live. */
  const use = (transport: string, listener: Endpoint, opener: string, ts: number): ProtocolId | undefined => {
    const key = keyOf(transport, listener.ip, listener.port);
    const expected = held.get(key);
    if (expected === undefined) return undefined;
    if (ts > expected.until) held.delete(key);
    // Someone else connecting first does not use up the announcement: only the expected opener does.
    if (ts > expected.until || expected.from !== opener) return undefined;
    held.delete(key);
    return expected.protocol;
  };
  return {
    add(control, event) {
      const [listener, opener] =
        event.listener === 'server' ? [control.server, control.client] : [control.client, control.server];
      const expected = { protocol: event.protocol, from: opener.ip, until: event.ts + lifetimeMs };
      const transport = event.transport ?? 'tcp';
      put(keyOf(transport, listener.ip, event.port), expected);
      // The address announced may differ from the one seen (NAT, or a server told to announce another): both count.
      if (event.ip !== undefined && event.ip !== listener.ip)
        put(keyOf(transport, event.ip, event.port), expected);
    },
    take(flow, ts) {
      if ((flow.transport !== 'tcp' && flow.transport !== 'udp') || held.size === 0) return undefined;
      const protocol = use(flow.transport, flow.server, flow.client.ip, ts);
      if (protocol !== undefined) return { protocol, reversed: false };
      if (!guessed(flow.orientation)) return undefined;
      const reversed = use(flow.transport, flow.client, flow.server.ip, ts);
      return reversed === undefined ? undefined : { protocol: reversed, reversed: true };
    },
    get size() {
      return held.size;
    },
  };
};
