/**
 * RDP used against its server (MITRE ATT&CK T1210). BlueKeep (CVE-2019-0708, CISA KEV, wormable): a client asking
 * for a static virtual channel named `MS_T120`, which a vulnerable server (Windows XP to 7, Server 2003 to 2008 R2)
 * binds to its own internal channel of that name, freeing it twice once the client closes it. No client has a reason
 * to name it: zerosum0x0's and Metasploit's checks and the exploits do, in any case and any position of the list.
 * Seen where the client's MCS Connect Initial is in the clear, that is with Standard RDP Security (what those checks
 * ask for); inside TLS it is not seen.
 */
import { readsFirst } from '../engine/event-read.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('critical', {});

/** One finding per flow: a check names the channel once, and the flow is one attempt. */
type State = { told: boolean };

export const rdpAbuse: Threat<typeof config, State> = {
  id: 'rdp-abuse',
  on: ['operation'],
  // The client's opening only: the parser reads nothing after the MCS Connect Initial.
  reads: [{ ...readsFirst('operation'), directions: ['to-server'], protocols: ['rdp'] }],
  config,
  scope: 'flow',
  initialState: () => ({ told: false }),
  inspect(event, state, { config: c }): ThreatHit[] {
    if (event.kind !== 'operation' || event.channels === undefined || state.told) return noHits;
    const channel = event.channels.find((name) => name.length === 7 && name.toLowerCase() === 'ms_t120');
    if (channel === undefined) return noHits;
    state.told = true;
    const evidence = `RDP client asked for the static virtual channel ${channel} (BlueKeep, CVE-2019-0708: a check or an exploit); its channels ${event.channels.join(',').slice(0, 200)}`;
    return [{ threat: 'rdp-abuse', severity: c.severity, confidence: 0.95, evidence, ts: event.ts }];
  },
};
