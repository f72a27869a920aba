/** DNS NULL records: a query for type NULL (10), which no ordinary resolver use needs and DNS tunnels (iodine) favour. */
import { readsEvery } from '../engine/event-read.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('medium', {});

export const dnsTypeNull: Threat<typeof config, undefined> = {
  id: 'dns-type-null',
  on: ['dns-message'],
  reads: [readsEvery('dns-message')],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { config: c }): ThreatHit[] {
    if (event.kind !== 'dns-message' || event.isResponse) return noHits;
    const question = event.questions.find(
      (q) => q.type.toUpperCase() === 'NULL' || q.type === '10' || q.type === 'TYPE10',
    );
    if (question === undefined) return noHits;
    return [
      {
        threat: 'dns-type-null',
        severity: c.severity,
        confidence: 0.9,
        evidence: `NULL query for ${question.name.slice(0, 253)}`,
        ts: event.ts,
      },
    ];
  },
};
