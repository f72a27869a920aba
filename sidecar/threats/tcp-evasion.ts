/**
 * TCP evasion attempts: a flow whose packets disagree with themselves in ways only an attacker (or a badly broken
 * stack) produces, each of which the tap undid as the pod's Linux kernel does (docs/evasion.md): overlapping
 * segments with different bytes, resets and FINs the receiver drops, octets slipped in as urgent data, segments with
 * an old timestamp (PAWS), a bad checksum or flags the receiver discards, data past the receive window, with an
 * acknowledgement it refuses or an authentication option it does not expect. Reported once at the flow's end with the
 * counts; the attack they tried to hide is judged by the other detectors on what the pod received.
 */
import {
  anomalyCount,
  detectorConfig,
  noHits,
  type TcpAnomalies,
  type Threat,
  type ThreatHit,
} from './threat.ts';

const config = detectorConfig('medium', {});

const described = (a: TcpAnomalies): string[] =>
  [
    a.conflicts > 0 ? `${a.conflicts} overlapping segments with different bytes` : '',
    a.ignoredResets > 0 ? `${a.ignoredResets} resets without the next sequence number` : '',
    a.staleFins > 0 ? `${a.staleFins} FINs before bytes already delivered` : '',
    a.urgentOctets > 0 ? `${a.urgentOctets} octets sent as urgent data` : '',
    a.pawsDrops > 0 ? `${a.pawsDrops} segments with an older timestamp (PAWS)` : '',
    a.badChecksums > 0 ? `${a.badChecksums} segments with a bad checksum` : '',
    a.badFlags > 0 ? `${a.badFlags} segments the receiver discards for their flags` : '',
    a.windowDrops > 0 ? `${a.windowDrops} copies past the receive window, refused and sent again` : '',
    a.ackDrops > 0 ? `${a.ackDrops} copies with an acknowledgement the receiver refuses, sent again` : '',
    a.authDrops > 0 ? `${a.authDrops} copies with an unexpected MD5 or AO option, sent again` : '',
  ].filter((part) => part !== '');

export const tcpEvasion: Threat<typeof config, undefined> = {
  id: 'tcp-evasion',
  on: ['flow-end'],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { flow, config: c }): ThreatHit[] {
    const a = flow?.anomalies;
    if (event.kind !== 'flow-end' || a === undefined) return noHits;
    const parts = described(a);
    if (parts.length === 0) return noHits;
    // Urgent data alone has old, rare legitimate uses (telnet's interrupt); the others do not.
    const strong = anomalyCount(a) > a.urgentOctets;
    return [
      {
        threat: 'tcp-evasion',
        severity: c.severity,
        confidence: strong ? 0.8 : 0.5,
        evidence: `TCP evasion attempt: ${parts.join(', ')} (undone as Linux does)`,
        ts: event.ts,
        count: anomalyCount(a),
      },
    ];
  },
};
