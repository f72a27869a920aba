/** An engine's findings for a test to read: the flows and the threats apart, or the threats one detector raised. */
import type { Finding, FlowFinding, ThreatFinding } from '#core/finding.ts';

type SplitFindings = { flows: FlowFinding[]; threats: ThreatFinding[] };

/** The flow findings and the threat findings, each in the order given; heartbeats and the rest are left out. */
export const splitFindings = (findings: readonly Finding[]): SplitFindings => ({
  flows: findings.filter((f): f is FlowFinding => f.type === 'flow'),
  threats: findings.filter((f): f is ThreatFinding => f.type === 'threat'),
});

/** The threat findings of one detector (`sql-injection`, `web-scanner`, …), in the order given. */
export const threatsBy = (findings: readonly Finding[], threat: string): ThreatFinding[] =>
  findings.filter((f): f is ThreatFinding => f.type === 'threat' && f.threat === threat);
