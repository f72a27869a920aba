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

type State = { told: boolean };

/**
 * The server's explicit choice (an RDP_NEG_RSP selecting PROTOCOL_RDP: `negotiated protocol=rdp`) or its MCS Connect
 * Response under Standard RDP Security (`server-security`). A bare confirm (`protocol=rdp implied`, to a client that
 * asked for nothing better) is not enough: xrdp with `security_layer=tls` sends one, then ends the session.
 */
const story = (event: OperationEvent): { evidence: string; confidence: number } | undefined => {
  if (event.operation === 'negotiated' && event.detail === 'protocol=rdp')
    return { evidence: 'RDP server chose Standard RDP Security (no TLS, no NLA)', confidence: 0.9 };
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
  // The server's confirm and MCS Connect Response; the parser reads nothing after them.
  reads: [{ ...readsFirst('operation'), directions: ['to-client'], protocols: ['rdp'] }],
  config,
  scope: 'flow',
  initialState: () => ({ told: false }),
  inspect(event, state, { config: c }): ThreatHit[] {
    if (event.kind !== 'operation' || event.protocol !== 'rdp' || event.direction !== 'to-client')
      return noHits;
    if (state.told) return noHits;
    const found = story(event);
    if (found === undefined) return noHits;
    state.told = true;
    return [{ threat: 'weak-rdp', severity: c.severity, ...found, ts: event.ts }];
  },
};
