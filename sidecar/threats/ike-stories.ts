/**
 * What the IKE parser's operation events (protocols/ike-packets.ts) say about an IPsec tunnel, as a vpn-tunnel story,
 * in the shape of WireGuard's and OpenVPN's (vpn-stories.ts, whose helpers it uses): an unanswered first request
 * (IKE_SA_INIT, or IKEv1's main or aggressive mode) 0.6, the first exchange answered 0.95, IKE_AUTH (IKEv1: aggressive
 * mode's answer or Quick Mode) answered 0.96, and the flow's end 0.97 (0.6 when never answered), naming the ESP packets
 * each way and the octets. A weak suite (RFC 8247: DES, 3DES, MD5 or SHA-1, MODP groups 1 and 2) and IKEv1 aggressive
 * mode with a pre-shared key, whose identity goes in the clear and whose hash an observer can crack offline (ike-scan's
 * psk-crack), are told in the same evidence: they belong to this tunnel, reported already.
 */
import type { OperationEvent } from '../events.ts';
import type { Story } from './operation-story.ts';
import type { FlowContext } from './threat.ts';
import { carried, endpoint, field } from './vpn-stories.ts';

const nameOf = (detail: string | undefined): string => `IPsec (IKEv${field(detail, 'version') || '?'})`;

/** The weak algorithms and aggressive mode's PSK in a detail, as a clause after the story (or nothing). */
const weakness = (detail: string | undefined): string => {
  const weak = field(detail, 'weak').split(',').filter(Boolean);
  const algorithms = weak.filter((w) => w !== 'AGGRESSIVE_PSK');
  const parts = algorithms.length > 0 ? [`weak ${algorithms.join(', ')}`] : [];
  if (weak.includes('AGGRESSIVE_PSK')) {
    const identity = field(detail, 'identity');
    const sent = identity === '' ? '' : `, identity ${identity} sent in the clear`;
    parts.push(
      `IKEv1 aggressive mode with a pre-shared key${sent} (its hash can be cracked offline: psk-crack)`,
    );
  }
  return parts.length === 0 ? '' : `; ${parts.join('; ')}`;
};

/** The suite, spaced as a person reads it. */
const suiteOf = (detail: string | undefined): string => {
  const suite = field(detail, 'suite');
  return suite === '' ? '' : ` (${suite.replaceAll(',', ' ')})`;
};

const ikeEnd = (event: OperationEvent, flow: FlowContext): Story | undefined => {
  const server = endpoint(flow.server);
  const name = nameOf(event.detail);
  const handshake = field(event.detail, 'handshake');
  if (handshake === 'initiated')
    return {
      evidence: `${name} requests to ${server}, never answered${weakness(event.detail)}`,
      confidence: 0.6,
    };
  if (handshake !== 'answered' && handshake !== 'auth-answered') return undefined;
  const [up = '0', down = '0'] = field(event.detail, 'esp').split('/');
  const how = handshake === 'auth-answered' ? 'authenticated' : 'answered';
  const natT = field(event.detail, 'nat-t') === 'yes' ? ' behind NAT traversal' : '';
  const esp = `ESP ${up}/${down} packets each way`;
  const weak = weakness(event.detail);
  return {
    evidence: `${name} with ${server} ${how}${natT}, ${esp}, ${carried(flow, event.detail)} in all${weak}`,
    confidence: 0.97,
  };
};

/** The first request of an exchange that opens an IKE SA, in the clear. */
const opening = (operation: string): boolean =>
  operation === 'IKE_SA_INIT request' ||
  operation === 'Main Mode request' ||
  operation === 'Aggressive Mode request';

export const ikeStory = (event: OperationEvent, flow: FlowContext): Story | undefined => {
  const server = endpoint(flow.server);
  const name = nameOf(event.detail);
  if (opening(event.operation)) {
    if (field(event.detail, 'encrypted') !== '0') return undefined;
    const exchange = event.operation.replace(/ request$/, '');
    return { evidence: `${name} ${exchange} request to ${server}, not answered yet`, confidence: 0.6 };
  }
  switch (event.operation) {
    case 'sa-answered': {
      const exchange = field(event.detail, 'exchange').replaceAll('-', ' ');
      const evidence = `${name} ${exchange} with ${server} answered${suiteOf(event.detail)}${weakness(event.detail)}`;
      return { evidence, confidence: 0.95 };
    }
    case 'auth-answered':
      return { evidence: `${name} IKE SA with ${server} authenticated`, confidence: 0.96 };
    case 'tunnel':
      return ikeEnd(event, flow);
    default:
      return undefined;
  }
};
