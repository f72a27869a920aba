/**
 * A protocol that should not be spoken at all: Telnet by default, a remote shell whose every keystroke (passwords
 * included) crosses the network as it is, and which no modern workload needs (nDPI's "Unsafe Protocol" risk says the
 * same). Teams that have retired FTP or the mail protocols in the clear can add them. One finding per flow from its
 * first event on (or its end, for a session that says nothing), loopback included: a Telnet server inside a pod is
 * the finding, wherever its client is.
 */
import { z } from 'zod';
import { readsFirst } from '../engine/event-read.ts';
import { protocolEntry } from './policy-lists.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('medium', {
  /** Protocol ids reported whenever they are seen. */
  protocols: z.array(protocolEntry).default(['telnet']),
});

/** Why each protocol is unsafe, for evidence; others get a generic reason. */
const reasons: Record<string, string> = {
  telnet: 'Telnet: a remote shell without encryption, every keystroke readable on the path (use SSH)',
  ftp: 'FTP: files and passwords without encryption (use SFTP or FTPS)',
  pop3: 'POP3 without TLS: mail and passwords readable on the path',
  imap: 'IMAP without TLS: mail and passwords readable on the path',
  vnc: 'VNC: a remote desktop whose screen and keystrokes cross the network unencrypted, its password checked with 56-bit DES (tunnel it through SSH or TLS)',
};

/** The events the protocols that may be listed emit (telnet, ftp, pop3, imap, vnc: operations and login outcomes). */
const judgedOn = ['operation', 'db-auth'] as const;

/**
 * Protocols that may turn to TLS part way (STARTTLS, STLS, AUTH TLS, an SSLRequest, NATS's INFO: tls-upgrade.ts): judged at the
 * flow's end, when it is known whether they did; a session that did is not in the clear.
 */
const mayTurnToTls: ReadonlySet<string> = new Set([
  'ftp',
  'pop3',
  'imap',
  'smtp',
  'ldap',
  'postgresql',
  'mysql',
  'nats',
]);

/**
 * Stateless (no state per flow for the thousands of flows it only glances at): every event of a listed protocol's
 * flow is a hit, and the runner merges a flow's hits into one finding per episode.
 */
export const unsafeProtocol: Threat<typeof config, undefined> = {
  id: 'unsafe-protocol',
  on: ['flow-end', ...judgedOn],
  reads: judgedOn.map((kind) => readsFirst(kind, 1024)),
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { flow, config: c }): ThreatHit[] {
    if (flow === undefined || !c.protocols.includes(flow.protocol)) return noHits;
    if (mayTurnToTls.has(flow.protocol) && (event.kind !== 'flow-end' || flow.tls === true)) return noHits;
    const evidence = reasons[flow.protocol] ?? `${flow.protocol}: a protocol this cluster's policy rules out`;
    return [{ threat: 'unsafe-protocol', severity: c.severity, confidence: 1, evidence, ts: event.ts }];
  },
};
