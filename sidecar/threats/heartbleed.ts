/** Heartbleed (CVE-2014-0160): a TLS heartbeat whose declared payload is longer than the record that carries it. */
import { readsEvery } from '../engine/event-read.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('critical', {});
/** RFC 6520 §4: type (1) + payload_length (2) + payload + at least 16 bytes of padding. */
const overhead = 3 + 16;
const heartbeat = 24;

export const heartbleed: Threat<typeof config, undefined> = {
  id: 'heartbleed',
  on: ['tls-record'],
  reads: [readsEvery('tls-record')],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { config: c }): ThreatHit[] {
    if (event.kind !== 'tls-record' || event.contentType !== heartbeat) return noHits;
    const declared = event.heartbeatPayloadLength;
    if (declared === undefined || declared + overhead <= event.length) return noHits;
    const evidence = `heartbeat ${event.direction === 'to-server' ? 'request' : 'response'} declares ${declared} payload bytes in a ${event.length}-byte record`;
    return [{ threat: 'heartbleed', severity: c.severity, confidence: 0.95, evidence, ts: event.ts }];
  },
};
