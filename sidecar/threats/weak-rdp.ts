/**
 * Weak RDP: a server that accepts Standard RDP Security ([MS-RDPBCGR] §5.3), without TLS and without Network Level
 * Authentication. Its RC4 keys come from a client random sent under an RSA key the client cannot verify (a man in the
 * middle reads and changes the session, passwords included), and without NLA anyone reaches the logon screen and the
 * server's code before authenticating (BlueKeep's way in). Like weak-ssh and smb-v1: one finding per flow, a setting
 * of the server, whatever the client.
 */
import { readsFirst } from '../engine/event-read.ts';
import type { OperationEvent } from '../events.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('medium', {});

/** `asked`: the protocols the client's Connection Request asked for beyond Standard RDP Security, when it did. */
type State = { told: boolean; asked?: string };

/** rdp-parser.ts's `connect` detail: `requested=ssl,hybrid` among its words. */
const requested = /(?:^| )requested=(\S+)/;

/**
 * The server's explicit choice (an RDP_NEG_RSP selecting PROTOCOL_RDP: `negotiated protocol=rdp`) or its MCS Connect
 * Response under Standard RDP Security (`server-security`). A bare confirm (`protocol=rdp implied`, to a client that
 * asked for nothing better) is not enough: xrdp with `security_layer=tls` sends one, then ends the session.
 */
const story = (
  event: OperationEvent,
  asked?: string,
): { evidence: string; confidence: number } | undefined => {
  if (event.operation === 'negotiated' && event.detail === 'protocol=rdp') {
    const over = asked === undefined ? '' : ` over the ${asked} the client asked for`;
    return { evidence: `RDP server chose Standard RDP Security (no TLS, no NLA)${over}`, confidence: 0.9 };
  }
  if (event.operation !== 'server-security') return undefined;
  const what =
    event.detail?.startsWith('encryption=none') === true ? 'and no encryption at all' : event.detail;
  return {
    evidence: `RDP server went on with Standard RDP Security, no TLS, no NLA (${what ?? ''})`,
    confidence: 1,
  };
};

export const weakRdp: Threat<typeof config, State> = {
  id: 'weak-rdp',
  on: ['operation'],
  // The client's request, the server's confirm and MCS Connect Response; the parser reads nothing after them.
  reads: [{ ...readsFirst('operation'), protocols: ['rdp'] }],
  config,
  scope: 'flow',
  initialState: (): State => ({ told: false }),
  inspect(event, state, { config: c }): ThreatHit[] {
    if (event.kind !== 'operation' || event.protocol !== 'rdp' || state.told) return noHits;
    if (event.direction === 'to-server') {
      const asked = event.operation === 'connect' ? requested.exec(event.detail ?? '')?.[1] : undefined;
      if (asked !== undefined && asked !== 'rdp') state.asked = asked;
      return noHits;
    }
    const found = story(event, state.asked);
    if (found === undefined) return noHits;
    state.told = true;
    return [{ threat: 'weak-rdp', severity: c.severity, ...found, ts: event.ts }];
  },
};
