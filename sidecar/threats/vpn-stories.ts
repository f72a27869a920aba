/**
 * What the WireGuard and OpenVPN parsers' operation events say about a tunnel, as a vpn-tunnel story: who it goes to,
 * whether the other end answered, what went through it. Surer steps outrank weaker ones in the flow's finding: an
 * unanswered first message (0.6), data whose handshake came before the capture (0.7), an answered handshake (0.95),
 * and the flow's end (0.97, or 0.6 when it was never answered), which names the octets the tunnel carried.
 */
import type { Endpoint } from '#core/finding.ts';
import type { OperationEvent } from '../events.ts';
import type { Story } from './operation-story.ts';
import type { FlowContext } from './threat.ts';

/** The value of `name=` in a parser's `key=value` detail ('' when absent): a split, no pattern to backtrack. */
export const field = (detail: string | undefined, name: string): string => {
  const prefix = `${name}=`;
  for (const part of (detail ?? '').split(' ')) if (part.startsWith(prefix)) return part.slice(prefix.length);
  return '';
};

export const endpoint = ({ ip, port }: Endpoint): string =>
  ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;

/** Octets in the units a person reads (decimal, as network counters are). */
export const octetsText = (n: number): string => {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} octets`;
};

/** The payload both ways, from the engine's counts (the whole flow) or else the parser's. */
export const carried = (flow: FlowContext, detail: string | undefined): string => {
  const counted = flow.bytes === undefined ? undefined : flow.bytes.toServer + flow.bytes.toClient;
  return octetsText(counted ?? (Number(field(detail, 'octets')) || 0));
};

export const plural = (n: number, one: string): string => (n === 1 ? `1 ${one}` : `${n} ${one}s`);

const wireguardEnd = (event: OperationEvent, flow: FlowContext): Story | undefined => {
  const server = endpoint(flow.server);
  const handshake = field(event.detail, 'handshake');
  const rekeys = Number(field(event.detail, 'rekeys')) || 0;
  const through = `${carried(flow, event.detail)} through the tunnel`;
  if (handshake === 'completed') {
    const more = rekeys > 0 ? `, ${plural(rekeys, 'rekey')}` : '';
    return { evidence: `WireGuard handshake completed with ${server}, ${through}${more}`, confidence: 0.97 };
  }
  if (handshake === 'initiated')
    return { evidence: `WireGuard handshake initiations to ${server}, never answered`, confidence: 0.6 };
  const [up = '0', down = '0'] = field(event.detail, 'data').split('/');
  if (Number(up) > 0 && Number(down) > 0)
    return {
      evidence: `WireGuard data both ways with ${server} (its handshake before the capture), ${through}`,
      confidence: 0.8,
    };
  return undefined;
};

const wireguardStory = (event: OperationEvent, flow: FlowContext): Story | undefined => {
  const server = endpoint(flow.server);
  switch (event.operation) {
    case 'handshake-initiation':
      if (field(event.detail, 'handshakes') !== '0') return undefined;
      return { evidence: `WireGuard handshake initiation to ${server}, not answered yet`, confidence: 0.6 };
    case 'cookie-reply':
      return {
        evidence: `WireGuard server ${server} answered with a cookie reply (under load)`,
        confidence: 0.7,
      };
    case 'handshake-completed':
      return { evidence: `WireGuard handshake completed with ${server}`, confidence: 0.95 };
    case 'transport':
      if (field(event.detail, 'handshake') !== 'unseen') return undefined;
      return {
        evidence: `WireGuard data with ${server} (its handshake before the capture)`,
        confidence: 0.7,
      };
    case 'tunnel':
      return wireguardEnd(event, flow);
    default:
      return undefined;
  }
};

/** OpenVPN's mode as a person reads it. */
const modeText = (detail: string | undefined): string => {
  const mode = field(detail, 'mode');
  return mode === '' ? 'OpenVPN' : `OpenVPN (${mode})`;
};

const openvpnEnd = (event: OperationEvent, flow: FlowContext): Story | undefined => {
  const server = endpoint(flow.server);
  const name = modeText(event.detail);
  const session = field(event.detail, 'session');
  const renegotiations = Number(field(event.detail, 'renegotiations')) || 0;
  const through = `${carried(flow, event.detail)} through the tunnel`;
  if (session === 'answered') {
    const more = renegotiations > 0 ? `, ${plural(renegotiations, 'key renegotiation')}` : '';
    return { evidence: `${name} session with ${server} answered, ${through}${more}`, confidence: 0.97 };
  }
  if (session === 'client-only')
    return { evidence: `${name} client resets to ${server}, never answered`, confidence: 0.6 };
  return undefined;
};

const openvpnStory = (event: OperationEvent, flow: FlowContext): Story | undefined => {
  const server = endpoint(flow.server);
  switch (event.operation) {
    case 'hard-reset-client':
      return {
        evidence: `${modeText(event.detail)} client reset to ${server}, not answered yet`,
        confidence: 0.6,
      };
    case 'session-answered': {
      // tls-crypt encrypts the echo (by=reset): a server reset after the client's is what was seen.
      const how =
        field(event.detail, 'by') === 'echo'
          ? "its reset echoes the client's session id"
          : "a server reset answered the client's";
      return { evidence: `${modeText(event.detail)} session with ${server}: ${how}`, confidence: 0.95 };
    }
    case 'tunnel':
      return openvpnEnd(event, flow);
    default:
      return undefined;
  }
};

export const vpnStory = (event: OperationEvent, flow: FlowContext): Story | undefined =>
  event.protocol === 'wireguard' ? wireguardStory(event, flow) : openvpnStory(event, flow);
