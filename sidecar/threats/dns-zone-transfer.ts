/** DNS zone transfer: an AXFR or IXFR request, which dumps a whole zone to whoever asks. */
import { readsEvery } from '../engine/event-read.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('medium', {});
const transferTypes = new Set(['AXFR', 'IXFR']);

export const dnsZoneTransfer: Threat<typeof config, undefined> = {
  id: 'dns-zone-transfer',
  on: ['dns-message'],
  reads: [readsEvery('dns-message')],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { config: c }): ThreatHit[] {
    if (event.kind !== 'dns-message' || event.isResponse) return noHits;
    const question = event.questions.find((q) => transferTypes.has(q.type.toUpperCase()));
    if (question === undefined) return noHits;
    const evidence = `${question.type.toUpperCase()} request for ${question.name.slice(0, 253)}`;
    return [{ threat: 'dns-zone-transfer', severity: c.severity, confidence: 1, evidence, ts: event.ts }];
  },
};
