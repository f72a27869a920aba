/**
 * Certificate problems seen in a TLS 1.0–1.2 handshake: expired, about to expire or not yet valid at the packet's
 * time, self-signed, not covering the name the client asked for (SNI), signed with a broken hash (MD5, SHA-1), a
 * short key, or not X.509 at all. TLS 1.3 encrypts certificates, so they are judged only where the handshake is readable: what a mesh's mTLS
 * hides, a pod's own TLS to a database or an external API often shows.
 */
import { z } from 'zod';
import { readsFirst } from '../engine/event-read.ts';
import type { CertificateFacts, TlsCertificateEvent } from '../events.ts';
import { brokenSignatureHashes } from '../protocols/x509-signature.ts';
import { fingerprintEntry } from './policy-lists.ts';
import { certificateCovers } from './text/certificate-host.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('medium', {
  expired: z.boolean().default(true),
  /**
   * Report a certificate about to expire: fewer than this many days left and less than `expiringFraction` of its
   * lifetime (a renewer that works renews long before; short-lived certificates stay quiet until their last tenth).
   * 0 turns it off.
   */
  expiringWithinDays: z.number().min(0).default(7),
  expiringFraction: z.number().min(0).max(1).default(0.1),
  selfSigned: z.boolean().default(true),
  nameMismatch: z.boolean().default(true),
  weakSignature: z.boolean().default(true),
  weakKey: z.boolean().default(true),
  malformed: z.boolean().default(true),
  /** RSA and DSA keys shorter than this are weak (NIST SP 800-131A: 2048 since 2014). */
  minRsaBits: z.number().int().positive().default(2048),
  /** EC keys on smaller curves are weak (NIST SP 800-57: 224 bits). */
  minEcBits: z.number().int().positive().default(224),
  /** Judge clients' certificates too (mutual TLS): validity, signature, key and form, not names. */
  clients: z.boolean().default(true),
  /** SHA-1 or SHA-256 fingerprints (as OpenSSL prints them, `AB:CD:…`) of certificates known and accepted. */
  allowFingerprints: z.array(fingerprintEntry).default([]),
});
type Config = z.infer<typeof config>;

type State = { sni?: string };

/** A validity bound's day; OpenSSL's text for a date it could not convert is not a number. */
const day = (ms: number): string =>
  Number.isFinite(ms) && Math.abs(ms) <= 8.64e15
    ? new Date(ms).toISOString().slice(0, 10)
    : 'an unreadable date';

const dayMs = 86_400_000;

const validity = (leaf: CertificateFacts, ts: number, c: Config): string | undefined => {
  if (ts > leaf.notAfter) return `expired on ${day(leaf.notAfter)}`;
  if (ts < leaf.notBefore) return `not valid before ${day(leaf.notBefore)}`;
  const left = leaf.notAfter - ts;
  const lifetime = leaf.notAfter - leaf.notBefore;
  if (left < c.expiringWithinDays * dayMs && left < lifetime * c.expiringFraction) {
    const days = Math.floor(left / dayMs);
    const hours = Math.max(1, Math.round(left / 3_600_000));
    const when =
      days === 0 ? `${hours} hour${hours === 1 ? '' : 's'}` : `${days} day${days === 1 ? '' : 's'}`;
    return `expires in ${when} (on ${day(leaf.notAfter)}), ${Math.round((100 * left) / lifetime)}% of its lifetime left`;
  }
  return undefined;
};

const weakKey = (leaf: CertificateFacts, c: Config): string | undefined => {
  if (leaf.keyBits === undefined) return undefined;
  const rsa = leaf.keyType === 'rsa' || leaf.keyType === 'rsa-pss' || leaf.keyType === 'dsa';
  if (rsa && leaf.keyBits < c.minRsaBits) return `${leaf.keyType} key of ${leaf.keyBits} bits`;
  if (leaf.keyType === 'ec' && leaf.keyBits < c.minEcBits) return `ec key of ${leaf.keyBits} bits`;
  return undefined;
};

/** What is wrong with a certificate, worst first; empty when nothing is. */
const problems = (
  leaf: CertificateFacts,
  server: boolean,
  sni: string | undefined,
  ts: number,
  c: Config,
) => {
  const out: string[] = [];
  const push = (on: boolean, problem: string | undefined) => {
    if (on && problem !== undefined) out.push(problem);
  };
  push(c.expired, validity(leaf, ts, c));
  push(
    server && c.nameMismatch && sni !== undefined && !certificateCovers(leaf, sni),
    `does not cover ${sni}`,
  );
  push(server && c.selfSigned && leaf.selfSigned, 'self-signed');
  // A self-signed certificate's own signature proves nothing either way, so its hash does not matter.
  const brokenHash =
    !leaf.selfSigned && leaf.signature !== undefined && brokenSignatureHashes.has(leaf.signature);
  push(c.weakSignature && brokenHash, `signed with ${leaf.signature}`);
  push(c.weakKey, weakKey(leaf, c));
  return out;
};

/** A name's `CN=` part, else the whole name: the issuer's full DN buries what matters in a one-line table. */
const shortName = (name: string, commonName?: string): string => {
  if (commonName !== undefined) return `CN=${commonName}`;
  const cn = /(?:^|, )CN=([^,]*)/.exec(name)?.[1];
  return cn === undefined ? name || 'an empty name' : `CN=${cn}`;
};

const judge = (event: TlsCertificateEvent, state: State, c: Config): ThreatHit[] => {
  const server = event.direction === 'to-client';
  if (!server && !c.clients) return noHits;
  const side = server ? 'server' : 'client';
  if (event.leaf === undefined) {
    if (event.problem === undefined || !c.malformed) return noHits;
    return [hit(c, 0.6, `${side} certificate unreadable: ${event.problem}`, event.ts)];
  }
  const leaf = event.leaf;
  if (c.allowFingerprints.includes(leaf.sha1) || c.allowFingerprints.includes(leaf.sha256)) return noHits;
  const found = problems(leaf, server, state.sni, event.ts, c);
  if (found.length === 0) return noHits;
  return [
    hit(
      c,
      1,
      `${side} certificate ${found.join('; ')} (${shortName(leaf.subject, leaf.commonNames[0])}, issued by ${shortName(leaf.issuer)})`,
      event.ts,
    ),
  ];
};

const hit = (c: Config, confidence: number, evidence: string, ts: number): ThreatHit => ({
  threat: 'tls-certificate',
  severity: c.severity,
  confidence,
  evidence: evidence.length > 400 ? `${evidence.slice(0, 400)}…` : evidence,
  ts,
});

export const tlsCertificate: Threat<typeof config, State> = {
  id: 'tls-certificate',
  on: ['tls-client-hello', 'tls-certificate'],
  reads: [readsFirst('tls-client-hello'), readsFirst('tls-certificate')],
  config,
  scope: 'flow',
  initialState: () => ({}),
  inspect(event, state, { config: c }): ThreatHit[] {
    if (event.kind === 'tls-client-hello') {
      if (event.sni !== undefined) state.sni = event.sni;
      return noHits;
    }
    return event.kind === 'tls-certificate' ? judge(event, state, c) : noHits;
  },
};
