/** The labels of an alert that rules, mutes and grouping match on, taken from a finding and where it came from. */
import type { Finding } from '#core/finding.ts';
import type { ResponseFinding } from '../response-finding.ts';

const subject = (finding: Finding): Record<string, string> => {
  switch (finding.type) {
    case 'threat':
      return {
        threat: finding.threat,
        severity: finding.severity,
        protocol: finding.protocol,
        peer: `${finding.server.ip}:${finding.server.port}`,
        client: finding.client.ip,
      };
    case 'violation':
      return { peer: finding.peer, protocol: finding.protocol, mode: finding.mode, severity: 'medium' };
    case 'admission':
      return {
        policy: finding.policy,
        check: finding.check,
        severity: finding.action === 'enforce' ? 'high' : 'low',
      };
    case 'flow':
      return { protocol: finding.protocol, severity: 'info' };
    default:
      return { severity: 'info' };
  }
};

export const alertLabels = (record: ResponseFinding): Record<string, string> => ({
  ...Object.fromEntries(Object.entries(record.labels ?? {}).map(([key, value]) => [`label.${key}`, value])),
  type: record.finding.type,
  namespace: record.namespace,
  ...(record.group === undefined ? {} : { group: record.group }),
  ...(record.pod === undefined ? {} : { pod: record.pod.name }),
  ...subject(record.finding),
});
