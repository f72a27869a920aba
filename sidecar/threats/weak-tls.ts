/**
 * Weak TLS: a server negotiating SSLv2, SSLv3, TLS 1.0 or 1.1 or a weak cipher suite (tls-cipher-strength.ts), or a
 * client whose best offer is one of those versions.
 */

import { z } from 'zod';
import { readsFirst } from '../engine/event-read.ts';
import type { TlsServerHelloEvent } from '../events.ts';
import { cipherVerdict } from '../protocols/tls-cipher-strength.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('medium', {
  /** Versions considered weak, compared after lower-casing and removing everything but letters and digits. */
  weakVersions: z
    .array(z.string())
    .default(['ssl2', 'sslv2', 'ssl20', 'ssl3', 'sslv3', 'ssl30', 'tls10', 'tls1', 'tls11']),
  /** Also report clients that offer nothing better than a weak version. */
  clients: z.boolean().default(true),
  /**
   * Cipher suites a server may not choose: `weak` reports weak and insecure ones (no forward secrecy, 3DES, RC4,
   * NULL, export grade...), `insecure` only the insecure, `off` none.
   */
  ciphers: z.enum(['weak', 'insecure', 'off']).default('weak'),
});
type Config = z.infer<typeof config>;

const canonical = (version: string): string => version.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The cipher suite's weakness as evidence, when the config reports it. */
const weakCipher = (cipherSuite: number, c: Config): string | undefined => {
  const verdict = cipherVerdict(cipherSuite);
  if (verdict === undefined || verdict.strength === 'strong' || c.ciphers === 'off') return undefined;
  if (c.ciphers === 'insecure' && verdict.strength !== 'insecure') return undefined;
  return `${verdict.name} (${verdict.strength}: ${verdict.why})`;
};

/** One finding for what a server chose: a weak version, a weak cipher suite, or both. */
const serverHits = (event: TlsServerHelloEvent, c: Config): ThreatHit[] => {
  const version = c.weakVersions.includes(canonical(event.version));
  const cipher = weakCipher(event.cipherSuite, c);
  if (!version && cipher === undefined) return noHits;
  const evidence = `server negotiated ${event.version}${cipher === undefined ? '' : ` with ${cipher}`}`;
  return [{ threat: 'weak-tls', severity: c.severity, confidence: 1, evidence, ts: event.ts }];
};

export const weakTls: Threat<typeof config, undefined> = {
  id: 'weak-tls',
  on: ['tls-server-hello', 'tls-client-hello'],
  reads: [readsFirst('tls-server-hello'), readsFirst('tls-client-hello')],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { config: c }): ThreatHit[] {
    if (event.kind === 'tls-server-hello') return serverHits(event, c);
    if (event.kind !== 'tls-client-hello' || !c.clients) return noHits;
    if (!c.weakVersions.includes(canonical(event.version))) return noHits;
    return [
      {
        threat: 'weak-tls',
        severity: c.severity,
        confidence: 0.8,
        evidence: `client offers at most ${event.version}`,
        ts: event.ts,
      },
    ];
  },
};
