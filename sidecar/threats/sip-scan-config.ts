/**
 * `sip-scan`'s policy (policies/threats/sip-scan.yaml): the scanners' User-Agents, and what makes a client's
 * questions an extension enumeration (svwar's pattern: many distinct To users, most refused).
 */
import { z } from 'zod';
import { allowList } from './allowed-servers.ts';
import { detectorConfig, severityOrOff } from './threat.ts';

/**
 * User-Agents of SIP scanners and war dialers: SIPVicious's `friendly-scanner` (its svmap, svwar and svcrack, 0.3.3:
 * svhelper.py's makeRequest), its name, and the agents of the mass scans honeypots log (sipcli, VaxSIPUserAgent,
 * sundayddr, pplsip, iWar, SIPScan). sipsak is not one: it is a test tool, and monitoring's SIP checks run it.
 */
export const scannerAgents = [
  'friendly-scanner',
  'sipvicious',
  'sipcli',
  'VaxSIPUserAgent',
  'sundayddr',
  'pplsip',
  'iWar',
  'SIPScan',
  'sip-scan',
];

export const sipScanConfig = detectorConfig('medium', {
  windowMs: z.number().int().positive().default(60_000),
  /** A request whose User-Agent names one of these (case ignored, as a word): a scanner, at `severity`. */
  userAgents: z.array(z.string().min(2).max(64)).default(scannerAgents),
  /** Extension enumeration: a severity, or off. */
  enumerationSeverity: severityOrOff.default('high'),
  /** Distinct To users a client asked about that were refused within the window. */
  minUsers: z.number().int().positive().default(20),
  /** And refused users at least this share of the distinct users it asked about. */
  minRefusedShare: z.number().min(0).max(1).default(0.8),
  /** The answers that refuse a user (404 and 604: none such; 401, 407: a password wanted; 403; 484). */
  refusedStatuses: z.array(z.number().int().min(300).max(699)).default([401, 403, 404, 407, 484, 604]),
  /** Clients never judged: an address, CIDR, or either with :port (a team's own SIP tester). */
  allowClients: allowList(),
});
export type SipScanConfig = z.infer<typeof sipScanConfig>;

const escaped = (name: string): string => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const patterns = new WeakMap<readonly string[], RegExp>();

/** One precompiled test for the configured agents, each as a word: `sipcli/1.8` names sipcli, `sipclient` does not. */
export const agentPattern = (agents: readonly string[]): RegExp => {
  let pattern = patterns.get(agents);
  if (pattern === undefined) {
    const names = agents.length === 0 ? '(?!)' : agents.map(escaped).join('|');
    pattern = new RegExp(`(?:^|[^a-z0-9])(${names})(?![a-z0-9])`, 'i');
    patterns.set(agents, pattern);
  }
  return pattern;
};
