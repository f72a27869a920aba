/**
 * An OpenVPN flow's story as operation events: the mode its first reset shows (`mode-plain`, `mode-tls-auth`,
 * `mode-tls-crypt`, `mode-tls-crypt-v2`), the client's and the server's hard resets (`hard-reset-client`,
 * `hard-reset-server`, with the mode their layout shows), `session-answered` when the server's reset echoes the
 * client's session id (or, under tls-crypt, where that id is encrypted, when a server reset answers a client's),
 * `key-renegotiation` when control packets move to a newer key id, `data` at the first data packet each way, and at the
 * flow's end `tunnel` (mode, whether answered, data packets each way, renegotiations, octets). In plain and tls-auth
 * modes the control channel's TLS is read too (openvpn-control-tls.ts). Over TCP each packet has a 2-octet length
 * (openvpn.ts); over UDP each datagram is one packet.
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import { operationEvent } from './client-events.ts';
import { createControlTls } from './openvpn-control-tls.ts';
import {
  isClientReset,
  isControl,
  isData,
  keyIdOf,
  opcodeNames,
  opcodeOf,
  opcodes,
  type ResetLayout,
  readClearControl,
  readReset,
  sessionText,
} from './openvpn-packet.ts';

/** Operation events told per flow (retransmitted resets are told once; renegotiations every hour or so). */
const maxEvents = 256;

export type OpenvpnPackets = {
  packet(p: Uint8Array, direction: Direction, ts: number): ProtocolEvent[];
  end(transport: 'udp' | 'tcp'): ProtocolEvent[];
  /** Octets counted for the end's story (TCP framing included), at capture time `ts`. */
  count(octets: number, ts: number): void;
};

/** A key id newer than `last`: ids run 0, 1, ... 7, then 1 again (0 only for the first session). */
const newer = (key: number, last: number): boolean =>
  key !== 0 && (key - last + 8) % 8 >= 1 && (key - last + 8) % 8 <= 3;

/** Whose session id a server's reset echoes: the client's, another's, or none readable (tls-crypt encrypts it). */
const echoOf = (p: Uint8Array, found: ResetLayout, client: string): 'client' | 'other' | 'encrypted' => {
  if (found.peerSession < 0) return 'encrypted';
  return sessionText(p, found.peerSession) === client ? 'client' : 'other';
};

/** Under tls-crypt the echo is encrypted: a server reset answering a client's reset is the evidence left. */
const answeredBy = (echoes: string, client: string): string => {
  if (echoes === 'client') return 'echo';
  return echoes === 'encrypted' && client !== '' ? 'reset' : '';
};

/** A hard reset as read: the packet, its layout, where it went and when, and the events it adds to. */
type Reset = { p: Uint8Array; found: ResetLayout; d: Direction; ts: number; out: ProtocolEvent[] };

export const createOpenvpnPackets = (): OpenvpnPackets => {
  const tls = createControlTls();
  let layout: ResetLayout | undefined;
  let client = '';
  let server = '';
  let answered = false;
  let lastKey = 0;
  let renegotiations = 0;
  let told = 0;
  let octets = 0;
  let lastTs = 0;
  const data: Record<Direction, number> = { 'to-server': 0, 'to-client': 0 };

  const tell = (out: ProtocolEvent[], ts: number, d: Direction, name: string, detail: string): void => {
    if (told >= maxEvents) return;
    told++;
    out.push(operationEvent('openvpn', ts, name, detail, d));
  };

  const onClientReset = ({ p, found, d, ts, out }: Reset, session: string): void => {
    client = session;
    const version = opcodeOf(p[0] ?? 0) === opcodes.hardResetClientV3 ? 3 : 2;
    tell(out, ts, d, 'hard-reset-client', `session=${session} mode=${found.mode} version=${version}`);
  };

  const onServerReset = ({ p, found, d, ts, out }: Reset, session: string): void => {
    server = session;
    const echoes = echoOf(p, found, client);
    tell(out, ts, d, 'hard-reset-server', `session=${session} mode=${found.mode} echoes=${echoes}`);
    const by = answeredBy(echoes, client);
    if (by === '' || answered) return;
    answered = true;
    tell(out, ts, d, 'session-answered', `client=${client} server=${server} mode=${found.mode} by=${by}`);
  };

  const onReset = (reset: Reset): void => {
    // The mode once, as an operation of its own, so the flow's summary names it (`mode-tls-crypt`).
    if (layout === undefined) tell(reset.out, reset.ts, reset.d, `mode-${reset.found.mode}`, '');
    layout ??= reset.found;
    // A retransmitted reset (the same session id again) is told once.
    const session = sessionText(reset.p, 1);
    if (isClientReset(opcodeOf(reset.p[0] ?? 0))) {
      if (session !== client) onClientReset(reset, session);
    } else if (session !== server) onServerReset(reset, session);
  };

  const onControl = (p: Uint8Array, op: number, d: Direction, ts: number, out: ProtocolEvent[]): void => {
    const key = keyIdOf(p[0] ?? 0);
    if (newer(key, lastKey)) {
      lastKey = key;
      renegotiations++;
      tell(out, ts, d, 'key-renegotiation', `key=${key} by=${opcodeNames[op] ?? op}`);
    }
    if (
      op !== opcodes.controlV1 ||
      layout === undefined ||
      layout.mode === 'tls-crypt' ||
      layout.mode === 'tls-crypt-v2'
    )
      return;
    const control = readClearControl(p, layout.hmac);
    if (control?.messageId === undefined) return;
    out.push(...tls.add(d, key, control.messageId, control.payload, ts));
  };

  return {
    count(n, ts) {
      octets += n;
      lastTs = ts;
    },
    packet(p, d, ts) {
      const first = p[0];
      if (first === undefined) return [];
      const op = opcodeOf(first);
      const out: ProtocolEvent[] = [];
      if (isData(op)) {
        data[d]++;
        if (data[d] === 1) tell(out, ts, d, 'data', `opcode=${opcodeNames[op]} key=${keyIdOf(first)}`);
        return out;
      }
      if (!isControl(op)) return out;
      const reset = readReset(p);
      if (reset !== undefined) onReset({ p, found: reset, d, ts, out });
      else onControl(p, op, d, ts, out);
      return out;
    },
    end(transport) {
      const session = answered
        ? 'answered'
        : client !== ''
          ? 'client-only'
          : server !== ''
            ? 'server-only'
            : 'none';
      const detail = [
        `mode=${layout?.mode ?? 'unknown'}`,
        `session=${session}`,
        `transport=${transport}`,
        `data=${data['to-server']}/${data['to-client']}`,
        `renegotiations=${renegotiations}`,
        `octets=${octets}`,
      ].join(' ');
      return [operationEvent('openvpn', lastTs, 'tunnel', detail, 'to-server')];
    },
  };
};
