/** Weak TLS: a server negotiating SSLv2, SSLv3, TLS 1.0 or 1.1, or a client whose best offer is one of them. */

import { z } from 'zod';
import { readsFirst } from '../engine/event-read.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('medium', {
  /** Versions considered weak, compared after lower-casing and removing everything but letters and digits. */
  weakVersions: z
    .array(z.string())
    .default(['ssl2', 'sslv2', 'ssl20', 'ssl3', 'sslv3', 'ssl30', 'tls10', 'tls1', 'tls11']),
  /** Also report clients that offer nothing better than a weak version. */
  clients: z.boolean().default(true),
});

const canonical = (version: string): string => version.toLowerCase().replace(/[^a-z0-9]/g, '');

export const weakTls: Threat<typeof config, undefined> = {
  id: 'weak-tls',
  on: ['tls-server-hello', 'tls-client-hello'],
  reads: [readsFirst('tls-server-hello'), readsFirst('tls-client-hello')],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { config: c }): ThreatHit[] {
    if (event.kind !== 'tls-server-hello' && event.kind !== 'tls-client-hello') return noHits;
    if (event.kind === 'tls-client-hello' && !c.clients) return noHits;
    if (!c.weakVersions.includes(canonical(event.version))) return noHits;
    const who = event.kind === 'tls-server-hello' ? 'server negotiated' : 'client offers at most';
    return [
      {
        threat: 'weak-tls',
        severity: c.severity,
        confidence: event.kind === 'tls-server-hello' ? 1 : 0.8,
        evidence: `${who} ${event.version}`,
        ts: event.ts,
      },
    ];
  },
};
