/**
 * SMB version 1 (MS-CIFS): a server that negotiates it, or a client that offers nothing newer. SMB1 is what
 * EternalBlue (MS17-010, CVE-2017-0144) and its worms (WannaCry, NotPetya) spread through, has no pre-authentication
 * integrity, and Microsoft has deprecated it and no longer installs it; nDPI raises "SMB Insecure Version" for it.
 * Like ssh-v1: the protocol version itself is the finding, one per flow.
 */
import { z } from 'zod';
import { readsFirst } from '../engine/event-read.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('medium', {
  /** Report clients that offer only SMB1 dialects (none of `SMB 2.002`, `SMB 2.???`), whatever the server says. */
  clients: z.boolean().default(true),
});

/** The dialect strings that ask a server for SMB 2 or later in an SMB1 NEGOTIATE (MS-SMB2 §3.3.5.3.1). */
const smb2Dialects = new Set(['SMB 2.002', 'SMB 2.???']);

export const smbV1: Threat<typeof config, undefined> = {
  id: 'smb-v1',
  on: ['smb'],
  reads: [{ ...readsFirst('smb'), protocols: ['smb'] }],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { config: c }): ThreatHit[] {
    if (event.kind !== 'smb' || event.version !== 1 || event.command !== 'negotiate') return noHits;
    if (event.direction === 'to-client') {
      if (event.dialect === undefined || event.ok !== true) return noHits;
      const evidence = `server negotiated SMB1 (dialect ${event.dialect.slice(0, 64)})`;
      return [{ threat: 'smb-v1', severity: c.severity, confidence: 1, evidence, ts: event.ts }];
    }
    const offered = event.dialects ?? [];
    if (!c.clients || offered.length === 0 || offered.some((d) => smb2Dialects.has(d))) return noHits;
    const evidence = `client offers only SMB1 dialects (${offered.join(', ').slice(0, 200)})`;
    return [{ threat: 'smb-v1', severity: c.severity, confidence: 0.8, evidence, ts: event.ts }];
  },
};
