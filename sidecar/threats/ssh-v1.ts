/** SSH protocol version 1: a banner announcing SSH-1.x (and, optionally, 1.99, which still accepts version 1). */

import { z } from 'zod';
import { readsFirst } from '../engine/event-read.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('high', {
  /** Report `SSH-1.99` banners (version 2 with version 1 fallback) too. */
  compatibility: z.boolean().default(true),
});

export const sshV1: Threat<typeof config, undefined> = {
  id: 'ssh-v1',
  on: ['ssh-banner'],
  reads: [readsFirst('ssh-banner')],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { config: c }): ThreatHit[] {
    if (event.kind !== 'ssh-banner' || !event.protocolVersion.startsWith('1.')) return noHits;
    const fallback = event.protocolVersion === '1.99';
    if (fallback && !c.compatibility) return noHits;
    const side = event.direction === 'to-server' ? 'client' : 'server';
    const evidence = `${side} banner SSH-${event.protocolVersion}-${event.software.slice(0, 64)}`;
    return [
      {
        threat: 'ssh-v1',
        severity: fallback ? 'medium' : c.severity,
        confidence: fallback ? 0.6 : 1,
        evidence,
        ts: event.ts,
      },
    ];
  },
};
