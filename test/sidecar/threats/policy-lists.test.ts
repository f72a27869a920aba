import { describe, expect, it } from 'vitest';
import { dnsTunnel } from '#sidecar/threats/dns-tunnel.ts';
import {
  dnsTypeEntry,
  fingerprintEntry,
  privateDnsType,
  protocolEntry,
} from '#sidecar/threats/policy-lists.ts';
import { protocolMismatch } from '#sidecar/threats/protocol-mismatch.ts';
import { tlsCertificate } from '#sidecar/threats/tls-certificate.ts';
import { unsafeProtocol } from '#sidecar/threats/unsafe-protocol.ts';
import { dnsQuery, flow, runThreat } from './threat-factories.ts';

const firstMessage = (parsed: { success: boolean; error?: { issues: { message: string }[] } }) =>
  parsed.success ? undefined : parsed.error?.issues[0]?.message;

describe('policy lists refuse what would never match, quoting it', () => {
  it('protocols: a typo would have turned the check off', () => {
    expect(protocolEntry.parse('telnet')).toBe('telnet');
    expect(firstMessage(protocolEntry.safeParse('telent'))).toMatch(
      /^"telent" is not a protocol the tap identifies \(http, /,
    );
    expect(firstMessage(unsafeProtocol.config.safeParse({ protocols: ['telnet', 'FTP'] }))).toMatch(
      /^"FTP" is not/,
    );
    expect(firstMessage(protocolMismatch.config.safeParse({ anyPort: ['htps'] }))).toMatch(/^"htps" is not/);
    expect(firstMessage(protocolMismatch.config.safeParse({ compatible: { http: ['http3'] } }))).toMatch(
      /^"http3" is not/,
    );
    expect(protocolMismatch.config.parse({}).anyPort).toEqual(['tls']);
  });

  it('DNS types: mnemonics in any case, TYPEnnn and PRIVATE; the defaults all mean something now', () => {
    expect(dnsTypeEntry.parse('txt')).toBe('TXT');
    expect(dnsTypeEntry.parse('TYPE65399')).toBe('TYPE65399');
    expect(firstMessage(dnsTypeEntry.safeParse('TXTT'))).toBe(
      '"TXTT" is not a DNS type (a mnemonic such as TXT, TYPEnnn, or PRIVATE)',
    );
    // KEY (25) was in the defaults but had no name, so it never matched.
    expect(dnsTunnel.config.parse({}).tunnelTypes).toContain('KEY');
    expect([privateDnsType('TYPE65280'), privateDnsType('TYPE65399'), privateDnsType('TYPE65534')]).toEqual([
      true,
      true,
      true,
    ]);
    expect([privateDnsType('TYPE65535'), privateDnsType('TYPE25'), privateDnsType('TXT')]).toEqual([
      false,
      false,
      false,
    ]);
  });

  it("counts iodine's private-use query type (-T PRIVATE asks for 65399) as tunnel-friendly", () => {
    const dns = { flow: flow({ transport: 'udp', protocol: 'dns', server: { ip: '10.96.0.10', port: 53 } }) };
    const names = Array.from(
      { length: 40 },
      (_, i) => `0${i.toString(32).padStart(4, 'a')}${'x'.repeat(50)}${i}.t.tunnel.example`,
    );
    const events = names.map((name, i) => dnsQuery(name, 'TYPE65399', { ts: 1_000 + i * 200 }));
    const evidence = runThreat(dnsTunnel, events, dns).map((hit) => hit.evidence);
    expect(evidence.join('\n')).toMatch(/100% tunnel-friendly types/);
  });

  it('fingerprints: SHA-1 or SHA-256 as OpenSSL prints them, compared in upper case', () => {
    const sha1 = Array(20).fill('ab').join(':');
    expect(fingerprintEntry.parse(sha1)).toBe(sha1.toUpperCase());
    expect(firstMessage(tlsCertificate.config.safeParse({ allowFingerprints: ['ABCD'] }))).toMatch(
      /^"ABCD" is not a SHA-1 or SHA-256 fingerprint/,
    );
    expect(firstMessage(fingerprintEntry.safeParse(Array(21).fill('ab').join(':')))).toBeDefined();
  });
});
